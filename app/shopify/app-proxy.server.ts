/**
 * App proxy requests: Shopify forwards a storefront request `/apps/churnless/...` to `<app>/proxy/...`
 * and appends `shop`, `logged_in_customer_id`, `path_prefix`, `timestamp` and `signature`.
 *
 * signature = hex HMAC-SHA256(app API secret, message), where message is every query parameter except
 * `signature`, sorted by key, each written `key=value` (repeated keys: values joined by ","),
 * concatenated with no separator (Shopify, "Authenticate app proxies"). We compare in constant time
 * (crypto.timingSafeEqual) and accept a timestamp at most `maxAgeSeconds` old and at most
 * `futureSkewSeconds` ahead of our clock.
 *
 * The shopper is ONLY the signed `logged_in_customer_id`: nothing else in the request names a customer.
 */
// The module object (not a destructured binding), so tests can observe the constant-time comparison.
import crypto from "node:crypto";

export interface ProxyVerifyOptions {
  /** The app's API secret (SHOPIFY_API_SECRET). */
  secret: string;
  /** Current time in ms (tests). */
  now?: number;
  /** Oldest accepted timestamp, in seconds (default 300). */
  maxAgeSeconds?: number;
  /** Accepted clock skew into the future, in seconds (default 60). */
  futureSkewSeconds?: number;
}

export type ProxyContext = {
  ok: true;
  shop: string;
  /** gid://shopify/Customer/N when a customer is logged in, else null. */
  customerId: string | null;
  pathPrefix: string;
  timestamp: number;
};

export type ProxyRejection = {
  ok: false;
  reason: "missing-signature" | "bad-signature" | "stale" | "future" | "bad-shop" | "bad-customer" | "no-secret";
  message: string;
};

const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The message Shopify signs: sorted `key=value` pairs, repeated keys joined by ",", no separator. */
export function proxySignatureMessage(params: URLSearchParams): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    const values = grouped.get(key);
    if (values) values.push(value);
    else grouped.set(key, [value]);
  }
  // Byte order of the keys (code units; keys are ASCII), as Shopify sorts them.
  const keys = [...grouped.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => `${key}=${grouped.get(key)!.join(",")}`).join("");
}

export function computeProxySignature(params: URLSearchParams, secret: string): string {
  return crypto.createHmac("sha256", secret).update(proxySignatureMessage(params), "utf8").digest("hex");
}

/** Constant-time comparison of two hex signatures (false for different lengths or non-hex input). */
export function signaturesEqual(given: string, expected: string): boolean {
  if (!/^[0-9a-f]*$/i.test(given)) return false;
  const a = Buffer.from(given.toLowerCase(), "utf8");
  const b = Buffer.from(expected.toLowerCase(), "utf8");
  if (a.length !== b.length) return false;
  return crypto.timingSafeEqual(a, b);
}

/**
 * Adds Shopify's proxy parameters and a valid signature to `params` (what Shopify does when it
 * forwards a request). Used by the storefront test and handy for local development.
 */
export function signProxyParams(
  params: URLSearchParams,
  opts: { shop: string; secret: string; customerNumericId?: string | null; pathPrefix?: string; now?: number },
): URLSearchParams {
  const out = new URLSearchParams(params);
  for (const k of ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]) out.delete(k);
  out.set("shop", opts.shop);
  out.set("logged_in_customer_id", opts.customerNumericId ?? "");
  out.set("path_prefix", opts.pathPrefix ?? "/apps/churnless");
  out.set("timestamp", String(Math.floor((opts.now ?? Date.now()) / 1000)));
  out.set("signature", computeProxySignature(out, opts.secret));
  return out;
}

/** Verifies a proxied request's query string; on success returns the signed shop and shopper. */
export function verifyProxyParams(params: URLSearchParams, opts: ProxyVerifyOptions): ProxyContext | ProxyRejection {
  if (!opts.secret) return { ok: false, reason: "no-secret", message: "The app proxy secret is not configured" };
  const given = params.get("signature");
  if (!given) return { ok: false, reason: "missing-signature", message: "Missing app proxy signature" };
  if (params.getAll("signature").length !== 1) {
    return { ok: false, reason: "bad-signature", message: "Invalid app proxy signature" };
  }
  if (!signaturesEqual(given, computeProxySignature(params, opts.secret))) {
    return { ok: false, reason: "bad-signature", message: "Invalid app proxy signature" };
  }
  const timestamp = Number(params.get("timestamp"));
  const nowSec = (opts.now ?? Date.now()) / 1000;
  if (!Number.isFinite(timestamp) || timestamp < nowSec - (opts.maxAgeSeconds ?? 300)) {
    return { ok: false, reason: "stale", message: "App proxy request has expired" };
  }
  if (timestamp > nowSec + (opts.futureSkewSeconds ?? 60)) {
    return { ok: false, reason: "future", message: "App proxy timestamp is in the future" };
  }
  const shop = params.get("shop") ?? "";
  if (!SHOP_RE.test(shop)) return { ok: false, reason: "bad-shop", message: "Invalid shop in app proxy request" };
  const customer = params.get("logged_in_customer_id") ?? "";
  if (customer !== "" && !/^[1-9][0-9]{0,19}$/.test(customer)) {
    return { ok: false, reason: "bad-customer", message: "Invalid logged_in_customer_id" };
  }
  return {
    ok: true,
    shop,
    customerId: customer === "" ? null : `gid://shopify/Customer/${customer}`,
    pathPrefix: params.get("path_prefix") ?? "",
    timestamp,
  };
}

/** Verifies a Request that came through the app proxy (reads SHOPIFY_API_SECRET unless a secret is given). */
export function verifyAppProxyRequest(
  request: Request,
  opts: Partial<ProxyVerifyOptions> = {},
): ProxyContext | ProxyRejection {
  const secret = opts.secret ?? process.env.SHOPIFY_API_SECRET ?? "";
  return verifyProxyParams(new URL(request.url).searchParams, { ...opts, secret });
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
  return proxyJson({ error: rejection.message, reason: rejection.reason }, { status: rejection.reason === "no-secret" ? 500 : 401 });
}
