/**
 * The webhook routes end to end through Shopify's HMAC check (authenticate.webhook): a correctly signed
 * delivery reaches its handler; a forged one is answered 401 and changes nothing.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDb, type TestDb } from "../helpers/db";
import { gid, OTHER, seedOrders, seedScores, SHOP } from "./fixtures";

const SECRET = "webhook-test-secret";
let t: TestDb;
const savedEnv = { ...process.env };

beforeAll(async () => {
  t = await createSqliteTestDb();
  Object.assign(process.env, {
    SHOPIFY_API_KEY: "test-api-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://churnless.example.com",
    SCOPES: "read_orders",
    DATABASE_URL: t.url,
    NODE_ENV: "test",
  });
  delete process.env.CHURNLESS_DEMO;
  for (const shop of [SHOP, OTHER]) {
    await seedScores(t.db, shop);
    await seedOrders(t.db, shop, 2, 2);
    await t.db.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "tok" } });
  }
});

afterAll(async () => {
  process.env = savedEnv;
  await t.cleanup();
});

let counter = 0;
function delivery(topic: string, shop: string, payload: unknown, secret = SECRET): Request {
  const body = JSON.stringify(payload);
  return new Request(`https://churnless.example.com/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": `wh-${++counter}`,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    },
  });
}

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;
async function call(action: unknown, request: Request): Promise<Response> {
  try {
    return await (action as Action)({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("webhook routes", () => {
  it("a forged customers/redact is refused with 401 and deletes nothing", async () => {
    const { action } = await import("../../app/routes/webhooks.customers.redact");
    const res = await call(action, delivery("customers/redact", SHOP, { shop_domain: SHOP, customer: { id: 2 } }, "not-the-secret"));
    expect(res.status).toBe(401);
    expect(await t.db.customerScore.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(1);
  });

  it("a signed customers/data_request answers with the customer's stored data", async () => {
    const { action } = await import("../../app/routes/webhooks.customers.data_request");
    const res = await call(action, delivery("customers/data_request", SHOP, { shop_domain: SHOP, customer: { id: 2 }, orders_requested: [] }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { customerId: string; orders: unknown[] };
    expect(body.customerId).toBe(gid(2));
    expect(body.orders).toHaveLength(2);
  });

  it("a signed customers/redact deletes that customer in that shop", async () => {
    const { action } = await import("../../app/routes/webhooks.customers.redact");
    const res = await call(action, delivery("customers/redact", SHOP, { shop_domain: SHOP, customer: { id: 2 }, orders_to_redact: [] }));
    expect(res.status).toBe(200);
    expect(await t.db.customerScore.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await t.db.order.count({ where: { shop: SHOP, customerId: gid(2) } })).toBe(0);
    expect(await t.db.customerScore.count({ where: { shop: OTHER, customerId: gid(2) } })).toBe(1);
  });

  it("a signed app/uninstalled deletes the sessions and marks the shop", async () => {
    const { action } = await import("../../app/routes/webhooks.app.uninstalled");
    const res = await call(action, delivery("app/uninstalled", SHOP, { id: 1, domain: SHOP }));
    expect(res.status).toBe(200);
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.uninstalledAt).toBeInstanceOf(Date);
    expect(await t.db.session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("a signed shop/redact deletes everything of the shop", async () => {
    const { action } = await import("../../app/routes/webhooks.shop.redact");
    const res = await call(action, delivery("shop/redact", SHOP, { shop_id: 1, shop_domain: SHOP }));
    expect(res.status).toBe(200);
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.segment.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.customerScore.count({ where: { shop: OTHER } })).toBe(5);
  });
});
