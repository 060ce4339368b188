/**
 * The catalogue facts the recommendations need (handle, type, status, in stock, price, image), paged
 * through the paced client, returned as plain facts; app/jobs/sync/products.server.ts stores them.
 * No titles or descriptions.
 */
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

/** One product as the app stores it (app/models/products.server.ts). */
export interface ProductFacts {
  id: string;
  handle: string;
  productType: string;
  status: string;
  inStock: boolean;
  price: number;
  imageUrl: string | null;
}

const STATUSES = new Set(["ACTIVE", "ARCHIVED", "DRAFT"]);

/** The shop's products, one page at a time, as plain facts (the caller stores them). */
export async function* productPages(
  admin: AdminGraphql,
  opts: { query?: string | null; pageSize?: number } = {},
): AsyncGenerator<ProductFacts[]> {
  let after: string | null = null;
  for (;;) {
    const data: { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ProductNode[] } } =
      await admin.request(PRODUCTS_PAGE, {
        first: opts.pageSize ?? 50,
        after,
        query: opts.query ?? null,
      });
    yield data.products.nodes.map((p) => {
      const prices = (p.variants?.nodes ?? []).map((v) => Number(v.price)).filter(Number.isFinite);
      const price = prices.length ? Math.min(...prices) : 0;
      return {
        id: p.id,
        handle: p.handle,
        productType: p.productType ?? "",
        status: STATUSES.has(p.status) ? p.status : "ACTIVE",
        inStock: p.totalInventory > 0,
        price: Number.isFinite(price) ? price : 0,
        imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
      };
    });
    if (!data.products.pageInfo.hasNextPage) return;
    after = data.products.pageInfo.endCursor;
  }
}
