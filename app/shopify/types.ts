/**
 * The seam between the app and the Admin GraphQL API. Models and writers take an `AdminGraphql` as a
 * parameter (like the QR-code example's models take `graphql`), so the same code runs against a real
 * shop, the local stand-in (test/standin) and the demo. `app/shopify/client.server.ts` implements it
 * with graphql-request, cost-aware throttling and retries.
 */
export interface AdminGraphql {
  /** Sends one document; resolves with `data`, throws AdminApiError / ThrottledError on failure. */
  request<T = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<T>;
  /** The shop domain this client talks to (e.g. demo-shop.myshopify.com). */
  readonly shop: string;
  /** Cost points and calls spent so far (for the publish audit and benchmarks). */
  readonly stats: { calls: number; costPoints: number; retries: number };
}

/** A mutation answered with userErrors. */
export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}
