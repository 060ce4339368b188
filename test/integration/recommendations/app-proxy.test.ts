/**
 * App proxy authentication (app/shopify/app-proxy.server.ts, on the library's authenticate.public.appProxy).
 * Requests are signed by test/helpers/app-proxy.ts, written from Shopify's documentation and independent of
 * the app: fresh and guest requests, repeated logged_in_customer_id/shop/timestamp/signature, keys that sort
 * differently as `key` and as `key=value` (a, a1), stale and future timestamps, another app's secret.
 */
import { describe, expect, it } from "vitest";
import { callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";
import { PROXY_APP_URL, proxyRequest, shopifyProxySignature, signedProxyQuery } from "../../helpers/app-proxy";

const SECRET = "proxy-auth-secret";
const SHOP = "tea-shop.myshopify.com";
const OTHER = "coffee-shop.myshopify.com";

const getDb = withShopifyAppEnv({
  secret: SECRET,
  seed: async (t) => {
    await t.db.session.create({
      data: {
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "s",
        isOnline: false,
        scope: "read_orders",
        accessToken: "shpat_x",
      },
    });
  },
});

const now = () => Math.floor(Date.now() / 1000);
const proxy = () => import("../../../app/shopify/app-proxy.server");
const verify = async (request: Request) => (await proxy()).verifyAppProxyRequest(request);
/** What the library alone says (true: accepted). */
async function libraryAccepts(request: Request): Promise<boolean> {
  const { authenticate } = await import("../../../app/shopify.server");
  try {
    await authenticate.public.appProxy(request);
    return true;
  } catch (thrown) {
    if (thrown instanceof Response) return false;
    throw thrown;
  }
}

describe("the test signer follows Shopify's documentation", () => {
  it("reproduces the documented example (secret 'hush')", () => {
    // shopify.dev, "Authenticate app proxies": the forwarded query and the start of its signature.
    const pairs = new URLSearchParams(
      "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555",
    );
    expect(shopifyProxySignature([...pairs], "hush").startsWith("4c68c8624d737112c91818c11017d24d334b")).toBe(true);
  });
});

describe("app proxy requests", () => {
  it("accepts a fresh signed request: the shop, the shopper only from logged_in_customer_id, the shop's session", async () => {
    const result = await verify(
      proxyRequest("recommendations", { product_id: "7", limit: "4" }, { shop: SHOP, secret: SECRET, customer: "42" }),
    );
    expect(result).toMatchObject({
      ok: true,
      shop: SHOP,
      customerId: "gid://shopify/Customer/42",
      pathPrefix: "/apps/churnless",
    });
    expect(result.ok && result.session?.shop).toBe(SHOP);
    const guest = await verify(proxyRequest("recommendations", {}, { shop: OTHER, secret: SECRET }));
    expect(guest).toMatchObject({ ok: true, shop: OTHER, customerId: null, session: null });
  });

  it("refuses another app's secret, a changed shop or customer, and a missing signature", async () => {
    expect(
      await verify(proxyRequest("recommendations", {}, { shop: SHOP, secret: "another-apps-secret", customer: "42" })),
    ).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
    const query = signedProxyQuery({ limit: "4" }, { shop: SHOP, secret: SECRET, customer: "42" });
    for (const tampered of [
      query.replace(SHOP, OTHER),
      query.replace("logged_in_customer_id=42", "logged_in_customer_id=43"),
      query.replace("limit=4", "limit=5"),
    ]) {
      expect(await verify(new Request(`${PROXY_APP_URL}/proxy/recommendations?${tampered}`))).toMatchObject({
        ok: false,
        reason: "bad-signature",
      });
    }
    const unsigned = query.replace(/&signature=[0-9a-f]+/, "");
    expect(await verify(new Request(`${PROXY_APP_URL}/proxy/recommendations?${unsigned}`))).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a timestamp more than 90 s old or ahead, and accepts one within", async () => {
    const at = (timestamp: number) =>
      verify(proxyRequest("recommendations", {}, { shop: SHOP, secret: SECRET, timestamp }));
    expect(await at(now() - 120)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(await at(now() + 120)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(await at(now() - 3_600)).toMatchObject({ ok: false });
    expect(await at(now() - 60)).toMatchObject({ ok: true });
  });

  it("refuses a second logged_in_customer_id a visitor put in the storefront URL, although Shopify signed it", async () => {
    // The visitor asks /apps/churnless/recommendations?logged_in_customer_id=7; Shopify appends the real
    // one (42) and signs "logged_in_customer_id=7,42". The first value must never be taken as the shopper.
    const request = () =>
      proxyRequest("recommendations", [["logged_in_customer_id", "7"]], { shop: SHOP, secret: SECRET, customer: "42" });
    expect(await libraryAccepts(request())).toBe(true); // the library alone lets it through
    expect(await verify(request())).toMatchObject({ ok: false, reason: "repeated-parameter" });
    const guest = proxyRequest("recommendations", [["logged_in_customer_id", "7"]], { shop: SHOP, secret: SECRET });
    expect(await verify(guest)).toMatchObject({ ok: false, reason: "repeated-parameter" });
  });

  it("refuses a repeated shop, timestamp or signature", async () => {
    for (const extra of [[["shop", OTHER]], [["timestamp", String(now())]]] as Array<Array<[string, string]>>) {
      const request = proxyRequest("recommendations", {}, { shop: SHOP, secret: SECRET, extra });
      expect(await libraryAccepts(request.clone())).toBe(false);
      expect(await verify(request)).toMatchObject({ ok: false, reason: "repeated-parameter" });
    }
    const query = signedProxyQuery({}, { shop: SHOP, secret: SECRET });
    const twice = `${query}&signature=${"0".repeat(64)}`;
    expect(await verify(new Request(`${PROXY_APP_URL}/proxy/recommendations?${twice}`))).toMatchObject({
      ok: false,
      reason: "repeated-parameter",
    });
  });

  it("accepts keys that sort differently as key and as key=value (a, a1) when signed as Shopify signs", async () => {
    // Shopify sorts "a1=2" before "a=1" ("1" < "="); the library sorts the keys, "a" before "a1".
    const request = () =>
      proxyRequest(
        "recommendations",
        [
          ["a", "1"],
          ["a1", "2"],
        ],
        { shop: SHOP, secret: SECRET, customer: "42" },
      );
    expect(await libraryAccepts(request())).toBe(false);
    expect(await verify(request())).toMatchObject({ ok: true, customerId: "gid://shopify/Customer/42" });
    // Still signed: tampering, another secret or an old timestamp is refused on this path too.
    const query = signedProxyQuery(
      [
        ["a", "1"],
        ["a1", "2"],
      ],
      { shop: SHOP, secret: SECRET },
    );
    expect(await verify(new Request(`${PROXY_APP_URL}/proxy/x?${query.replace("a1=2", "a1=3")}`))).toMatchObject({
      ok: false,
    });
    expect(
      await verify(
        proxyRequest(
          "x",
          [
            ["a", "1"],
            ["a1", "2"],
          ],
          { shop: SHOP, secret: "another-apps-secret" },
        ),
      ),
    ).toMatchObject({ ok: false });
    expect(
      await verify(
        proxyRequest(
          "x",
          [
            ["a", "1"],
            ["a1", "2"],
          ],
          { shop: SHOP, secret: SECRET, timestamp: now() - 120 },
        ),
      ),
    ).toMatchObject({ ok: false });
    expect(
      await verify(
        proxyRequest(
          "x",
          [
            ["a", "1"],
            ["a1", "2"],
            ["logged_in_customer_id", "7"],
          ],
          { shop: SHOP, secret: SECRET, customer: "42" },
        ),
      ),
    ).toMatchObject({ ok: false, reason: "repeated-parameter" });
  });

  it("refuses a signed but malformed shop or customer id", async () => {
    expect(await verify(proxyRequest("x", {}, { shop: "evil.example.com", secret: SECRET }))).toMatchObject({
      ok: false,
      reason: "bad-shop",
    });
    expect(
      await verify(proxyRequest("x", {}, { shop: SHOP, secret: SECRET, customer: "gid://shopify/Customer/1" })),
    ).toMatchObject({
      ok: false,
      reason: "bad-customer",
    });
  });

  it("gives proxy routes one helper that throws a 401 JSON answer", async () => {
    const { authenticateProxy } = await proxy();
    const thrown = await authenticateProxy(proxyRequest("x", {}, { shop: SHOP, secret: "nope" })).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(401);
    expect(await (thrown as Response).json()).toMatchObject({ reason: "bad-signature" });
    const ok = await authenticateProxy(proxyRequest("x", {}, { shop: SHOP, secret: SECRET, customer: "5" }));
    expect(ok.customerId).toBe("gid://shopify/Customer/5");
  });

  it("guards the recommendations route: 401 unsigned, 200 signed", async () => {
    const { loader } = await import("../../../app/routes/proxy.recommendations/route");
    const unsigned = (await callRoute(
      loader,
      new Request(`${PROXY_APP_URL}/proxy/recommendations?shop=${SHOP}&timestamp=${now()}`),
    )) as Response;
    expect(unsigned.status).toBe(401);
    const signed = (await callRoute(
      loader,
      proxyRequest("recommendations", { limit: "2" }, { shop: SHOP, secret: SECRET }),
    )) as Response;
    expect(signed.status).toBe(200);
    expect(getDb().kind).toBe("sqlite");
  });
});
