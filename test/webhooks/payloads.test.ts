/**
 * Each topic's body schema (app/webhooks/payloads.ts) against bodies shaped as Shopify's webhook reference
 * shows them, and against the signed but malformed bodies that answered 500 or were stored as is.
 */
import { describe, expect, it } from "vitest";
import { checkWebhookPayload, MAX_LINE_ITEMS, parseWebhookJson, shopNamedBy } from "../../app/webhooks/payloads";

const order = (over: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
  id: 820982911946154,
  admin_graphql_api_id: "gid://shopify/Order/820982911946154",
  created_at: "2026-11-20T10:00:00-05:00",
  processed_at: "2026-11-20T10:00:00-05:00",
  updated_at: "2026-11-20T10:05:00-05:00",
  cancelled_at: null,
  currency: "USD",
  current_total_price: "10.00",
  current_total_price_set: {
    shop_money: { amount: "10.00", currency_code: "USD" },
    presentment_money: { amount: "10.00", currency_code: "USD" },
  },
  customer: { id: 115310627314723, admin_graphql_api_id: "gid://shopify/Customer/115310627314723" },
  line_items: [
    { id: 866550311766439, product_id: 632910392, variant_id: 808950810, quantity: 1, price: "10.00", ...line },
  ],
  refunds: [],
  ...over,
});

const check = (topic: Parameters<typeof checkWebhookPayload>[0], body: unknown) =>
  checkWebhookPayload(topic, typeof body === "string" ? body : JSON.stringify(body));

describe("webhook payload schemas", () => {
  it("accept the reference's shapes for every topic", () => {
    expect(check("orders/create", order()).ok).toBe(true);
    expect(check("orders/delete", '{"id": 820982911946154508}').ok).toBe(true);
    expect(
      check("customers/data_request", {
        shop_id: 954889,
        shop_domain: "s.myshopify.com",
        orders_requested: [299938, 280263],
        customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" },
        data_request: { id: 9999 },
      }).ok,
    ).toBe(true);
    expect(
      check("customers/redact", {
        shop_id: 954889,
        shop_domain: "s.myshopify.com",
        customer: { id: 191167 },
        orders_to_redact: [299938],
      }).ok,
    ).toBe(true);
    expect(check("shop/redact", { shop_id: 954889, shop_domain: "s.myshopify.com" }).ok).toBe(true);
    expect(
      check("app/uninstalled", { id: 1, domain: "shop.example.com", myshopify_domain: "s.myshopify.com" }).ok,
    ).toBe(true);
    expect(
      check("app/scopes_update", { id: 1, previous: ["read_orders"], current: ["read_orders", "read_products"] }).ok,
    ).toBe(true);
    expect(
      check("bulk_operations/finish", {
        admin_graphql_api_id: "gid://shopify/BulkOperation/1",
        status: "completed",
        error_code: null,
      }).ok,
    ).toBe(true);
  });

  it("keep a 64-bit id's digits (a plain JSON.parse turns 820982911946154508 into ...500)", () => {
    expect(String(JSON.parse('{"id": 820982911946154508}').id)).not.toBe("820982911946154508");
    expect((parseWebhookJson('{"id": 820982911946154508}') as { id: unknown }).id).toBe("820982911946154508");
    const r = check("orders/delete", '{"id": 820982911946154508}');
    expect(r.ok && r.payload.id).toBe("820982911946154508");
  });

  it.each([
    ["a quantity of 1e12 (beyond PostgreSQL's integer)", order({}, { quantity: 1e12 })],
    ["a negative quantity", order({}, { quantity: -1 })],
    ["NUL in the order id", order({ id: "5\u0000", admin_graphql_api_id: "gid://shopify/Order/5\u0000" })],
    ["a total of 1e308", order({ current_total_price: 1e308 })],
    [
      "a total in a shop money set of 1e308",
      order({ current_total_price_set: { shop_money: { amount: "1e308", currency_code: "USD" } } }),
    ],
    ["an admin_graphql_api_id of another order", order({ admin_graphql_api_id: "gid://shopify/Order/1" })],
    ["a date that is not one", order({ processed_at: "yesterday" })],
    [
      "more line items than an order holds",
      order({ line_items: Array.from({ length: MAX_LINE_ITEMS + 1 }, (_, i) => ({ id: i + 1, quantity: 1 })) }),
    ],
    ["no id", { ...order(), id: undefined }],
  ])("refuse an order with %s", (_what, body) => {
    expect(check("orders/create", body).ok).toBe(false);
  });

  it.each([
    ["{}", {}],
    ["customer null", { shop_domain: "s.myshopify.com", customer: null, orders_to_redact: [] }],
    ["no shop_domain", { customer: { id: 1 } }],
    ["a shop_domain that is not one", { shop_domain: "evil.com", customer: { id: 1 } }],
  ])("refuse customers/redact with %s", (_what, body) => {
    expect(check("customers/redact", body).ok).toBe(false);
  });

  it("name the shop the body names (myshopify_domain for app/uninstalled, whose domain may be a custom one)", () => {
    expect(shopNamedBy("shop/redact", { shop_domain: "c.myshopify.com" })).toBe("c.myshopify.com");
    expect(shopNamedBy("app/uninstalled", { domain: "shop.example.com", myshopify_domain: "a.myshopify.com" })).toBe(
      "a.myshopify.com",
    );
    expect(shopNamedBy("orders/create", order())).toBeNull();
  });

  it("refuse a body that is not JSON, saying so", () => {
    const r = check("orders/updated", '{"id": 5, "created_at": ');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/not JSON/);
  });
});
