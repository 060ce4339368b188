/**
 * The compliance and lifecycle webhooks' handlers on SQLite and PostgreSQL: each deletes exactly what it
 * must, only in its own shop, and repeats harmlessly. Every test seeds its own two shops (orders, line
 * items, products, scores, segments, tag journal, sync runs, analyses, webhook and recommendation events,
 * sessions) and checks every table, so no test leans on what an earlier one left or deleted.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import {
  handleAppUninstalled,
  handleCustomersDataRequest,
  handleCustomersRedact,
  handleScopesUpdate,
  handleShopRedact,
} from "../../app/webhooks/compliance.server";
import { gid, seedOrders, seedScores } from "../app/fixtures";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";

const kinds = await databaseKinds();

/** Every table that holds rows of a shop, with how to count them. */
const SHOP_TABLES = [
  "order",
  "lineItem",
  "product",
  "customerScore",
  "segment",
  "syncRun",
  "analysis",
  "tagChange",
  "webhookEvent",
  "recEvent",
  "session",
  "shop",
] as const;

async function counts(db: Db, shop: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const model of SHOP_TABLES) {
    const delegate = db[model] as unknown as { count(a: { where: { shop: string } }): Promise<number> };
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
  }
  return { shop, other };
}

const FULL = {
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
};

describe.each(kinds)("compliance webhooks on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t?.cleanup());

  it("the seed holds what the tests below expect to find (or they would prove nothing)", async () => {
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
    expect(first).toMatchObject({ orders: 3, scores: 1, tagChanges: 1, runDetails: 1 });
    expect(await t.db.customerScore.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    expect(await t.db.order.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    expect(await t.db.lineItem.count({ where: { shop, orderId: { startsWith: "gid://shopify/Order/20" } } })).toBe(0);
    expect(await t.db.tagChange.count({ where: { shop, customerId: gid(2) } })).toBe(0);
    // The customer's id is gone from the run details; the other customer's stays.
    const details = (await t.db.syncRun.findFirstOrThrow({ where: { shop } })).detailsJson;
    expect(details).not.toContain(gid(2));
    expect(JSON.parse(details)).toEqual({ atLimit: { count: 2, customerIds: [gid(3)] }, errors: [] });
    // Other customers, the catalogue, the shop's aggregates and the other shop are untouched.
    expect(await counts(t.db, shop)).toEqual({ ...FULL, order: 2, lineItem: 2, customerScore: 4, tagChange: 1 });
    expect(await counts(t.db, other)).toEqual(FULL);
    expect((await t.db.syncRun.findFirstOrThrow({ where: { shop: other } })).detailsJson).toContain(gid(2));
    expect(await handleCustomersRedact(t.db, shop, { customer: { id: 2 } })).toMatchObject({
      orders: 0,
      scores: 0,
      tagChanges: 0,
      runDetails: 0,
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
    await handleScopesUpdate(t.db, shop, `offline_${shop}`, ["read_orders", "read_all_orders"]);
    expect((await t.db.shop.findUnique({ where: { shop } }))?.historyLimited).toBe(false);
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
    });
    expect(await counts(t.db, shop)).toEqual(Object.fromEntries(SHOP_TABLES.map((m) => [m, 0])));
    expect(await counts(t.db, other)).toEqual(FULL);
    // Repeated: nothing more to delete, nothing re-created.
    expect(await handleShopRedact(t.db, shop)).toMatchObject({ orders: 0, shops: 0 });
    expect(await counts(t.db, shop)).toEqual(Object.fromEntries(SHOP_TABLES.map((m) => [m, 0])));
  });
});
