/**
 * orders/create, orders/updated, orders/cancelled: the REST payload the stand-in builds for an order of
 * the shop goes through the same handler the routes call, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveOrderWebhook, orderFromWebhook, WebhookPayloadError } from "../../../app/webhooks/orders.server";
import { upsertOrders } from "../../../app/models/orders.server";
import type { Db } from "../../../app/db.server";
import { databaseKinds, type TestDb } from "../../helpers/db";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { orderWebhookPayload } from "../../../packages/shopify-standin/src/webhooks";
import type { StandinOrder } from "../../../packages/shopify-standin/src/types";
import { parseBulkOrdersText } from "../../../app/shopify/bulk-orders";
import { bulkLinesOf, freshTestDb } from "./helpers";
import { runSync } from "../../../app/jobs/sync/run.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { startStandin } from "../../../packages/shopify-standin/src/server";

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

  it("sends Shopify's REST shape: refunds with transactions and refund_line_items, shop and presentment money", () => {
    const returned = data.orders.find(
      (o) => o.lineItems.some((l) => l.currentQuantity < l.quantity) && Number(o.totalRefunded) > 0,
    )!;
    const other = returned.currencyCode === "USD" ? "CAD" : "USD";
    const foreign = { ...returned, presentmentCurrencyCode: other, presentmentRate: 1.0837 };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a REST payload walked by path
    const p = orderWebhookPayload(foreign) as Record<string, any>;
    expect(p.currency).toBe(returned.currencyCode);
    expect(p.presentment_currency).toBe(other);
    expect(p.current_total_price_set.shop_money).toEqual({
      amount: returned.totalPrice,
      currency_code: returned.currencyCode,
    });
    expect(p.current_total_price_set.presentment_money.currency_code).toBe(other);
    expect(p).not.toHaveProperty("total_refunded");
    const refund = p.refunds[0];
    expect(refund.transactions).toEqual([
      expect.objectContaining({ kind: "refund", status: "success", currency: other }),
    ]);
    expect(Number(refund.transactions[0].amount)).toBeCloseTo(Number(returned.totalRefunded) * 1.0837, 2);
    const back = refund.refund_line_items.map((r: { line_item_id: number; quantity: number }) => [
      r.line_item_id,
      r.quantity,
    ]);
    expect(back).toEqual(
      returned.lineItems
        .filter((l) => l.currentQuantity < l.quantity)
        .map((l) => [Number(l.id.split("/").pop()), l.quantity - l.currentQuantity]),
    );
  });

  it("nets refund transactions in shop money: presentment-currency refunds converted at the order's rate", () => {
    const base = {
      id: 4502,
      created_at: "2026-01-02T10:00:00Z",
      updated_at: "2026-01-05T10:00:00Z",
      currency: "EUR",
      presentment_currency: "USD",
      total_price_set: {
        shop_money: { amount: "80.00", currency_code: "EUR" },
        presentment_money: { amount: "86.70", currency_code: "USD" },
      },
      current_total_price_set: {
        shop_money: { amount: "80.00", currency_code: "EUR" },
        presentment_money: { amount: "86.70", currency_code: "USD" },
      },
      line_items: [],
    };
    const o = orderFromWebhook("orders/updated", {
      ...base,
      refunds: [
        {
          transactions: [
            { kind: "refund", status: "success", amount: "21.68", currency: "USD" },
            { kind: "refund", status: "failure", amount: "99.00", currency: "USD" },
          ],
        },
        {
          transactions: [
            { kind: "refund", status: "success", amount: "5.00", currency: "EUR" },
            { kind: "sale", status: "success", amount: "86.70", currency: "USD" },
          ],
        },
      ],
    });
    expect(o.currency).toBe("EUR");
    expect(o.refunded).toBe(25); // 21.68 USD at 80/86.70 = 20.00 EUR, plus 5.00 EUR
    expect(() =>
      orderFromWebhook("orders/updated", {
        ...base,
        total_price_set: null,
        current_total_price_set: { shop_money: { amount: "80.00", currency_code: "EUR" } },
        refunds: [{ transactions: [{ kind: "refund", status: "success", amount: "1.00", currency: "USD" }] }],
      }),
    ).toThrow(/no shop\/presentment total/);
  });

  it("nets refund transactions and builds GIDs from numeric ids", () => {
    const o = orderFromWebhook("orders/updated", {
      id: 4501,
      created_at: "2026-01-02T10:00:00Z",
      updated_at: "2026-01-05T10:00:00Z",
      total_price: "80.00",
      currency: "EUR",
      financial_status: "partially_refunded",
      customer: { id: 77 },
      refunds: [
        {
          transactions: [
            { kind: "refund", status: "success", amount: "15.50" },
            { kind: "refund", status: "failure", amount: "99" },
          ],
        },
      ],
      line_items: [{ id: 9, product_id: 3, variant_id: 4, quantity: 2, price: "40.00" }],
    });
    expect(o).toMatchObject({
      id: "gid://shopify/Order/4501",
      customerId: "gid://shopify/Customer/77",
      total: 80,
      refunded: 15.5,
      currency: "EUR",
      financialStatus: "PARTIALLY_REFUNDED",
      lineItems: [
        {
          id: "gid://shopify/LineItem/9",
          productId: "gid://shopify/Product/3",
          variantId: "gid://shopify/ProductVariant/4",
          quantity: 2,
          currentQuantity: 2,
          unitPrice: 40,
        },
      ],
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
    const r = await receiveOrderWebhook(db, {
      shop: SHOP,
      topic: "orders/create",
      webhookId: `wh-${kind}-1`,
      payload: orderWebhookPayload(order),
    });
    expect(r).toEqual({ status: 200, result: { orderId: order.id, outcome: "written" } });
    const rows = await db.order.findMany({ where: { shop: SHOP, customerId: customer }, include: { lineItems: true } });
    expect(rows.length).toBe(before + 1);
    const row = rows.find((o) => o.id === order.id)!;
    expect(row.totalAmount).toBe(123.45);
    expect(row.lineItems.length).toBe(order.lineItems.length);
  });

  it("an older orders/updated arriving after a newer one is ignored", async () => {
    const order = newOrder();
    await receiveOrderWebhook(db, {
      shop: SHOP,
      topic: "orders/create",
      webhookId: `wh-${kind}-2`,
      payload: orderWebhookPayload(order),
    });
    const cancelled = {
      ...order,
      cancelledAt: "2026-11-21T09:00:00.000Z",
      updatedAt: "2026-11-21T09:00:00.000Z",
      totalRefunded: order.totalPrice,
      lineItems: order.lineItems.slice(0, 1),
    };
    const edited = { ...order, updatedAt: "2026-11-20T12:00:00.000Z", totalPrice: "1.00" };
    const newer = await receiveOrderWebhook(db, {
      shop: SHOP,
      topic: "orders/cancelled",
      webhookId: `wh-${kind}-3`,
      payload: orderWebhookPayload(cancelled),
    });
    expect(newer.result).toMatchObject({ outcome: "written" });
    const older = await receiveOrderWebhook(db, {
      shop: SHOP,
      topic: "orders/updated",
      webhookId: `wh-${kind}-4`,
      payload: orderWebhookPayload(edited),
    });
    expect(older.result).toMatchObject({ outcome: "older" });
    const row = await db.order.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: order.id } },
      include: { lineItems: true },
    });
    expect(row.cancelledAt?.toISOString()).toBe("2026-11-21T09:00:00.000Z");
    expect(row.totalAmount).toBe(Number(order.totalPrice));
    expect(row.refundedAmount).toBe(Number(order.totalPrice));
    expect(row.lineItems.length).toBe(1);
  });

  it("a duplicate delivery (same webhook id) is ignored", async () => {
    const order = newOrder();
    const payload = orderWebhookPayload(order);
    expect(
      (await receiveOrderWebhook(db, { shop: SHOP, topic: "orders/create", webhookId: `wh-${kind}-5`, payload }))
        .result,
    ).toMatchObject({ outcome: "written" });
    const changed = orderWebhookPayload({ ...order, updatedAt: "2026-11-25T00:00:00.000Z", totalPrice: "5.00" });
    expect(
      (
        await receiveOrderWebhook(db, {
          shop: SHOP,
          topic: "orders/create",
          webhookId: `wh-${kind}-5`,
          payload: changed,
        })
      ).result,
    ).toBe("duplicate");
    const row = await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: order.id } } });
    expect(row.totalAmount).toBe(Number(order.totalPrice));
    expect(await db.webhookEvent.count({ where: { webhookId: `wh-${kind}-5` } })).toBe(1);
  });

  it("an unreadable payload is acknowledged, stores nothing and is not remembered", async () => {
    const r = await receiveOrderWebhook(db, {
      shop: SHOP,
      topic: "orders/create",
      webhookId: `wh-${kind}-6`,
      payload: { id: 5, total_price: "x" },
    });
    expect(r).toEqual({ status: 200, result: "rejected" });
    expect(await db.order.count({ where: { shop: SHOP, id: "gid://shopify/Order/5" } })).toBe(0);
    expect(await db.webhookEvent.count({ where: { webhookId: `wh-${kind}-6` } })).toBe(0);
  });
});

describe.each(kinds)("one order, two paths, on %s", (kind) => {
  it(
    "the bulk export and the orders/updated webhook store the same row (refunds netted in shop money)",
    { timeout: 120_000 },
    async () => {
      const shop = "two-paths.myshopify.com";
      const base = generateDemoShop({ orders: 150, shop, seed: 9 });
      // Some orders paid in another currency than the shop's, with partial refunds and returns among them.
      base.orders.forEach((o, i) => {
        if (i % 3 === 0 || Number(o.totalRefunded) > 0)
          Object.assign(o, {
            presentmentCurrencyCode: base.currencyCode === "USD" ? "CAD" : "USD",
            presentmentRate: [1.0837, 0.9312, 1.2519][i % 3],
          });
      });
      const refundedForeign = base.orders.filter((o) => o.presentmentCurrencyCode && Number(o.totalRefunded) > 0);
      expect(refundedForeign.length).toBeGreaterThan(3);
      const standin = await startStandin({ shops: [base], bulkMinMs: 20, restoreRate: 1000 });
      const viaBulk = await freshTestDb(kind);
      const viaHooks = await freshTestDb(kind);
      try {
        const admin = createAdminClient({ shop, accessToken: standin.tokenFor(shop), apiBaseUrl: standin.url });
        await runSync(viaBulk.db, admin, shop, { kind: "full", products: false, bulk: { pollIntervalMs: 20 } });
        const state = standin.state(shop);
        for (const o of state.data.orders) {
          const customer = o.customerId ? state.customersById.get(o.customerId) : undefined;
          const r = await receiveOrderWebhook(viaHooks.db, {
            shop,
            topic: "orders/updated",
            webhookId: `two-${o.id}`,
            payload: orderWebhookPayload(o, customer),
          });
          expect(r.status).toBe(200);
        }
        const rows = async (t: TestDb) =>
          (
            await t.db.order.findMany({
              where: { shop },
              orderBy: { id: "asc" },
              include: { lineItems: { orderBy: { id: "asc" } } },
            })
          ).map(({ syncedAt: _s, ...o }) => o);
        const a = await rows(viaBulk);
        const b = await rows(viaHooks);
        expect(a.length).toBe(state.data.orders.length);
        expect(b).toEqual(a);
        const foreign = a.find((o) => o.id === refundedForeign[0].id)!;
        expect(foreign.refundedAmount).toBe(Number(refundedForeign[0].totalRefunded));
        expect(foreign.currencyCode).toBe(base.currencyCode);
      } finally {
        await standin.close();
        await viaBulk.cleanup();
        await viaHooks.cleanup();
      }
    },
  );
});
