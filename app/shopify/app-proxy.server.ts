/**
 * App proxy requests: Shopify forwards a storefront request `/apps/churnless/...` to `<app>/proxy/...`
 * and appends `shop`, `logged_in_customer_id`, `path_prefix`, `timestamp` and `signature`.
 *
 * Every proxy route calls `authenticateProxy(request)` (or `verifyAppProxyRequest` for a result instead
 * of a thrown Response). It verifies with the library, `authenticate.public.appProxy` of
 * @shopify/shopify-app-remix (app/shopify.server.ts): HMAC-SHA256 (hex, the app's API secret) over the
 * parameters except `signature`, each `key=value` with a repeated key's values joined by ",", compared in
 * constant time; a `timestamp` within 90 s of our clock; a repeated `shop`, `signature` or `timestamp`
 * refused. On top of the library:
 * - a repeated `logged_in_customer_id` is refused too (the library would join "2,1" and sign it, and the
 *   first value would name a shopper the visitor chose);
 * - the library sorts the pairs by key, Shopify by the whole `key=value` string. The two orders differ only
 *   when one key is a prefix of another followed by a character below "=" (`a` and `a1`, `a` and `a-b`);
 *   for such a request, and only when the library refused it, the signature is checked once more in
 *   Shopify's documented order (same secret, same 90 s window, same constant-time comparison). None of the
 *   app's own parameters are such keys; a shopper's extra query parameters can be.
 *
 * The shopper is ONLY the signed `logged_in_customer_id`: nothing else in the request names a customer.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Session } from "@shopify/shopify-api";
import { env } from "../env.server";

export type ProxyContext = {
  ok: true;
  shop: string;
  /** gid://shopify/Customer/N when a customer is logged in, else null. */
  customerId: string | null;
  pathPrefix: string;
  timestamp: number;
  /** The shop's offline session (null when the app is not installed there). */
  session: Session | null;
};

export type ProxyRejection = {
  ok: false;
  reason: "bad-signature" | "repeated-parameter" | "bad-shop" | "bad-customer";
  message: string;
};

/** Parameters Shopify sends once; a second value is a visitor's addition. */
export const SINGLE_VALUE_PARAMS = ["shop", "signature", "timestamp", "logged_in_customer_id"] as const;
/** The library's window for `timestamp`, both ways (shopify-api's hmac-validator). */
export const PROXY_TIMESTAMP_WINDOW_SECONDS = 90;

const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const reject = (reason: ProxyRejection["reason"], message: string): ProxyRejection => ({ ok: false, reason, message });

/** True when sorting by key and sorting `key=value` strings put the parameters in different orders. */
export function keyOrderDiffersFromPairOrder(params: URLSearchParams): boolean {
  const keys = [...new Set([...params.keys()].filter((k) => k !== "signature"))];
  for (const a of keys) {
    for (const b of keys) {
      // b extends a with a character that sorts before "=": "a=…" comes after "a1=…".
      if (b.length > a.length && b.startsWith(a) && b.charCodeAt(a.length) < 0x3d) return true;
    }
  }
  return false;
}

/** Shopify's documented check (sorted `key=value` strings), for the requests the library orders otherwise. */
function validInShopifysOrder(params: URLSearchParams, secret: string, nowSeconds: number): boolean {
  const timestamp = Number(params.get("timestamp"));
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > PROXY_TIMESTAMP_WINDOW_SECONDS) return false;
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) if (key !== "signature") grouped.set(key, [...(grouped.get(key) ?? []), value]);
  const message = [...grouped]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    .join("");
  const expected = Buffer.from(createHmac("sha256", secret).update(message, "utf8").digest("hex"));
  const given = Buffer.from((params.get("signature") ?? "").toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Verifies a request that came through the app proxy; on success, the signed shop and shopper. */
export async function verifyAppProxyRequest(request: Request): Promise<ProxyContext | ProxyRejection> {
  const params = new URL(request.url).searchParams;
  if (!params.get("signature")) return reject("bad-signature", "Missing app proxy signature");
  for (const key of SINGLE_VALUE_PARAMS) {
    if (params.getAll(key).length > 1)
      return reject("repeated-parameter", `Invalid app proxy request: ${key} appears more than once`);
  }
  // The library's session lookup throws on a shop that is not a myshopify domain: refuse it first.
  const shop = params.get("shop") ?? "";
  if (!SHOP_RE.test(shop)) return reject("bad-shop", "Invalid shop in app proxy request");
  const { authenticate } = await import("../shopify.server");
  let session: Session | null = null;
  try {
    session = (await authenticate.public.appProxy(request)).session ?? null;
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    const secret = env().SHOPIFY_API_SECRET ?? "";
    if (!keyOrderDiffersFromPairOrder(params) || !secret || !validInShopifysOrder(params, secret, Date.now() / 1000)) {
      return reject("bad-signature", "Invalid or expired app proxy signature");
    }
  }
  const customer = params.get("logged_in_customer_id") ?? "";
  if (customer !== "" && !/^[1-9][0-9]{0,19}$/.test(customer))
    return reject("bad-customer", "Invalid logged_in_customer_id");
  return {
    ok: true,
    shop,
    customerId: customer === "" ? null : `gid://shopify/Customer/${customer}`,
    pathPrefix: params.get("path_prefix") ?? "",
    timestamp: Number(params.get("timestamp")),
    session,
  };
}

/**
 * The helper for proxy routes: the verified context, or a thrown 401 JSON Response (Remix answers a
 * thrown Response as is). `const proxy = await authenticateProxy(request);`
 */
export async function authenticateProxy(request: Request): Promise<ProxyContext> {
  const result = await verifyAppProxyRequest(request);
  if (!result.ok) throw proxyRejected(result);
  return result;
}

/** JSON answer for the proxy, never cached for errors. */
export function proxyJson(
  body: unknown,
  init: { status?: number; cacheControl?: string; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": init.cacheControl ?? "no-store",
      "X-Content-Type-Options": "nosniff",
      ...init.headers,
    },
  });
}

export function proxyRejected(rejection: ProxyRejection): Response {
  return proxyJson({ error: rejection.message, reason: rejection.reason }, { status: 401 });
}
