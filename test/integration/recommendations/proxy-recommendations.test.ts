/**
 * GET /proxy/recommendations through the route's handler, on SQLite and PostgreSQL: personal, product
 * page and popular answers, the shopper taken only from the signature, tenancy between shops, the
 * per-shop cache and its invalidation by a new Analysis row, and the speed on a demo-sized shop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSqliteTestDb, createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { signedProxyQuery } from "../../helpers/app-proxy";
import {
  cachedShops,
  clearRecommenderCache,
  type ShopperRecommendations,
} from "../../../app/models/recommendations.server";
import {
  handleRecommendationsProxy,
  PERSONAL_CACHE_CONTROL,
  PUBLIC_CACHE_CONTROL,
} from "../../../app/routes/proxy.recommendations/handle.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { gidProduct, seedScore, seedShop, seedStandinShop, type SeededShop } from "./fixtures";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import type { StandinShopData } from "../../../packages/shopify-standin/src/types";

const SECRET = "proxy-test-secret";
const SHOP_A = "tea-a.myshopify.com";
const SHOP_B = "coffee-b.myshopify.com";
const numeric = (gid: string) => gid.split("/").pop()!;

// The app's Shopify setup verifies the signatures (authenticate.public.appProxy) and looks up the shop's
// offline session in the app's database: an empty one of its own here.
const sessions = await createSqliteTestDb();
Object.assign(process.env, {
  SHOPIFY_API_KEY: "proxy-test-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://churnless.example.com",
  DATABASE_URL: sessions.url,
  NODE_ENV: "test",
});
afterAll(() => sessions.cleanup());

function proxyRequest(shop: string, query: Record<string, string>, customer: string | null = null, secret = SECRET) {
  const params = signedProxyQuery(query, { shop, secret, customer: customer ? numeric(customer) : null });
  return new Request(`http://app.test/proxy/recommendations?${params}`);
}

for (const kind of await databaseKinds()) {
  describe(`proxy recommendations (${kind})`, () => {
    let t: TestDb;
    let a: SeededShop;
    let b: SeededShop;
    const deps = () => ({ db: t.db, recheckMs: 0, staleWhileRebuild: false });
    const get = async (req: Request) => {
      const res = await handleRecommendationsProxy(req, deps());
      return { res, body: (await res.json()) as ShopperRecommendations & { error?: string } };
    };

    beforeAll(async () => {
      clearRecommenderCache();
      t = await createTestDb(kind);
      a = await seedShop(t.db, { shop: SHOP_A, archived: [3], draft: [4], outOfStock: [5] });
      b = await seedShop(t.db, { shop: SHOP_B, products: 12, customers: 10 });
      // Customer 1 of shop A: the analysis recommended 7, 3 (archived), 9, 5 (out of stock), 11.
      await seedScore(
        t.db,
        SHOP_A,
        a.customers[0],
        [7, 3, 9, 5, 11].map((n) => gidProduct(SHOP_A, n)),
      );
      await seedScore(
        t.db,
        SHOP_B,
        b.customers[0],
        [2, 4].map((n) => gidProduct(SHOP_B, n)),
      );
    });
    afterAll(async () => {
      clearRecommenderCache();
      await t?.cleanup();
    });

    it("gives a logged-in customer their own recommendations, shown products only, with handles, privately cached", async () => {
      const { res, body } = await get(proxyRequest(SHOP_A, { limit: "4" }, a.customers[0]));
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe(PERSONAL_CACHE_CONTROL);
      expect(res.headers.get("Vary")).toBe("Cookie");
      expect(body.source).toBe("personal");
      expect(body.products.slice(0, 3)).toEqual(
        [7, 9, 11].map((n) => ({ id: gidProduct(SHOP_A, n), handle: a.handles.get(gidProduct(SHOP_A, n)) })),
      );
      expect(body.products).toHaveLength(4);
      for (const p of body.products) {
        expect(Object.keys(p).sort()).toEqual(["handle", "id"]);
        expect([3, 4, 5].map((n) => gidProduct(SHOP_A, n))).not.toContain(p.id);
      }
    });

    it("takes the shopper only from the signed logged_in_customer_id", async () => {
      // Another customer's id in an unsigned parameter changes nothing but breaks the signature.
      const signed = proxyRequest(SHOP_A, { limit: "4" }, a.customers[1]);
      const mine = await get(signed);
      expect(mine.res.status).toBe(200);
      expect(mine.body.source).toBe("popular"); // customer 2 has no score row: not customer 1's list
      const url = new URL(signed.url);
      url.searchParams.set("logged_in_customer_id", numeric(a.customers[0]));
      const swapped = await get(new Request(url));
      expect(swapped.res.status).toBe(401);
      expect(swapped.body.error).toMatch(/signature/);
      url.searchParams.set("logged_in_customer_id", numeric(a.customers[1]));
      url.searchParams.append("customer_id", numeric(a.customers[0]));
      expect((await get(new Request(url))).res.status).toBe(401);
    });

    it("answers 401 JSON for a forged or stale request and 400 for bad parameters", async () => {
      const forged = await get(proxyRequest(SHOP_A, { limit: "4" }, a.customers[0], "not-the-secret"));
      expect(forged.res.status).toBe(401);
      expect(forged.res.headers.get("Content-Type")).toMatch(/application\/json/);
      expect(forged.res.headers.get("Cache-Control")).toBe("no-store");
      expect(forged.body.products).toBeUndefined();
      const staleParams = signedProxyQuery(
        {},
        { shop: SHOP_A, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 },
      );
      const stale = await get(new Request(`http://app.test/proxy/recommendations?${staleParams}`));
      expect(stale.res.status).toBe(401);
      expect(stale.body.error).toMatch(/expired/);
      expect((await get(proxyRequest(SHOP_A, { product_id: "abc" }))).res.status).toBe(400);
      expect((await get(proxyRequest(SHOP_A, { limit: "0" }))).body.error).toMatch(/limit must be a positive integer/);
    });

    it("recommends co-purchase neighbours on an anonymous product page, never the product itself", async () => {
      const product = gidProduct(SHOP_A, 10);
      const { res, body } = await get(proxyRequest(SHOP_A, { product_id: numeric(product), limit: "5" }));
      expect(res.headers.get("Cache-Control")).toBe(PUBLIC_CACHE_CONTROL);
      expect(body.source).toBe("product");
      const ids = body.products.map((p) => p.id);
      expect(ids).toHaveLength(5);
      expect(ids).not.toContain(product);
      // 10 is bought with 11 (and 9 with 10): both are neighbours.
      expect(ids.slice(0, 3)).toEqual(expect.arrayContaining([gidProduct(SHOP_A, 11)]));
      for (const n of [3, 4, 5]) expect(ids).not.toContain(gidProduct(SHOP_A, n));
    });

    it("gives popular products to an anonymous shopper without a product", async () => {
      const { body } = await get(proxyRequest(SHOP_A, { limit: "3" }));
      expect(body.source).toBe("popular");
      expect(body.products).toHaveLength(3);
      for (const p of body.products) expect(p.handle).toBe(a.handles.get(p.id));
    });

    it("never returns another shop's products or customer recommendations (tenancy)", async () => {
      const queries: Array<[Record<string, string>, string | null]> = [
        [{ limit: "24" }, null],
        [{ limit: "24" }, b.customers[0]],
        // Shop A's customer and product, asked through shop B's proxy.
        [{ limit: "24" }, a.customers[0]],
        [{ product_id: numeric(gidProduct(SHOP_A, 10)), limit: "24" }, null],
        [{ product_id: numeric(gidProduct(SHOP_B, 3)), limit: "24" }, null],
      ];
      for (const [q, customer] of queries) {
        const { body } = await get(proxyRequest(SHOP_B, q, customer));
        expect(body.products.length).toBeGreaterThan(0);
        for (const p of body.products) {
          expect(b.products).toContain(p.id);
          expect(a.products).not.toContain(p.id);
        }
      }
      // Shop A's customer is unknown to shop B: no personal answer from shop A's scores.
      const { body } = await get(proxyRequest(SHOP_B, { limit: "4" }, a.customers[0]));
      expect(body.source).toBe("popular");
    });

    it("serves from the per-shop cache until a new Analysis row appears", async () => {
      const cached = { db: t.db, recheckMs: 0, staleWhileRebuild: false };
      const ask = async () => {
        const res = await handleRecommendationsProxy(proxyRequest(SHOP_B, { limit: "24" }), cached);
        return ((await res.json()) as ShopperRecommendations).products.map((p) => p.id);
      };
      const before = await ask();
      const victim = before[0];
      await t.db.product.update({ where: { shop_id: { shop: SHOP_B, id: victim } }, data: { status: "ARCHIVED" } });
      expect(await ask()).toContain(victim); // same model: no new analysis yet
      await t.db.analysis.create({ data: { shop: SHOP_B, asOf: new Date(), horizonDays: 90, model: "bgnbd" } });
      expect(await ask()).not.toContain(victim);
    });

    it("answers an empty list for a shop without data, and keeps only the most recently used shops in memory", async () => {
      clearRecommenderCache();
      const small = { db: t.db, maxShops: 2 };
      const empty = await handleRecommendationsProxy(proxyRequest("new-shop.myshopify.com", { limit: "4" }), small);
      expect(empty.status).toBe(200);
      expect(await empty.json()).toEqual({ source: "popular", products: [] });
      await handleRecommendationsProxy(proxyRequest(SHOP_A, { limit: "4" }), small);
      await handleRecommendationsProxy(proxyRequest("new-shop.myshopify.com", { limit: "4" }), small);
      await handleRecommendationsProxy(proxyRequest(SHOP_B, { limit: "4" }), small);
      expect(cachedShops()).toEqual(["new-shop.myshopify.com", SHOP_B]);
    });

    it("answers 503 JSON (and logs) when the database fails", async () => {
      const broken = {
        ...t.db,
        product: { findMany: () => Promise.reject(new Error("database is down")) },
      } as unknown as typeof t.db;
      const errors: string[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
      try {
        clearRecommenderCache("broken-shop.myshopify.com");
        const res = await handleRecommendationsProxy(proxyRequest("broken-shop.myshopify.com", { limit: "4" }), {
          db: broken,
        });
        expect(res.status).toBe(503);
        expect(res.headers.get("Cache-Control")).toBe("no-store");
        expect(((await res.json()) as { error: string }).error).toMatch(/unavailable/);
        expect(errors.join("\n")).toMatch(/broken-shop\.myshopify\.com: database is down/);
      } finally {
        spy.mockRestore();
      }
    });

    it("answers nothing when the merchant turned recommendations off", async () => {
      await updateShopSettings(t.db, SHOP_B, { recsEnabled: false });
      const { body } = await get(proxyRequest(SHOP_B, { limit: "4" }, b.customers[0]));
      expect(body).toEqual({ source: "disabled", products: [] });
      await updateShopSettings(t.db, SHOP_B, { recsEnabled: true });
      expect((await get(proxyRequest(SHOP_B, { limit: "4" }))).body.products).toHaveLength(4);
    });
  });
}

describe("speed on the demo shop (sqlite)", () => {
  let t: TestDb;
  let data: StandinShopData;
  beforeAll(async () => {
    clearRecommenderCache();
    t = await createTestDb("sqlite");
    data = generateDemoShop();
    await seedStandinShop(t.db, data);
    const buyers = [...new Set(data.orders.map((o) => o.customerId).filter((c): c is string => c !== null))].slice(
      0,
      60,
    );
    for (const [k, c] of buyers.entries()) {
      await seedScore(
        t.db,
        data.shop,
        c,
        data.products.slice(k % 50, (k % 50) + 3).map((p) => p.id),
      );
    }
  });
  afterAll(async () => {
    clearRecommenderCache();
    await t?.cleanup();
  });

  it("answers 200 mixed calls from the cached recommender (p95 printed)", async () => {
    const deps = { db: t.db };
    const customers = data.customers.map((c) => c.id);
    const t0 = performance.now();
    await handleRecommendationsProxy(proxyRequest(data.shop, { limit: "8" }), deps);
    const buildMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const customer = i % 3 === 0 ? customers[i % customers.length] : null;
      const query: Record<string, string> =
        i % 3 === 1 ? { product_id: numeric(data.products[i % data.products.length].id), limit: "8" } : { limit: "8" };
      const s = performance.now();
      const res = await handleRecommendationsProxy(proxyRequest(data.shop, query, customer), deps);
      const body = (await res.json()) as ShopperRecommendations;
      times.push(performance.now() - s);
      expect(res.status).toBe(200);
      expect(body.products.length).toBeGreaterThan(0);
    }
    times.sort((x, y) => x - y);
    const p50 = times[Math.floor(0.5 * times.length)];
    const p95 = times[Math.floor(0.95 * times.length)];
    console.log(
      `proxy recommendations on the demo shop (${data.orders.length} orders, ${data.products.length} products): ` +
        `first call (build) ${buildMs.toFixed(1)} ms, p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over 200 calls`,
    );
  });
});
