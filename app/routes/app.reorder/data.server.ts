/**
 * The customer page's "Due to reorder" card: the products a customer is due to buy again (ReorderDue),
 * each with its learned repurchase cycle (ProductCycle) and its handle (a name when Shopify's title
 * cannot be read live).
 */
import type { Db } from "../../db.server";
import { productHandles } from "../../models/products.server";
import { dueProductsOf } from "../../models/reorder.server";

export interface DueProductView {
  productId: string;
  handle: string | null;
  lastBoughtAt: string;
  dueFrom: string;
  dueTo: string;
  cycleDays: number | null;
}

export async function dueProductsView(db: Db, shop: string, customerId: string): Promise<DueProductView[]> {
  const rows = await dueProductsOf(db, shop, customerId);
  const ids = rows.map((r) => r.productId);
  const [cycles, handles] = await Promise.all([
    ids.length
      ? db.productCycle.findMany({
          where: { shop, productId: { in: ids } },
          select: { productId: true, medianDays: true },
        })
      : [],
    productHandles(db, shop, ids),
  ]);
  const cycle = new Map(cycles.map((c) => [c.productId, c.medianDays]));
  return rows.map((r) => ({
    productId: r.productId,
    handle: handles.get(r.productId) ?? null,
    lastBoughtAt: r.lastBoughtAt.toISOString(),
    dueFrom: r.dueFrom.toISOString(),
    dueTo: r.dueTo.toISOString(),
    cycleDays: cycle.get(r.productId) ?? null,
  }));
}
