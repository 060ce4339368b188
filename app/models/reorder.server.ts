/**
 * Due to reorder, stored: each product's learned cycle (ProductCycle) and each customer's due products
 * with their window (ReorderDue), replaced at every analysis. Computed by app/analytics/recommendations/reorder.ts; read
 * by the publish (tag `<prefix>:due:reorder`, metafield `due_products`, the "Customer due to reorder"
 * Flow trigger) and by the storefront block (due products first).
 */
import type { Db } from "../db.server";
import { dialectOf, insertRows } from "../db/json-rows.server";
import { DAY_MS } from "../analytics/data/purchase-history";
import { learnReorderColumns, type ReorderColumns, type ReorderOptions } from "../analytics/recommendations/reorder";
import { OrderTable } from "../analytics/data/order-table";
import type { OrderInput } from "../analytics/types";

export interface DueRow {
  productId: string;
  lastBoughtAt: Date;
  dueFrom: Date;
  dueTo: Date;
}

/**
 * Rows written per statement. Small enough that a statement's JSON text (about 200 bytes a due row) stays
 * well under V8's large-object size (128 KB): such strings are only freed by a full collection, and a large
 * shop's hundreds of statements otherwise pile up hundreds of MB of them before one runs.
 */
const REORDER_BATCH = 250;

const DUE_COLUMNS = {
  shop: "text",
  customerId: "text",
  productId: "text",
  lastBoughtAt: "timestamp",
  dueFrom: "timestamp",
  dueTo: "timestamp",
} as const;

/** Learns the cycles from the shop's orders and replaces the stored cycles and due products. */
export async function refreshReorderDue(
  db: Db,
  shop: string,
  orders: Iterable<OrderInput> | OrderTable,
  options: ReorderOptions,
): Promise<{ cycles: number; dueCustomers: number }> {
  const table = orders instanceof OrderTable ? orders : OrderTable.from(orders);
  const columns = learnReorderColumns(table, options);
  await saveReorder(db, shop, columns, table.strings);
  let dueCustomers = 0;
  for (let r = 0; r < columns.size; r++) if (r === 0 || columns.customer[r] !== columns.customer[r - 1]) dueCustomers++;
  return { cycles: columns.cycles.length, dueCustomers };
}

/**
 * Replaces the shop's stored cycles and due products with these (learnReorderColumns; `strings` are the
 * order table's, which its customer and product indexes point into). Row objects are made one batch at a
 * time (a large shop's 150k due rows are never all objects at once), and each batch is one INSERT of a
 * JSON parameter (app/db/json-rows.server.ts), as the scores are.
 */
export async function saveReorder(
  db: Db,
  shop: string,
  reorder: ReorderColumns,
  strings: readonly string[],
): Promise<void> {
  const cycles = reorder.cycles.map((c) => ({
    shop,
    productId: c.productId,
    medianDays: c.medianDays,
    lowDays: c.lowDays,
    highDays: c.highDays,
    repeatBuyers: c.repeatBuyers,
    intervals: c.intervals,
  }));
  const dueBatch = (from: number) => {
    const rows = [];
    for (let r = from; r < Math.min(reorder.size, from + REORDER_BATCH); r++)
      rows.push({
        shop,
        customerId: strings[reorder.customer[r]],
        productId: strings[reorder.product[r]],
        lastBoughtAt: new Date(reorder.lastDay[r] * DAY_MS),
        dueFrom: new Date(reorder.fromDay[r] * DAY_MS),
        dueTo: new Date(reorder.toDay[r] * DAY_MS),
      });
    return rows;
  };
  const dialect = dialectOf(db);
  await db.$transaction(
    async (tx) => {
      await tx.productCycle.deleteMany({ where: { shop } });
      await tx.reorderDue.deleteMany({ where: { shop } });
      for (let i = 0; i < cycles.length; i += REORDER_BATCH)
        await tx.productCycle.createMany({ data: cycles.slice(i, i + REORDER_BATCH) });
      for (let i = 0; i < reorder.size; i += REORDER_BATCH)
        await insertRows(tx, dialect, "ReorderDue", DUE_COLUMNS, dueBatch(i));
      // Prisma's default 5 s is too short for a large shop's rows on PostgreSQL (the 100k-order benchmark failed).
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** One customer's due products with their windows, soonest first. */
export async function dueProductsOf(db: Db, shop: string, customerId: string): Promise<DueRow[]> {
  return db.reorderDue.findMany({
    where: { shop, customerId },
    orderBy: [{ dueFrom: "asc" }, { productId: "asc" }],
    select: { productId: true, lastBoughtAt: true, dueFrom: true, dueTo: true },
  });
}
