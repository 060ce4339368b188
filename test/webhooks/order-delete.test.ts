/**
 * orders/delete and a late customers/data_request, on SQLite and PostgreSQL: a deleted order leaves every
 * input of the analysis (its row, line items and storefront attribution) and nothing else; nothing is
 * recorded for a shop already redacted.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleShopRedact, receiveDataRequest } from "../../app/webhooks/compliance.server";
import { handleOrderDelete, handleOrderWebhook } from "../../app/webhooks/orders.server";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { orderWebhookPayload } from "../../packages/shopify-standin/src/webhooks";
import { gid, seedOrders } from "../helpers/app-fixtures";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import { orderGid, productGid } from "../helpers/orders";

const kinds = await databaseKinds();
const standinOrder = generateDemoShop({ shop: "x.myshopify.com", orders: 5, seed: 4 }).orders[0];

describe.each(kinds)("on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("orders/delete removes the order, its line items and its attribution, and repeats harmlessly", async () => {
    const shop = `del-${randomBytes(3).toString("hex")}.myshopify.com`;
    const other = `keep-${randomBytes(3).toString("hex")}.myshopify.com`;
    for (const s of [shop, other]) {
      await seedOrders(t.db, s, 2, 2); // orders 200 and 201
      await t.db.recAttribution.create({
        data: {
          shop: s,
          orderId: orderGid(200),
          productId: productGid(9),
          clickedAt: new Date(),
          processedAt: new Date(),
        },
      });
    }
    expect(await t.db.lineItem.count({ where: { shop, orderId: orderGid(200) } })).toBe(1);

    expect(await handleOrderDelete(t.db, shop, 200)).toEqual({
      orderId: orderGid(200),
      orders: 1,
      lineItems: 1,
      attributions: 1,
    });
    expect(await t.db.order.count({ where: { shop, id: orderGid(200) } })).toBe(0);
    expect(await t.db.lineItem.count({ where: { shop, orderId: orderGid(200) } })).toBe(0);
    expect(await t.db.recAttribution.count({ where: { shop } })).toBe(0);
    // The shop's other order, and the same order id in another shop, stay.
    expect(await t.db.order.count({ where: { shop } })).toBe(1);
    expect(await t.db.order.count({ where: { shop: other } })).toBe(2);
    expect(await t.db.recAttribution.count({ where: { shop: other } })).toBe(1);
    // Shopify may deliver it again.
    expect((await handleOrderDelete(t.db, shop, "200")).orders).toBe(0);
    // An orders/updated of the deleted order delivered late does not bring it back; another order still lands.
    const late = orderWebhookPayload({ ...standinOrder, id: orderGid(200) });
    expect((await handleOrderWebhook(t.db, shop, "orders/updated", late)).outcome).toBe("deleted");
    expect(await t.db.order.count({ where: { shop, id: orderGid(200) } })).toBe(0);
    const fresh = orderWebhookPayload({ ...standinOrder, id: orderGid(202) });
    expect((await handleOrderWebhook(t.db, shop, "orders/updated", fresh)).outcome).toBe("written");
  });

  it("customers/data_request after shop/redact stores nothing", async () => {
    const shop = `red-${randomBytes(3).toString("hex")}.myshopify.com`;
    const payload = { shop_domain: shop, customer: { id: 2 }, orders_requested: [200], data_request: { id: 7 } };
    expect(await receiveDataRequest(t.db, shop, payload, "wh-1")).toMatchObject({ created: true });
    await handleShopRedact(t.db, shop);
    expect(await receiveDataRequest(t.db, shop, { ...payload, data_request: { id: 8 } }, "wh-2")).toBe("redacted");
    expect(await t.db.dataRequest.count({ where: { shop, customerId: gid(2) } })).toBe(0);
  });
});
