/**
 * The compliance and lifecycle webhooks' handlers on SQLite and PostgreSQL: each deletes exactly what it
 * must, only in its own shop, and repeats harmlessly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import {
  handleAppUninstalled,
  handleCustomersDataRequest,
  handleCustomersRedact,
  handleScopesUpdate,
  handleShopRedact,
} from "../../app/webhooks/compliance.server";
import { gid, OTHER, seedOrders, seedScores, SHOP } from "./fixtures";

const kinds = await databaseKinds();

describe.each(kinds)("compliance webhooks on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    for (const shop of [SHOP, OTHER]) {
      await seedScores(t.db, shop);
      await seedOrders(t.db, shop, 2, 3);
      await seedOrders(t.db, shop, 3, 2);
      await t.db.tagChange.create({ data: { shop, runId: "r1", customerId: gid(2), tag: "churnless:risk-high", action: "add", status: "done" } });
      await t.db.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "tok" } });
      await t.db.shop.create({ data: { shop } });
    }
  });
  afterAll(async () => t?.cleanup());

  it("customers/data_request returns the customer's score, orders and tags by GID", async () => {
    const data = await handleCustomersDataRequest(t.db, SHOP, { customer: { id: 2 }, orders_requested: [] });
    expect(data.customerId).toBe(gid(2));
    expect(data.score?.churnProbability).toBe(0.85);
    expect(data.orders.map((o) => o.id)).toEqual(["gid://shopify/Order/200", "gid://shopify/Order/201", "gid://shopify/Order/202"]);
    expect(data.orders[1].totalAmount).toBe(51);
    expect(data.orders[0].lineItems).toEqual([{ productId: "gid://shopify/Product/9", variantId: null, quantity: 1, unitPrice: 50 }]);
    expect(data.tagChanges).toHaveLength(1);
    // No personal fields exist to return.
    expect(JSON.stringify(data)).not.toMatch(/email|phone|address|firstName/i);
  });

  it("customers/data_request without a customer id is an error, not an empty answer", async () => {
    await expect(handleCustomersDataRequest(t.db, SHOP, {})).rejects.toThrow(/no customer\.id/);
  });

  it("customers/redact deletes that customer's rows in that shop only, and repeats harmlessly", async () => {
    const first = await handleCustomersRedact(t.db, SHOP, { customer: { id: 2 }, orders_to_redact: [200, 201, 202] });
    expect(first).toEqual({ orders: 3, scores: 1, tagChanges: 1 });
    expect(await t.db.customerScore.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await t.db.order.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await t.db.lineItem.count({ where: { shop: SHOP, orderId: { startsWith: "gid://shopify/Order/20" } } })).toBe(0);
    // Other customers and the other shop are untouched.
    expect(await t.db.order.count({ where: { shop: SHOP, customerId: gid(3) } })).toBe(2);
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBe(4);
    expect(await t.db.order.count({ where: { shop: OTHER, customerId: gid(2) } })).toBe(3);
    expect(await t.db.tagChange.count({ where: { shop: OTHER } })).toBe(1);
    expect(await handleCustomersRedact(t.db, SHOP, { customer: { id: 2 } })).toEqual({ orders: 0, scores: 0, tagChanges: 0 });
  });

  it("app/scopes_update records the scopes and flags a history limited to 60 days", async () => {
    await handleScopesUpdate(t.db, SHOP, `offline_${SHOP}`, ["read_orders", "read_customers"]);
    expect((await t.db.session.findUnique({ where: { id: `offline_${SHOP}` } }))?.scope).toBe("read_orders,read_customers");
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.historyLimited).toBe(true);
    await handleScopesUpdate(t.db, SHOP, `offline_${SHOP}`, ["read_orders", "read_all_orders"]);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.historyLimited).toBe(false);
  });

  it("app/uninstalled deletes the sessions and marks the shop, keeping its data for shop/redact", async () => {
    const at = new Date("2026-11-20T10:00:00Z");
    expect(await handleAppUninstalled(t.db, SHOP, at)).toEqual({ sessions: 1 });
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.uninstalledAt?.toISOString()).toBe(at.toISOString());
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBe(4);
    expect(await t.db.session.count({ where: { shop: OTHER } })).toBe(1);
    expect(await handleAppUninstalled(t.db, SHOP, at)).toEqual({ sessions: 0 });
  });

  it("shop/redact deletes everything of the shop and nothing of another", async () => {
    const counts = await handleShopRedact(t.db, SHOP);
    expect(counts).toMatchObject({ orders: 2, lineItems: 2, customerScores: 4, segments: 4, shops: 1 });
    for (const model of ["order", "lineItem", "customerScore", "segment", "tagChange", "session", "shop"] as const) {
      const delegate = t.db[model] as unknown as { count(a: { where: { shop: string } }): Promise<number> };
      expect(await delegate.count({ where: { shop: SHOP } }), model).toBe(0);
    }
    expect(await t.db.customerScore.count({ where: { shop: OTHER } })).toBe(5);
    expect(await t.db.order.count({ where: { shop: OTHER } })).toBe(5);
    expect(await t.db.shop.count({ where: { shop: OTHER } })).toBe(1);
  });
});
