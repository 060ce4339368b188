/**
 * The catalogue facts the recommendations need (Product by (shop, id)): handle, type, status, in stock,
 * price, image. No titles or descriptions. Read from the Admin API by app/shopify/products-sync.server.ts.
 */
import type { Db } from "../db.server";
import type { ProductFacts } from "../shopify/products-sync.server";

/** Replaces these products' rows in one transaction (two statements instead of one upsert per product). */
export async function replaceProducts(db: Db, shop: string, products: ProductFacts[]): Promise<void> {
  if (!products.length) return;
  const ids = products.map((p) => p.id);
  const rows = products.map((p) => ({ shop, ...p }));
  await db.$transaction([
    db.product.deleteMany({ where: { shop, id: { in: ids } } }),
    db.product.createMany({ data: rows }),
  ]);
}

/** The handles of these products (for storefront links), by product id. */
export async function productHandles(db: Db, shop: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.product.findMany({ where: { shop, id: { in: ids } }, select: { id: true, handle: true } });
  return new Map(rows.map((p) => [p.id, p.handle]));
}
