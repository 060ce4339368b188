/** App proxy signature: Shopify's documented example, forged, stale, future and tampered requests. */
import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import {
  computeProxySignature,
  proxySignatureMessage,
  signProxyParams,
  signaturesEqual,
  verifyAppProxyRequest,
  verifyProxyParams,
} from "../../app/shopify/app-proxy.server";

const SECRET = "hush";
const NOW = Date.UTC(2026, 10, 24, 1, 0, 0);

function signed(extra: Record<string, string> = {}, customer: string | null = "42", now = NOW) {
  return signProxyParams(new URLSearchParams(extra), { shop: "tea-shop.myshopify.com", secret: SECRET, customerNumericId: customer, now });
}

describe("proxy signature", () => {
  it("reproduces Shopify's documented example (secret 'hush')", () => {
    // shopify.dev, "Authenticate app proxies": the forwarded query and its signature (prefix quoted there).
    const q = new URLSearchParams(
      "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555",
    );
    expect(proxySignatureMessage(q)).toBe(
      "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555",
    );
    const sig = computeProxySignature(q, SECRET);
    expect(sig.startsWith("4c68c8624d737112c91818c11017d24d334b")).toBe(true);
    q.set("signature", sig);
    expect(verifyProxyParams(q, { secret: SECRET, now: 1317327555 * 1000 })).toMatchObject({
      ok: true,
      shop: "shop-name.myshopify.com",
      customerId: "gid://shopify/Customer/1",
      pathPrefix: "/apps/awesome_reviews",
    });
  });

  it("accepts a fresh signed request and takes the customer only from logged_in_customer_id", () => {
    const p = signed({ product_id: "7", limit: "4" });
    expect(verifyProxyParams(p, { secret: SECRET, now: NOW })).toEqual({
      ok: true,
      shop: "tea-shop.myshopify.com",
      customerId: "gid://shopify/Customer/42",
      pathPrefix: "/apps/churnless",
      timestamp: NOW / 1000,
    });
    const anonymous = signed({}, null);
    expect(verifyProxyParams(anonymous, { secret: SECRET, now: NOW })).toMatchObject({ ok: true, customerId: null });
  });

  it("rejects a forged signature, a wrong secret, a missing or repeated signature", () => {
    const p = signed();
    const forged = new URLSearchParams(p);
    forged.set("signature", "0".repeat(64));
    expect(verifyProxyParams(forged, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyProxyParams(p, { secret: "other", now: NOW })).toMatchObject({ ok: false, reason: "bad-signature" });
    const missing = new URLSearchParams(p);
    missing.delete("signature");
    expect(verifyProxyParams(missing, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "missing-signature" });
    const twice = new URLSearchParams(p);
    twice.append("signature", p.get("signature")!);
    expect(verifyProxyParams(twice, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "bad-signature" });
    const notHex = new URLSearchParams(p);
    notHex.set("signature", "z".repeat(64));
    expect(verifyProxyParams(notHex, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyProxyParams(p, { secret: "", now: NOW })).toMatchObject({ ok: false, reason: "no-secret" });
  });

  it("breaks when any signed parameter is tampered with: another customer, shop, product or an added one", () => {
    const base = signed({ product_id: "7" });
    const tamper = (f: (q: URLSearchParams) => void) => {
      const q = new URLSearchParams(base);
      f(q);
      return verifyProxyParams(q, { secret: SECRET, now: NOW });
    };
    expect(tamper((q) => q.set("logged_in_customer_id", "43"))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper((q) => q.set("logged_in_customer_id", ""))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper((q) => q.set("shop", "other-shop.myshopify.com"))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper((q) => q.set("product_id", "8"))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper((q) => q.append("customer_id", "43"))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper((q) => q.set("timestamp", String(NOW / 1000 + 1)))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(tamper(() => undefined)).toMatchObject({ ok: true });
  });

  it("rejects stale timestamps and timestamps from the future beyond the skew", () => {
    const old = signed({}, "42", NOW - 301_000);
    expect(verifyProxyParams(old, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "stale" });
    const recent = signed({}, "42", NOW - 299_000);
    expect(verifyProxyParams(recent, { secret: SECRET, now: NOW })).toMatchObject({ ok: true });
    const future = signed({}, "42", NOW + 61_000);
    expect(verifyProxyParams(future, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "future" });
    const skewed = signed({}, "42", NOW + 30_000);
    expect(verifyProxyParams(skewed, { secret: SECRET, now: NOW })).toMatchObject({ ok: true });
    expect(verifyProxyParams(old, { secret: SECRET, now: NOW, maxAgeSeconds: 600 })).toMatchObject({ ok: true });
  });

  it("rejects a signed but malformed shop or customer id", () => {
    const badShop = signProxyParams(new URLSearchParams(), { shop: "evil.example.com", secret: SECRET, now: NOW });
    expect(verifyProxyParams(badShop, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "bad-shop" });
    const badCustomer = signProxyParams(new URLSearchParams(), {
      shop: "tea-shop.myshopify.com",
      secret: SECRET,
      customerNumericId: "1 OR 1=1",
      now: NOW,
    });
    expect(verifyProxyParams(badCustomer, { secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: "bad-customer" });
  });

  it("compares signatures with crypto.timingSafeEqual", () => {
    const spy = vi.spyOn(crypto, "timingSafeEqual");
    try {
      const p = signed();
      expect(verifyProxyParams(p, { secret: SECRET, now: NOW }).ok).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0];
      expect(Buffer.from(a as Uint8Array).toString()).toBe(p.get("signature"));
      expect(Buffer.from(b as Uint8Array).toString()).toBe(p.get("signature"));
    } finally {
      spy.mockRestore();
    }
    expect(signaturesEqual("ab", "abc")).toBe(false);
    expect(signaturesEqual("ABC", "abc")).toBe(true);
  });

  it("reads SHOPIFY_API_SECRET for a Request", () => {
    const p = signed({ limit: "3" }, "42", Date.now());
    const request = new Request(`https://app.example/proxy/recommendations?${p}`);
    const before = process.env.SHOPIFY_API_SECRET;
    try {
      process.env.SHOPIFY_API_SECRET = SECRET;
      expect(verifyAppProxyRequest(request)).toMatchObject({ ok: true, customerId: "gid://shopify/Customer/42" });
      process.env.SHOPIFY_API_SECRET = "rotated";
      expect(verifyAppProxyRequest(request)).toMatchObject({ ok: false, reason: "bad-signature" });
    } finally {
      if (before === undefined) delete process.env.SHOPIFY_API_SECRET;
      else process.env.SHOPIFY_API_SECRET = before;
    }
  });
});
