/**
 * orders/create, orders/updated, orders/cancelled: the REST payload the stand-in builds for an order of
 * the shop goes through the same handler the routes call, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveOrderWebhook, orderFromWebhook, WebhookPayloadError } from "../../app/webhooks/orders.server";
import { upsertOrders } from "../../app/models/orders.server";
import type { Db } from "../../app/db.server";
import { databaseKinds, type TestDb } from "../helpers/db";
import { generateDemoShop } from "../standin/demo-shop";
import { orderWebhookPayload } from "../standin/webhooks";
import type { StandinOrder } from "../standin/types";
import { parseBulkOrdersText } from "../../app/shopify/bulk-orders";
import { bulkLinesOf, freshTestDb } from "./helpers";

const kinds = await databaseKinds();
const SHOP = "hooks.myshopify.com";
const data = generateDemoShop({ orders: 120, shop: SHOP, seed: 5 });

describe("orderFromWebhook", () => {
  it("maps the REST payload onto the same facts as the bulk export", () => {
    for (const o of data.orders.slice(0, 40)) {
      const fromHook = orderFromWebhook("orders/create", orderWebhookPayload(o));
      const fromBulk = parseBulkOrdersText(bulkLinesOf(o)).orders[0];
      expect(fromHook).toEqual(fromBulk);
    }
  });

  it("nets refund transactions and builds GIDs from numeric ids", () => {
    const o = orderFromWebhook("orders/updated", {
      id: 4501, created_at: "2026-01-02T10:00:00Z", updated_at: "2026-01-05T10:00:00Z", total_price: "80.00", currency: "EUR",
      financial_status: "partially_refunded", customer: { id: 77 },
      refunds: [{ transactions: [{ kind: "refund", status: "success", amount: "15.50" }, { kind: "refund", status: "failure", amount: "99" }] }],
      line_items: [{ id: 9, product_id: 3, variant_id: 4, quantity: 2, price: "40.00" }],
    });
    expect(o).toMatchObject({
      id: "gid://shopify/Order/4501", customerId: "gid://shopify/Customer/77", total: 80, refunded: 15.5, currency: "EUR",
      financialStatus: "PARTIALLY_REFUNDED",
      lineItems: [{ id: "gid://shopify/LineItem/9", productId: "gid://shopify/Product/3", variantId: "gid://shopify/ProductVariant/4", quantity: 2, currentQuantity: 2, unitPrice: 40 }],
    });
  });

  it("rejects an unusable payload with a clear reason", () => {
    expect(() => orderFromWebhook("orders/create", { id: 1, created_at: "yesterday", total_price: "1" })).toThrow(
      new WebhookPayloadError("orders/create", 'created_at is not a date: "yesterday"'),
    );
    expect(() => orderFromWebhook("orders/create", [])).toThrow(/not a JSON object/);
  });
});

describe.each(kinds)("order webhooks on %s", (kind) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await freshTestDb(kind);
    db = t.db;
    await upsertOrders(db, SHOP, parseBulkOrdersText(data.orders.map(bulkLinesOf).join("\n")).orders);
  });
  afterAll(async () => t?.cleanup());

  const customer = data.orders.find((o) => o.customerId)!.customerId!;
  const template = data.orders.find((o) => o.customerId === customer)!;
  let seq = 0;
  const newOrder = (patch: Partial<StandinOrder> = {}): StandinOrder => ({
    ...template,
    id: `gid://shopify/Order/${880000 + ++seq}`,
    name: `#88${seq}`,
    createdAt: "2026-11-20T10:00:00.000Z",
    processedAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
    cancelledAt: null,
    lineItems: template.lineItems.map((l, i) => ({ ...l, id: `gid://shopify/LineItem/${880000 + seq * 100 + i}` })),
    ...patch,
  });

  it("an orders/create webhook adds the order to that customer's history", async () => {
    const before = await db.order.count({ where: { shop: SHOP, customerId: customer } });
    const order = newOrder({ totalPrice: "123.45" });
    const r = await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-1`, payload: orderWebhookPayload(order) });
    expect(r).toEqual({ status: 200, result: { orderId: order.id, outcome: "written" } });
    const rows = await db.order.findMany({ where: { shop: SHOP, customerId: customer }, include: { lineItems: true } });
    expect(rows.length).toBe(before + 1);
    const row = rows.find((o) => o.id === order.id)!;
    expect(row.totalAmount).toBe(123.45);
    expect(row.lineItems.length).toBe(order.lineItems.length);
  });

  it("an older orders/updated arriving after a newer one is ignored", async () => {
    const order = newOrder();
    await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-2`, payload: orderWebhookPayload(order) });
    const cancelled = { ...order, cancelledAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z", totalRefunded: order.totalPrice, lineItems: order.lineItems.slice(0, 1) };
    const edited = { ...order, updatedAt: "2026-11-20T12:00:00.000Z", totalPrice: "1.00" };
    const newer = await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/cancelled", webhookId: `wh-${kind}-3`, payload: orderWebhookPayload(cancelled) });
    expect(newer.result).toMatchObject({ outcome: "written" });
    const older = await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/updated", webhookId: `wh-${kind}-4`, payload: orderWebhookPayload(edited) });
    expect(older.result).toMatchObject({ outcome: "older" });
    const row = await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: order.id } }, include: { lineItems: true } });
    expect(row.cancelledAt?.toISOString()).toBe("2026-11-21T09:00:00.000Z");
    expect(row.totalAmount).toBe(Number(order.totalPrice));
    expect(row.refundedAmount).toBe(Number(order.totalPrice));
    expect(row.lineItems.length).toBe(1);
  });

  it("a duplicate delivery (same webhook id) is ignored", async () => {
    const order = newOrder();
    const payload = orderWebhookPayload(order);
    expect((await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-5`, payload })).result).toMatchObject({ outcome: "written" });
    const changed = orderWebhookPayload({ ...order, updatedAt: "2026-11-25T00:00:00.000Z", totalPrice: "5.00" });
    expect((await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-5`, payload: changed })).result).toBe("duplicate");
    const row = await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: order.id } } });
    expect(row.totalAmount).toBe(Number(order.totalPrice));
    expect(await db.webhookEvent.count({ where: { webhookId: `wh-${kind}-5` } })).toBe(1);
  });

  it("an unreadable payload is acknowledged, stores nothing and is not remembered", async () => {
    const r = await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-6`, payload: { id: 5, total_price: "x" } });
    expect(r).toEqual({ status: 200, result: "rejected" });
    expect(await db.order.count({ where: { shop: SHOP, id: "gid://shopify/Order/5" } })).toBe(0);
    expect(await db.webhookEvent.count({ where: { webhookId: `wh-${kind}-6` } })).toBe(0);
  });
});
