/**
 * The webhook routes end to end through Shopify's HMAC check (authenticate.webhook): a correctly signed
 * delivery reaches its handler; a forged one is answered 401 and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { callRoute, withShopifyAppEnv, webhookRequest } from "../../helpers/shopify-app";
import { gid, OTHER, seedOrders, seedScores, SHOP } from "../../helpers/app-fixtures";

const SECRET = "webhook-test-secret";
const t = withShopifyAppEnv({
  secret: SECRET,
  scopes: "read_orders",
  seed: async ({ db }) => {
    for (const shop of [SHOP, OTHER]) {
      await seedScores(db, shop);
      await seedOrders(db, shop, 2, 2);
      await db.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "tok" } });
    }
  },
});
const db = () => t().db;

let counter = 0;
const delivery = (topic: string, shop: string, payload: unknown, secret = SECRET) =>
  webhookRequest(topic, shop, JSON.stringify(payload), { secret, webhookId: `wh-${++counter}` });
const call = async (action: unknown, request: Request) => (await callRoute(action, request)) as Response;

describe("webhook routes", () => {
  it("a forged customers/redact is refused with 401 and deletes nothing", async () => {
    const { action } = await import("../../../app/routes/webhooks.customers.redact");
    const res = await call(
      action,
      delivery("customers/redact", SHOP, { shop_domain: SHOP, customer: { id: 2 } }, "not-the-secret"),
    );
    expect(res.status).toBe(401);
    expect(await db().customerScore.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(1);
  });

  it("a signed customers/data_request is recorded for the merchant to download (test/integration/compliance/data-requests.test.ts)", async () => {
    const { action } = await import("../../../app/routes/webhooks.customers.data_request");
    const res = await call(
      action,
      delivery("customers/data_request", SHOP, {
        shop_domain: SHOP,
        customer: { id: 2 },
        orders_requested: [],
        data_request: { id: 1 },
      }),
    );
    expect(res.status).toBe(200);
    expect(await db().dataRequest.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(1);
  });

  it("a signed customers/redact deletes that customer in that shop", async () => {
    const { action } = await import("../../../app/routes/webhooks.customers.redact");
    const res = await call(
      action,
      delivery("customers/redact", SHOP, { shop_domain: SHOP, customer: { id: 2 }, orders_to_redact: [] }),
    );
    expect(res.status).toBe(200);
    expect(await db().customerScore.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await db().order.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await db().customerScore.count({ where: { shop: OTHER, customerId: gid(2) } })).toBe(1);
  });

  it("a signed app/uninstalled deletes the sessions and marks the shop", async () => {
    const { action } = await import("../../../app/routes/webhooks.app.uninstalled");
    const res = await call(action, delivery("app/uninstalled", SHOP, { id: 1, domain: SHOP }));
    expect(res.status).toBe(200);
    expect(await db().session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await db().shop.findUnique({ where: { shop: SHOP } }))?.uninstalledAt).toBeInstanceOf(Date);
    expect(await db().session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("a signed shop/redact deletes everything of the shop", async () => {
    const { action } = await import("../../../app/routes/webhooks.shop.redact");
    const res = await call(action, delivery("shop/redact", SHOP, { shop_id: 1, shop_domain: SHOP }));
    expect(res.status).toBe(200);
    expect(await db().customerScore.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db().segment.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db().customerScore.count({ where: { shop: OTHER } })).toBe(5);
  });
});
