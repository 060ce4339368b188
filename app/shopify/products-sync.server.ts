/**
 * The catalogue facts the recommendations need (handle, type, status, in stock, price, image), paged
 * through the paced client and upserted into Product by (shop, id). No titles or descriptions.
 */
import type { Db } from "../db.server";
import type { AdminGraphql } from "./types";

/** Requested cost ~ 2 + first * (5 + 2 + 5): 50 products per page stay well under 1000. */
export const PRODUCTS_PAGE = `#graphql
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        handle
        productType
        status
        totalInventory
        variants(first: 5) { nodes { price } }
        featuredMedia { preview { image { url } } }
      }
    }
  }`;

interface ProductNode {
  id: string;
  handle: string;
  productType: string;
  status: string;
  totalInventory: number;
  variants: { nodes: Array<{ price: string }> } | null;
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
}

export interface ProductsSyncResult {
  products: number;
}

const STATUSES = new Set(["ACTIVE", "ARCHIVED", "DRAFT"]);

export async function syncProducts(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  opts: { query?: string | null; pageSize?: number } = {},
): Promise<ProductsSyncResult> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const data: { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ProductNode[] } } = await admin.request(PRODUCTS_PAGE, {
      first: opts.pageSize ?? 50,
      after,
      query: opts.query ?? null,
    });
    const rows = data.products.nodes.map((p) => {
      const prices = (p.variants?.nodes ?? []).map((v) => Number(v.price)).filter(Number.isFinite);
      const price = prices.length ? Math.min(...prices) : 0;
      return {
        shop,
        id: p.id,
        handle: p.handle,
        productType: p.productType ?? "",
        status: STATUSES.has(p.status) ? p.status : "ACTIVE",
        inStock: p.totalInventory > 0,
        price: Number.isFinite(price) ? price : 0,
        imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
      };
    });
    if (rows.length) {
      // Replace the page's rows in one transaction (two statements instead of one upsert per product).
      const ids = rows.map((r) => r.id);
      await db.$transaction([db.product.deleteMany({ where: { shop, id: { in: ids } } }), db.product.createMany({ data: rows })]);
    }
    count += rows.length;
    if (!data.products.pageInfo.hasNextPage) return { products: count };
    after = data.products.pageInfo.endCursor;
  }
}
