/**
 * Every webhook route, through the app's real `authenticate.webhook` (HMAC over the raw body with the
 * app's secret): a forged signature gets 401 and changes nothing; a genuine delivery is processed once,
 * a duplicate delivery (same X-Shopify-Webhook-Id) is ignored; a malformed body loses nothing.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callRoute, withShopifyAppEnv, webhookRequest } from "../../helpers/shopify-app";
import { orderWebhookPayload } from "../../../packages/shopify-standin/src/server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";

const SECRET = "webhook-test-secret";
const SHOP = "hooks-shop.myshopify.com";
const t = withShopifyAppEnv({ secret: SECRET });
const db = () => t().db;

/** Posts a webhook to a route's action as Shopify would; returns the status it answered or threw. */
async function deliver(
  route: string,
  topic: string,
  payload: unknown,
  opts: { forged?: boolean; webhookId?: string; rawBody?: string } = {},
) {
  const { action } = (await import(/* @vite-ignore */ join(process.cwd(), "app/routes", route))) as { action: unknown };
  const body = opts.rawBody ?? JSON.stringify(payload);
  const secret = opts.forged ? "not-the-app-secret" : SECRET;
  const request = webhookRequest(topic, SHOP, body, {
    secret,
    webhookId: opts.webhookId ?? `wh-${Math.random().toString(36).slice(2)}`,
  });
  return ((await callRoute(action, request)) as Response).status;
}

const routes = readdirSync(join(process.cwd(), "app/routes")).filter((f) => /^webhooks\..+\.tsx?$/.test(f));
const topicOf = (file: string) =>
  file
    .replace(/^webhooks\./, "")
    .replace(/\.tsx?$/, "")
    .replace(/\./g, "/");

const data = generateDemoShop({ shop: SHOP, orders: 40, seed: 3 });
const order = data.orders.find((o) => o.customerId && !o.test && !o.cancelledAt)!;

describe("webhook routes", () => {
  it("cover the topics the app subscribes to", () => {
    expect(routes.map(topicOf).sort()).toEqual(
      expect.arrayContaining([
        "app/uninstalled",
        "orders/create",
        "orders/updated",
        "orders/cancelled",
        "orders/delete",
        "bulk_operations/finish",
        "customers/data_request",
        "customers/redact",
        "shop/redact",
      ]),
    );
  });

  it.each(routes)("%s answers 401 to a forged signature and changes nothing", async (route) => {
    const before = {
      orders: await db().order.count(),
      webhooks: await db().webhookEvent.count(),
      sessions: await db().session.count(),
    };
    await db().session.upsert({
      where: { id: `offline_${SHOP}` },
      create: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "tok" },
      update: {},
    });
    const status = await deliver(route, topicOf(route), orderWebhookPayload(order), { forged: true });
    expect(status).toBe(401);
    expect(await db().order.count()).toBe(before.orders);
    expect(await db().webhookEvent.count()).toBe(before.webhooks);
    expect(await db().session.count()).toBe(Math.max(before.sessions, 1));
  });

  it("a genuine orders/create is stored once; the same delivery again is ignored", async () => {
    const payload = orderWebhookPayload(order);
    expect(await deliver("webhooks.orders.create.tsx", "orders/create", payload, { webhookId: "dup-1" })).toBe(200);
    expect(await deliver("webhooks.orders.create.tsx", "orders/create", payload, { webhookId: "dup-1" })).toBe(200);
    const stored = await db().order.findMany({ where: { shop: SHOP, id: order.id }, include: { lineItems: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0].customerId).toBe(order.customerId);
    expect(stored[0].lineItems).toHaveLength(order.lineItems.length);
    expect(await db().webhookEvent.count({ where: { webhookId: "dup-1" } })).toBe(1);
  });

  // A signed body that is not JSON is acknowledged (200: Shopify would retry the same bytes 8 times), logged,
  // and nothing is stored (app/webhooks/README.md).
  it("a malformed body is acknowledged without storing anything, and a later good delivery still lands", async () => {
    const before = await db().order.count();
    const status = await deliver("webhooks.orders.updated.tsx", "orders/updated", null, {
      rawBody: '{"id": 5, "created_at": ',
      webhookId: "bad-1",
    });
    expect(status).toBe(200);
    expect(await db().order.count()).toBe(before);
    const other = data.orders.find((o) => o.id !== order.id && o.customerId)!;
    expect(
      await deliver("webhooks.orders.updated.tsx", "orders/updated", orderWebhookPayload(other), {
        webhookId: "good-1",
      }),
    ).toBe(200);
    expect(await db().order.count({ where: { shop: SHOP, id: other.id } })).toBe(1);
  });
});
