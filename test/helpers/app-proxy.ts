/**
 * App proxy requests as Shopify forwards them, signed from Shopify's documentation ("Authenticate app
 * proxies", shopify.dev), independently of the app (never import the app's verifier here):
 *   - Shopify appends shop, logged_in_customer_id (empty for a guest), path_prefix and timestamp;
 *   - the message is every parameter except `signature` written `key=value`, a repeated key's values
 *     joined with ",", these strings SORTED (the documented Ruby example sorts the `key=value` strings,
 *     not the keys), concatenated with no separator;
 *   - signature = hex HMAC-SHA256(app secret, message).
 */
import { createHmac } from "node:crypto";

export const PROXY_APP_URL = "https://churnless.example.com";

/** Shopify's message for a query (the pairs in the query's order; repeated keys allowed). */
export function shopifyProxyMessage(pairs: Array<[string, string]>): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  const strings = [...grouped].map(([key, values]) => `${key}=${values.join(",")}`);
  // Ruby's String#sort: byte order.
  strings.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return strings.join("");
}

export function shopifyProxySignature(pairs: Array<[string, string]>, secret: string): string {
  return createHmac("sha256", secret).update(shopifyProxyMessage(pairs), "utf8").digest("hex");
}

export interface ProxySignOptions {
  shop: string;
  secret: string;
  /** Numeric id of the logged-in customer; null or omitted for a guest. */
  customer?: string | null;
  pathPrefix?: string;
  /** Seconds since the epoch (default: now). */
  timestamp?: number;
  /**
   * Extra pairs added after Shopify's parameters and signed with them (what a visitor could put in the
   * storefront URL, e.g. a second logged_in_customer_id).
   */
  extra?: Array<[string, string]>;
}

/** The query string Shopify forwards for the storefront query `query` (pairs, in order). */
export function signedProxyQuery(
  query: Array<[string, string]> | Record<string, string>,
  opts: ProxySignOptions,
): string {
  const pairs: Array<[string, string]> = Array.isArray(query) ? [...query] : Object.entries(query);
  pairs.push(
    ["shop", opts.shop],
    ["logged_in_customer_id", opts.customer ?? ""],
    ["path_prefix", opts.pathPrefix ?? "/apps/churnless"],
    ["timestamp", String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ...(opts.extra ?? []),
  );
  pairs.push(["signature", shopifyProxySignature(pairs, opts.secret)]);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

/** A proxied request to `<app>/proxy/<path>`, signed as Shopify signs it. */
export function proxyRequest(
  path: string,
  query: Array<[string, string]> | Record<string, string>,
  opts: ProxySignOptions & { method?: string; body?: BodyInit; headers?: Record<string, string> },
): Request {
  return new Request(`${PROXY_APP_URL}/proxy/${path}?${signedProxyQuery(query, opts)}`, {
    method: opts.method ?? "GET",
    body: opts.body,
    headers: opts.headers,
    // Node's fetch Request needs this for a streamed body.
    ...(opts.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}
