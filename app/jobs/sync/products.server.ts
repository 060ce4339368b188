/**
 * The catalogue step of a sync: every product page read from the Admin API (app/shopify/products-sync)
 * is stored as it arrives (app/models/products.server.ts).
 */
import type { Db } from "../../db.server";
import { replaceProducts } from "../../models/products.server";
import { productPages } from "../../shopify/products-sync.server";
import type { AdminGraphql } from "../../shopify/types";

export interface ProductsSyncResult {
  products: number;
}

export async function syncProducts(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  opts: { query?: string | null; pageSize?: number } = {},
): Promise<ProductsSyncResult> {
  let count = 0;
  for await (const page of productPages(admin, opts)) {
    await replaceProducts(db, shop, page);
    count += page.length;
  }
  return { products: count };
}
