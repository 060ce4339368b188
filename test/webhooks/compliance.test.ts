/**
 * The compliance and lifecycle webhooks' handlers on SQLite and PostgreSQL: each deletes exactly what it
 * must, only in its own shop, and repeats harmlessly. Every test seeds its own two shops (a row or more in
 * every table of the schema that has a `shop` column) and checks every such table, so no test leans on what
 * an earlier one left or deleted, and a table added later cannot be forgotten by shop/redact.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import {
  handleAppUninstalled,
  handleCustomersDataRequest,
  handleCustomersRedact,
  handleScopesUpdate,
  handleShopRedact,
} from "../../app/webhooks/compliance.server";
import { gid, seedOrders, seedScores } from "../helpers/app-fixtures";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";

const kinds = await databaseKinds();

/**
 * Every table that holds rows of a shop: each model of prisma/schema.prisma with a `shop` column, read from
 * the schema so that a new table is seeded and checked here (or this test fails until it is). ShopRedaction
 * is the one left out: it is the record of shop/redact itself, which must stay to keep jobs out.
 */
const SHOP_TABLES: string[] = [
  ...readFileSync(join(process.cwd(), "prisma/schema.prisma"), "utf8").matchAll(/^model (\w+) \{([^}]*)\}/gm),
]
  .filter(([, , body]) => /^\s+shop\s+String\b/m.test(body))
  .map(([, name]) => name[0].toLowerCase() + name.slice(1))
  .filter((model) => model !== "shopRedaction")
  .sort();

async function counts(db: Db, shop: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const model of SHOP_TABLES) {
    const delegate = (db as unknown as Record<string, { count(a: { where: { shop: string } }): Promise<number> }>)[
      model
    ];
    out[model] = await delegate.count({ where: { shop } });
  }
  return out;
}

/** Two fresh shops with a full set of rows each; customer 2 appears in both (same GID). */
async function seedShops(db: Db): Promise<{ shop: string; other: string }> {
  const tag = randomBytes(4).toString("hex");
  const shop = `alpha-${tag}.myshopify.com`;
  const other = `beta-${tag}.myshopify.com`;
  for (const s of [shop, other]) {
    await db.shop.create({ data: { shop: s } });
    await seedScores(db, s);
    await seedOrders(db, s, 2, 3); // orders 200-202 of customer 2
    await seedOrders(db, s, 3, 2); // orders 300-301 of customer 3
    await db.product.create({ data: { shop: s, id: "gid://shopify/Product/9", handle: "nine" } });
    await db.tagChange.create({
      data: { shop: s, runId: "r1", customerId: gid(2), tag: "churnless:risk:high", action: "add", status: "done" },
    });
    await db.tagChange.create({
      data: { shop: s, runId: "r1", customerId: gid(3), tag: "churnless:risk:medium", action: "add", status: "done" },
    });
    await db.syncRun.create({
      data: {
        shop: s,
        kind: "publish",
        status: "succeeded",
        detailsJson: JSON.stringify({
          atLimit: { count: 2, customerIds: [gid(2), gid(3)] },
          errors: [{ customerId: gid(2), message: "refused" }],
        }),
      },
    });
    await db.analysis.create({
      data: { shop: s, asOf: new Date("2026-11-01T00:00:00Z"), horizonDays: 90, model: "bgnbd" },
    });
    await db.webhookEvent.create({ data: { webhookId: `wh-${s}`, shop: s, topic: "orders/create" } });
    await db.recEvent.create({
      data: { shop: s, day: "2026-11-01", productId: "gid://shopify/Product/9", kind: "impression", count: 3 },
    });
    await db.session.create({ data: { id: `offline_${s}`, shop: s, state: "x", accessToken: "tok" } });
    // The per-customer tables, one row for each of customers 2 and 3.
    const at = new Date("2026-11-01T00:00:00Z");
    for (const c of [2, 3]) {
      await db.holdoutAssignment.create({
        data: {
          shop: s,
          segmentKind: "rfm",
          segmentKey: "at_risk",
          customerId: gid(c),
          heldOut: c === 2,
          assignedAt: at,
        },
      });
      await db.customerOptOut.create({ data: { shop: s, customerId: gid(c), optedOutAt: at, source: "merchant" } });
      await db.reorderDue.create({
        data: {
          shop: s,
          customerId: gid(c),
          productId: "gid://shopify/Product/9",
          lastBoughtAt: at,
          dueFrom: at,
          dueTo: at,
        },
      });
      await db.flowTriggerLog.create({
        data: {
          shop: s,
          key: `a1|risk-changed|${gid(c)}|high`,
          analysisId: "a1",
          customerId: gid(c),
          trigger: "risk-changed",
        },
      });
      await db.dataRequest.create({
        data: { shop: s, requestKey: `request:${c}`, customerId: gid(c), orderIdsJson: "[]", dueAt: at },
      });
      // A storefront attribution of the customer's first order (200 for customer 2, 300 for customer 3).
      await db.recAttribution.create({
        data: {
          shop: s,
          orderId: `gid://shopify/Order/${c}00`,
          productId: "gid://shopify/Product/9",
          clickedAt: at,
          processedAt: at,
        },
      });
    }
    // The shop-wide tables.
    await db.recVisit.create({
      data: {
        shop: s,
        visitId: "v1",
        productId: "gid://shopify/Product/9",
        day: "2026-11-01",
        impressions: 2,
        clicks: 1,
      },
    });
    await db.proxyNonce.create({ data: { shop: s, nonce: "n1" } });
    await db.analysisSnapshot.create({
      data: { analysisId: `snapshot-${s}`, shop: s, asOf: at, horizonDays: 90, customers: 5 },
    });
    await db.controlGroup.create({ data: { shop: s, segmentKind: "rfm", segmentKey: "at_risk", seed: 1 } });
    await db.productCycle.create({
      data: {
        shop: s,
        productId: "gid://shopify/Product/9",
        medianDays: 30,
        lowDays: 20,
        highDays: 40,
        repeatBuyers: 3,
        intervals: 5,
      },
    });
    await db.appShopifySegment.create({ data: { shop: s, shopifySegmentId: "gid://shopify/Segment/1" } });
    await db.flowTriggerUsage.create({
      data: { shop: s, trigger: "churnless-risk-changed", inUse: true, notifiedAt: at },
    });
    // An earlier customers/redact (customer 9).
    await db.customerRedaction.create({ data: { shop: s, customerId: gid(9) } });
  }
  return { shop, other };
}

const FULL: Record<string, number> = {
  order: 5,
  lineItem: 5,
  product: 1,
  customerScore: 5,
  segment: 4,
  syncRun: 1,
  analysis: 1,
  tagChange: 2,
  webhookEvent: 1,
  recEvent: 1,
  session: 1,
  shop: 1,
  holdoutAssignment: 2,
  customerOptOut: 2,
  reorderDue: 2,
  flowTriggerLog: 2,
  dataRequest: 2,
  recAttribution: 2,
  recVisit: 1,
  proxyNonce: 1,
  analysisSnapshot: 1,
  controlGroup: 1,
  productCycle: 1,
  appShopifySegment: 1,
  flowTriggerUsage: 1,
  customerRedaction: 1,
};

describe.each(kinds)("compliance webhooks on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t?.cleanup());

  it("the seed holds what the tests below expect to find (or they would prove nothing)", async () => {
    // Every shop table of the schema is seeded, with at least one row.
    expect(SHOP_TABLES.length).toBeGreaterThan(20);
    expect(Object.keys(FULL).sort()).toEqual(SHOP_TABLES);
    for (const [model, n] of Object.entries(FULL)) expect(n, model).toBeGreaterThan(0);
    const { shop, other } = await seedShops(t.db);
    expect(await counts(t.db, shop)).toEqual(FULL);
    expect(await counts(t.db, other)).toEqual(FULL);
  });

  it("customers/data_request returns the customer's score, orders and tags by GID", async () => {
    const { shop } = await seedShops(t.db);
    const data = await handleCustomersDataRequest(t.db, shop, { customer: { id: 2 }, orders_requested: [] });
    expect(data.customerId).toBe(gid(2));
    expect(data.score?.churnProbability).toBe(0.85);
    expect(data.orders.map((o) => o.id)).toEqual([
      "gid://shopify/Order/200",
      "gid://shopify/Order/201",
      "gid://shopify/Order/202",
    ]);
    expect(data.orders[1].totalAmount).toBe(51);
    expect(data.orders[0].lineItems).toEqual([
      { productId: "gid://shopify/Product/9", variantId: null, quantity: 1, unitPrice: 50 },
    ]);
    expect(data.tagChanges.map((c) => c.tag)).toEqual(["churnless:risk:high"]);
    // Its events: one of each seeded, and the order it placed through a recommendation (not customer 3's).
    expect(data.events.flowTriggers.map((f) => f.trigger)).toEqual(["risk-changed"]);
    expect(data.events.optOut).toMatchObject({ source: "merchant", revokedAt: null });
    expect(data.events.holdouts).toEqual([expect.objectContaining({ segmentKey: "at_risk", heldOut: true })]);
    expect(data.events.reorderDue.map((r) => r.productId)).toEqual(["gid://shopify/Product/9"]);
    expect(data.events.recommendationOrders).toEqual([
      {
        orderId: "gid://shopify/Order/200",
        productId: "gid://shopify/Product/9",
        clickedAt: "2026-11-01T00:00:00.000Z",
      },
    ]);
    // No personal fields exist to return.
    expect(JSON.stringify(data)).not.toMatch(/email|phone|address|firstName/i);
  });

  it("customers/data_request without a customer id is an error, not an empty answer", async () => {
    const { shop } = await seedShops(t.db);
    await expect(handleCustomersDataRequest(t.db, shop, {})).rejects.toThrow(/no customer\.id/);
  });

  it("customers/redact deletes that customer's rows and ids in that shop only, and repeats harmlessly", async () => {
    const { shop, other } = await seedShops(t.db);
    const first = await handleCustomersRedact(t.db, shop, { customer: { id: 2 }, orders_to_redact: [200, 201, 202] });
    expect(first).toMatchObject({ orders: 3, scores: 1, tagChanges: 1, runDetails: 1, dataRequests: 1 });
    expect(await t.db.customerScore.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    expect(await t.db.order.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    expect(await t.db.lineItem.count({ where: { shop, orderId: { startsWith: "gid://shopify/Order/20" } } })).toBe(0);
    expect(await t.db.tagChange.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    // The customer's id is gone from the run details; the other customer's stays.
    const details = (await t.db.syncRun.findFirstOrThrow({ where: { shop } })).detailsJson;
    expect(details).not.toContain(gid(2));
    expect(JSON.parse(details)).toEqual({ atLimit: { count: 2, customerIds: [gid(3)] }, errors: [] });
    // Other customers, the catalogue, the shop's aggregates and the other shop are untouched.
    // Every row of customer 2 and of its orders is gone; the redaction itself is recorded (one row more).
    expect(await counts(t.db, shop)).toEqual({
      ...FULL,
      order: 2,
      lineItem: 2,
      customerScore: 4,
      tagChange: 1,
      holdoutAssignment: 1,
      customerOptOut: 1,
      reorderDue: 1,
      flowTriggerLog: 1,
      dataRequest: 1,
      recAttribution: 1,
      customerRedaction: 2,
    });
    for (const model of ["holdoutAssignment", "customerOptOut", "reorderDue", "flowTriggerLog", "dataRequest"]) {
      const delegate = (t.db as unknown as Record<string, { count(a: object): Promise<number> }>)[model];
      expect(await delegate.count({ where: { shop, customerId: gid(2) } }), model).toBe(0);
    }
    expect(await t.db.recAttribution.count({ where: { shop, orderId: "gid://shopify/Order/200" } })).toBe(0);
    expect(await counts(t.db, other)).toEqual(FULL);
    expect((await t.db.syncRun.findFirstOrThrow({ where: { shop: other } })).detailsJson).toContain(gid(2));
    expect(await handleCustomersRedact(t.db, shop, { customer: { id: 2 } })).toMatchObject({
      orders: 0,
      scores: 0,
      tagChanges: 0,
      runDetails: 0,
      dataRequests: 0,
    });
  });

  it("app/scopes_update records the scopes and flags a history limited to 60 days", async () => {
    const { shop, other } = await seedShops(t.db);
    await handleScopesUpdate(t.db, shop, `offline_${shop}`, ["read_orders", "read_customers"]);
    expect((await t.db.session.findUnique({ where: { id: `offline_${shop}` } }))?.scope).toBe(
      "read_orders,read_customers",
    );
    expect((await t.db.shop.findUnique({ where: { shop } }))?.historyLimited).toBe(true);
    expect((await t.db.shop.findUnique({ where: { shop: other } }))?.historyLimited).toBe(false);
    const resynced: string[] = [];
    const resyncFullHistory = async (s: string) => void resynced.push(s);
    expect(
      await handleScopesUpdate(t.db, shop, `offline_${shop}`, ["read_orders", "read_all_orders"], {
        previous: ["read_orders"],
        resyncFullHistory,
      }),
    ).toEqual({ historyLimited: false, fullHistoryGranted: true });
    expect((await t.db.shop.findUnique({ where: { shop } }))?.historyLimited).toBe(false);
    expect(resynced).toEqual([shop]);
    // The same delivery again (Shopify retries): read_all_orders was already there, nothing more to fetch.
    await handleScopesUpdate(t.db, shop, `offline_${shop}`, ["read_orders", "read_all_orders"], {
      previous: ["read_orders", "read_all_orders"],
      resyncFullHistory,
    });
    // Another scope changing on a shop that always had the full history: no re-sync either.
    await handleScopesUpdate(t.db, other, null, ["read_orders", "read_all_orders", "write_products"], {
      previous: ["read_orders", "read_all_orders"],
      resyncFullHistory,
    });
    expect(resynced).toEqual([shop]);
  });

  it("app/uninstalled deletes the sessions and marks the shop, keeping its data for shop/redact", async () => {
    const { shop, other } = await seedShops(t.db);
    const at = new Date("2026-11-20T10:00:00Z");
    expect(await handleAppUninstalled(t.db, shop, at)).toEqual({ sessions: 1 });
    expect((await t.db.shop.findUnique({ where: { shop } }))?.uninstalledAt?.toISOString()).toBe(at.toISOString());
    expect(await counts(t.db, shop)).toEqual({ ...FULL, session: 0 });
    expect(await counts(t.db, other)).toEqual(FULL);
    expect(await handleAppUninstalled(t.db, shop, at)).toEqual({ sessions: 0 });
  });

  it("shop/redact deletes everything of the shop, in every table, and nothing of another", async () => {
    const { shop, other } = await seedShops(t.db);
    const result = await handleShopRedact(t.db, shop);
    expect(result).toMatchObject({
      orders: 5,
      lineItems: 5,
      products: 1,
      customerScores: 5,
      segments: 4,
      syncRuns: 1,
      analyses: 1,
      tagChanges: 2,
      webhookEvents: 1,
      recEvents: 1,
      sessions: 1,
      shops: 1,
      analysisSnapshots: 1,
      appShopifySegments: 1,
      flowTriggers: 2,
      customerRedactions: 1,
      controlGroups: 1,
      holdoutAssignments: 2,
      customerOptOuts: 2,
      productCycles: 1,
      reorderDue: 2,
      recVisits: 1,
      recAttributions: 2,
      proxyNonces: 1,
      flowTriggerUsage: 1,
      dataRequests: 2,
    });
    expect(await counts(t.db, shop)).toEqual(Object.fromEntries(SHOP_TABLES.map((m) => [m, 0])));
    expect(await t.db.shopRedaction.count({ where: { shop } })).toBe(1);
    expect(await counts(t.db, other)).toEqual(FULL);
    // Repeated: nothing more to delete, nothing re-created.
    expect(await handleShopRedact(t.db, shop)).toMatchObject({ orders: 0, shops: 0 });
    expect(await counts(t.db, shop)).toEqual(Object.fromEntries(SHOP_TABLES.map((m) => [m, 0])));
  });
});
