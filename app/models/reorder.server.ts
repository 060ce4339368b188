/**
 * Due to reorder, stored: each product's learned cycle (ProductCycle) and each customer's due products
 * with their window (ReorderDue), replaced at every analysis. Computed by app/analytics/reorder.ts; read
 * by the publish (tag `<prefix>:due:reorder`, metafield `due_products`, the "Customer due to reorder"
 * Flow trigger) and by the storefront block (due products first).
 */
import type { Db } from "../db.server";
import { learnReorder, type ReorderOptions, type ReorderResult } from "../analytics/reorder";
import type { OrderInput } from "../analytics/types";

export interface DueRow {
  productId: string;
  lastBoughtAt: Date;
  dueFrom: Date;
  dueTo: Date;
}

/** Learns the cycles from the shop's orders and replaces the stored cycles and due products. */
export async function refreshReorderDue(
  db: Db,
  shop: string,
  orders: Iterable<OrderInput>,
  options: ReorderOptions,
): Promise<{ cycles: number; dueCustomers: number }> {
  const result = learnReorder(orders, options);
  await saveReorder(db, shop, result);
  return { cycles: result.cycles.size, dueCustomers: result.due.size };
}

export async function saveReorder(db: Db, shop: string, result: ReorderResult): Promise<void> {
  const cycles = [...result.cycles.values()].map((c) => ({
    shop,
    productId: c.productId,
    medianDays: c.medianDays,
    lowDays: c.lowDays,
    highDays: c.highDays,
    repeatBuyers: c.repeatBuyers,
    intervals: c.intervals,
  }));
  const due = [...result.due.values()].flat().map((d) => ({
    shop,
    customerId: d.customerId,
    productId: d.productId,
    lastBoughtAt: d.lastBoughtAt,
    dueFrom: d.dueFrom,
    dueTo: d.dueTo,
  }));
  await db.$transaction(
    async (tx) => {
      await tx.productCycle.deleteMany({ where: { shop } });
      await tx.reorderDue.deleteMany({ where: { shop } });
      for (let i = 0; i < cycles.length; i += 500) await tx.productCycle.createMany({ data: cycles.slice(i, i + 500) });
      for (let i = 0; i < due.length; i += 500) await tx.reorderDue.createMany({ data: due.slice(i, i + 500) });
      // Prisma's default 5 s is too short for a large shop's rows on PostgreSQL (the 100k-order benchmark failed).
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** Every customer's due product ids, soonest window first. */
export async function dueProductsByCustomer(db: Db, shop: string): Promise<Map<string, string[]>> {
  const rows = await db.reorderDue.findMany({
    where: { shop },
    orderBy: [{ customerId: "asc" }, { dueFrom: "asc" }, { productId: "asc" }],
    select: { customerId: true, productId: true },
  });
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.customerId);
    if (list) list.push(r.productId);
    else out.set(r.customerId, [r.productId]);
  }
  return out;
}

/** One customer's due products with their windows, soonest first. */
export async function dueProductsOf(db: Db, shop: string, customerId: string): Promise<DueRow[]> {
  return db.reorderDue.findMany({
    where: { shop, customerId },
    orderBy: [{ dueFrom: "asc" }, { productId: "asc" }],
    select: { productId: true, lastBoughtAt: true, dueFrom: true, dueTo: true },
  });
}
