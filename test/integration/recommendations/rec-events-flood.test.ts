/**
 * POST /proxy/events under a flood, signed as Shopify's proxy signs (test/helpers/app-proxy.ts): many
 * posts of 200 impressions, each with a new visit id and a new leftmost X-Forwarded-For, record at most what
 * the rules allow (one impression per product and visit, MAX_PRODUCTS_PER_BATCH products a batch, the
 * shop's pool a minute); a real shopper's reads are answered and a logged-in shopper's events still count
 * during the flood; two app processes on one Redis share the budgets.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBudget, RedisBudget, type Budget } from "../../../app/routes/app/proxy-limits.server";
import { handleEventsProxy } from "../../../app/routes/proxy.events/handle.server";
import {
  DEFAULT_EVENTS_LIMITS,
  MAX_PRODUCTS_PER_BATCH,
  type EventsLimits,
} from "../../../app/models/rec-events.server";
import { proxyRequest } from "../../helpers/app-proxy";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { ALL_SCOPES, APP_URL, callRoute } from "../../helpers/shopify-app";

const SECRET = "flood-secret";
const SHOP = "flood-shop.myshopify.com";
const P = (n: number) => `gid://shopify/Product/${n}`;
const PRODUCTS = 250;

let nonces = 0;
const post = (body: unknown, opts: { ip?: string; customer?: string } = {}) =>
  proxyRequest(
    "events",
    { n: `flood-${Date.now()}-${++nonces}` },
    {
      shop: SHOP,
      secret: SECRET,
      customer: opts.customer,
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "text/plain", "X-Forwarded-For": `${opts.ip ?? "203.0.113.9"}, 10.0.0.1` },
    },
  );

/** An attacker's batch: 200 impressions over the shop's products, with a visit id never used before. */
const floodBatch = (i: number) => ({
  visit: `flood-visit-${i}-${randomBytes(4).toString("hex")}`,
  events: Array.from({ length: 200 }, (_, k) => ({ kind: "impression", productId: P(1 + ((i * 37 + k) % PRODUCTS)) })),
});

// The flood's writes go to PostgreSQL when it is there (thousands of statements; SQLite otherwise).
const FLOOD_DB = (await databaseKinds()).includes("postgres") ? "postgres" : "sqlite";
const seedProducts = (t: TestDb) =>
  t.db.product.createMany({
    data: Array.from({ length: PRODUCTS }, (_, i) => ({ shop: SHOP, id: P(i + 1), handle: `f-${i + 1}`, price: 5 })),
  });

describe(`POST /proxy/events under a flood (${FLOOD_DB})`, () => {
  // The app's environment as withShopifyAppEnv sets it, on this database (the recommendations read uses it).
  let flood: TestDb;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    flood = await createTestDb(FLOOD_DB);
    await seedProducts(flood);
    Object.assign(process.env, {
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: APP_URL,
      SCOPES: ALL_SCOPES,
      DATABASE_URL: flood.url,
      NODE_ENV: "test",
    });
    delete process.env.CHURNLESS_DEMO;
    delete process.env.REDIS_URL;
  });
  afterAll(async () => {
    process.env = savedEnv;
    await flood?.cleanup();
  });
  const getDb = () => flood;

  async function send(request: Request, limits: EventsLimits, budget: Budget) {
    const { authenticateProxy } = await import("../../../app/shopify/app-proxy.server");
    const proxy = await authenticateProxy(request.clone());
    return handleEventsProxy(request, proxy, { db: getDb().db, limits, budget });
  }
  const impressions = async () =>
    (await getDb().db.recEvent.aggregate({ where: { shop: SHOP, kind: "impression" }, _sum: { count: true } }))._sum
      .count ?? 0;

  it("records at most the rules' bound, keeps answering the shop's shoppers, and counts logged-in shoppers apart", async () => {
    const limits: EventsLimits = { ...DEFAULT_EVENTS_LIMITS, shopEventsPerMinute: 200 };
    const budget = new MemoryBudget();
    const now = Date.now();
    const statuses = new Map<number, number>();
    const posts = 30;
    for (let i = 0; i < posts; i++) {
      const res = await send(post(floodBatch(i), { ip: `198.51.100.${i % 250}` }), limits, budget);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    const recorded = await impressions();
    // Unlimited, 30 x 200 impressions; the rules: 24 products a batch, then the shop's pool of 200.
    expect(recorded).toBeLessThanOrEqual(Math.min(posts * MAX_PRODUCTS_PER_BATCH, limits.shopEventsPerMinute));
    expect(recorded).toBe(limits.shopEventsPerMinute);
    // Never refused: accepted (200) until the pool is spent, then accepted and dropped (202).
    expect([...statuses.keys()].sort()).toEqual([200, 202]);
    expect(Date.now() - now).toBeLessThan(60_000); // all in one window, or the bound above is not the rule's

    // A shopper's read during the flood is answered.
    const { loader } = await import("../../../app/routes/proxy.recommendations/route");
    const read = (await callRoute(
      loader,
      proxyRequest("recommendations", { product_id: "1", limit: "4" }, { shop: SHOP, secret: SECRET }),
    )) as Response;
    expect(read.status).toBe(200);
    // An anonymous visitor's events are accepted (202, dropped with the flood's), never refused.
    const anonymous = await send(
      post({ visit: "real-visitor-01", events: [{ kind: "impression", productId: P(7) }] }),
      limits,
      budget,
    );
    expect(anonymous.status).toBe(202);
    expect(await anonymous.json()).toMatchObject({ recorded: 0, dropped: 1 });
    // A logged-in shopper's events come out of the logged-in pool, which the flood did not touch.
    const loggedIn = await send(
      post(
        {
          visit: "real-visitor-02",
          events: [
            { kind: "impression", productId: P(8) },
            { kind: "click", productId: P(8) },
          ],
        },
        { customer: "4242" },
      ),
      limits,
      budget,
    );
    expect(loggedIn.status).toBe(200);
    expect(await loggedIn.json()).toEqual({ recorded: 2, impressions: 1, clicks: 1 });
    expect(await impressions()).toBe(limits.shopEventsPerMinute + 1);
  });

  it("limits a logged-in customer's requests on the signed customer id, whatever visit ids they send", async () => {
    const limits: EventsLimits = { ...DEFAULT_EVENTS_LIMITS, customerRequestsPerMinute: 3 };
    const budget = new MemoryBudget();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await send(post({ visit: `cust-visit-${i}0000`, events: [] }, { customer: "77" }), limits, budget)).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(
      (await send(post({ visit: "cust-visit-other", events: [] }, { customer: "78" }), limits, budget)).status,
    ).toBe(200);
  });
});

const redisUp = await redisTestsEnabled();

describe.skipIf(!redisUp)("the events budget across app processes (Redis)", () => {
  const prefix = `churnless-test:${randomBytes(6).toString("hex")}:`;
  const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
  // Two app processes: each its own connection and budget, the same key prefix.
  const processes = connections.map((r) => new RedisBudget(r, prefix));

  afterAll(async () => {
    const keys = await connections[0].keys(`${prefix}*`);
    if (keys.length) await connections[0].del(...keys);
    await Promise.all(connections.map((r) => r.quit()));
  });

  it("never grants more than the limit between two processes, taking at once", async () => {
    const now = Date.now();
    const takes = Array.from({ length: 40 }, (_, i) => processes[i % 2].take("shop-pool", 7, 100, 60_000, now));
    const grants = (await Promise.all(takes)).map((g) => g.granted);
    expect(grants.reduce((a, b) => a + b, 0)).toBe(100);
    expect(grants.filter((g) => g > 0 && g < 7)).toEqual([100 % 7]); // one partial grant: what was left
    // A new window starts afresh.
    expect((await processes[1].take("shop-pool", 7, 100, 60_000, now + 60_000)).granted).toBe(7);
    // The same key in one process's memory would have granted its own 100: these are shared.
    expect((await processes[0].take("shop-pool", 1, 100, 60_000, now)).granted).toBe(0);
  });

  it("falls back to this process's memory when Redis does not answer", async () => {
    const away = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    away.on("error", () => {});
    const budget = new RedisBudget(away, prefix);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      expect((await budget.take("k", 3, 5, 60_000)).granted).toBe(3);
      expect((await budget.take("k", 3, 5, 60_000)).granted).toBe(2);
    } finally {
      console.error = original;
      away.disconnect();
    }
    expect(errors).toHaveLength(1);
  });
});
