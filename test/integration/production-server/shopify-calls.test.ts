/**
 * The shipped server, called as Shopify calls it. The app is built and started exactly as it is deployed
 * (`npm run build`, `npm start` with NODE_ENV=production: ./server.ts) on a fresh database of each kind
 * (SQLite, and PostgreSQL when reachable, always under CI=true), then receives:
 * - every webhook topic shopify.app.toml subscribes to, each signed and shaped as Shopify's documentation
 *   shows (./shopify-signer.ts), asserting the status and what is stored;
 * - the Flow trigger lifecycle callback and every app-proxy route (signed by test/helpers/app-proxy.ts);
 * - signed but hostile or malformed deliveries: a body naming another shop than its header, shop headers
 *   that are not a shop, numbers beyond their columns, NUL in ids, empty compliance bodies, a 12 MB body;
 * - a GET of every admin page (only: never a 5xx; their content is tested elsewhere).
 * The last test lists the route files and fails when a webhooks.*, flow.* or proxy.* route was not called.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../helpers/db";
import { signedProxyQuery } from "../../helpers/app-proxy";
import { customerGid, orderGid, productGid } from "../../helpers/orders";
import { freshDatabase, type SqlDb } from "./db";
import { buildAppIfStale, startProductionServer, type ProductionServer } from "./server";
import { postFlowLifecycle, postWebhook, postWebhookEarlyAnswer } from "./shopify-signer";

const kinds = await databaseKinds();
const SECRET = `prod-secret-${randomBytes(6).toString("hex")}`;
const API_KEY = "prod-suite-api-key";
const SCOPES = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";
const ROUTES_DIR = join(process.cwd(), "app/routes");

/** Every path requested through the production build, by any test of this file (for the coverage test). */
const requested = new Set<string>();

// ---- What shopify.app.toml subscribes to ----

interface Subscription {
  topic: string;
  uri: string;
}

function subscriptions(): Subscription[] {
  const toml = readFileSync(join(process.cwd(), "shopify.app.toml"), "utf8");
  const out: Subscription[] = [];
  for (const block of toml.split("[[webhooks.subscriptions]]").slice(1)) {
    const body = block.split(/^\s*\[(?!\[webhooks\.subscriptions)/m)[0];
    const uri = /^\s*uri\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const topics = /^\s*(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/m.exec(body)?.[1];
    if (!uri || !topics)
      throw new Error(`cannot read a [[webhooks.subscriptions]] block of shopify.app.toml:\n${body}`);
    for (const m of topics.matchAll(/"([^"]+)"/g)) out.push({ topic: m[1], uri });
  }
  return out;
}

// ---- Payloads as Shopify's webhook reference shows them (its examples' shapes, our shops and ids) ----

const isoNow = () => new Date().toISOString();

/** An orders/create, orders/updated or orders/cancelled payload (REST Order, as the reference's example). */
function orderPayload(o: {
  id: number;
  customer: number | null;
  total: string;
  quantity?: number | string;
  lines?: number;
  updatedAt?: string;
  cancelledAt?: string | null;
  noteAttributes?: Array<{ name: string; value: string }>;
}): Record<string, unknown> {
  const money = (amount: string) => ({
    shop_money: { amount, currency_code: "USD" },
    presentment_money: { amount, currency_code: "USD" },
  });
  return {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: `#${1000 + (o.id % 1000)}`,
    email: null,
    created_at: "2026-11-20T10:00:00-05:00",
    processed_at: "2026-11-20T10:00:00-05:00",
    updated_at: o.updatedAt ?? "2026-11-20T10:05:00-05:00",
    cancelled_at: o.cancelledAt ?? null,
    cancel_reason: o.cancelledAt ? "customer" : null,
    test: false,
    financial_status: "paid",
    currency: "USD",
    presentment_currency: "USD",
    total_price: o.total,
    total_price_set: money(o.total),
    current_total_price: o.total,
    current_total_price_set: money(o.total),
    customer:
      o.customer === null ? null : { id: o.customer, admin_graphql_api_id: `gid://shopify/Customer/${o.customer}` },
    line_items: Array.from({ length: o.lines ?? 1 }, (_, i) => ({
      id: o.id * 10 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${o.id * 10 + i}`,
      product_id: 632910392,
      variant_id: 808950810,
      quantity: o.quantity ?? 1,
      current_quantity: o.quantity ?? 1,
      price: o.total,
      price_set: money(o.total),
    })),
    refunds: [],
    note_attributes: o.noteAttributes ?? [],
  };
}

// ---- One server per database kind ----

interface Env {
  kind: string;
  t: SqlDb;
  server: ProductionServer;
  tag: string;
}

function shopName(env: Env, name: string): string {
  return `${name}-${env.tag}.myshopify.com`;
}

/** The shop's offline session, as installing the app stores it (not expiring: no refresh is needed). */
async function seedSession(env: Env, shop: string, scope = SCOPES) {
  await env.t.run(`INSERT INTO "Session" ("id", "shop", "state", "accessToken", "scope") VALUES (?, ?, ?, ?, ?)`, [
    `offline_${shop}`,
    shop,
    "",
    "shpat_seeded",
    scope,
  ]);
}

async function insertShop(env: Env, shop: string) {
  await env.t.run(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (?, ?)`, [shop, new Date().toISOString()]);
}

/** An installed shop with orders 200-201 of customer 2 and 300-301 of customer 3, stored by orders/create. */
async function seedShop(env: Env, shop: string) {
  await insertShop(env, shop);
  await seedSession(env, shop);
  for (const [id, customer] of [
    [200, 2],
    [201, 2],
    [300, 3],
    [301, 3],
  ]) {
    const r = await webhook(
      env,
      "/webhooks/orders/create",
      "orders/create",
      shop,
      orderPayload({ id, customer, total: "50.00" }),
    );
    if (r.status !== 200) throw new Error(`seeding order ${id} of ${shop}: HTTP ${r.status}`);
  }
}

async function webhook(env: Env, uri: string, topic: string, shop: string, payload: unknown, o: { raw?: string } = {}) {
  requested.add(uri);
  return postWebhook(env.server.url, uri, o.raw ?? JSON.stringify(payload), { topic, shop, secret: SECRET });
}

const counts = async (env: Env, shop: string) => ({
  orders: await env.t.count("Order", { shop }),
  lineItems: await env.t.count("LineItem", { shop }),
  dataRequests: await env.t.count("DataRequest", { shop }),
  redactions: await env.t.count("CustomerRedaction", { shop }),
  sessions: await env.t.count("Session", { shop }),
});

const envs: Env[] = [];

beforeAll(async () => {
  buildAppIfStale();
  for (const kind of kinds) {
    const t = await freshDatabase(kind);
    const server = await startProductionServer({
      databaseUrl: t.url,
      apiKey: API_KEY,
      apiSecret: SECRET,
      scopes: SCOPES,
    });
    envs.push({ kind, t, server, tag: randomBytes(3).toString("hex") });
  }
}, 300_000);

afterAll(async () => {
  for (const env of envs) {
    await env.server.stop();
    await env.t.cleanup();
  }
});

const each = () => kinds.map((kind, i) => [kind, i] as const);

describe.each(each())("the production build on %s", (_kind, index) => {
  const env = () => envs[index];

  it("answers every subscribed webhook topic with 200 and stores its effect", async () => {
    const e = env();
    const subs = subscriptions();
    const seen: string[] = [];
    const byTopic = new Map(subs.map((s) => [s.topic, s.uri]));
    const uriOf = (topic: string) => {
      const uri = byTopic.get(topic);
      if (!uri) throw new Error(`shopify.app.toml does not subscribe to ${topic}`);
      seen.push(topic);
      return uri;
    };
    const failures: string[] = [];
    const expectOk = (topic: string, r: { status: number; text: string }) => {
      if (r.status !== 200) failures.push(`${topic}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    };

    // Orders: create, update, cancel, delete one order of shop A.
    const A = shopName(e, "orders");
    await seedShop(e, A);
    const ORDER = 820982911946154;
    const attr = [{ name: "_churnless_rec", value: `632910392:${Math.floor(Date.now() / 1000) - 60}` }];
    expectOk(
      "orders/create",
      await webhook(
        e,
        uriOf("orders/create"),
        "orders/create",
        A,
        orderPayload({ id: ORDER, customer: 7, total: "42.50", lines: 2, noteAttributes: attr }),
      ),
    );
    const order = async () =>
      (await e.t.rows(`SELECT * FROM "Order" WHERE "shop" = ? AND "id" = ?`, [A, orderGid(ORDER)]))[0];
    expect(Number((await order())?.totalAmount)).toBe(42.5);
    expect((await order())?.customerId).toBe(customerGid(7));
    expect(await e.t.count("LineItem", { shop: A, orderId: orderGid(ORDER) })).toBe(2);
    expect(await e.t.count("RecAttribution", { shop: A, orderId: orderGid(ORDER) })).toBe(1);

    expectOk(
      "orders/updated",
      await webhook(
        e,
        uriOf("orders/updated"),
        "orders/updated",
        A,
        orderPayload({
          id: ORDER,
          customer: 7,
          total: "30.00",
          lines: 2,
          updatedAt: "2026-11-21T09:00:00-05:00",
          noteAttributes: attr,
        }),
      ),
    );
    expect(Number((await order())?.totalAmount)).toBe(30);

    expectOk(
      "orders/cancelled",
      await webhook(
        e,
        uriOf("orders/cancelled"),
        "orders/cancelled",
        A,
        orderPayload({
          id: ORDER,
          customer: 7,
          total: "30.00",
          lines: 2,
          updatedAt: "2026-11-22T09:00:00-05:00",
          cancelledAt: "2026-11-22T09:00:00-05:00",
          noteAttributes: attr,
        }),
      ),
    );
    expect(new Date(String((await order())?.cancelledAt)).toISOString()).toBe("2026-11-22T14:00:00.000Z");

    // orders/delete carries only the order's id (the reference's example: {"id": 820982911946154508}).
    const before = await counts(e, A);
    expectOk(
      "orders/delete",
      await webhook(e, uriOf("orders/delete"), "orders/delete", A, null, { raw: `{"id":${ORDER}}` }),
    );
    expect(await e.t.count("Order", { shop: A, id: orderGid(ORDER) })).toBe(0);
    expect(await e.t.count("LineItem", { shop: A, orderId: orderGid(ORDER) })).toBe(0);
    expect(await e.t.count("RecAttribution", { shop: A, orderId: orderGid(ORDER) })).toBe(0);
    expect((await counts(e, A)).orders).toBe(before.orders - 1); // the shop's other orders stay

    // bulk_operations/finish: wakes a sync waiting in this process (none here); nothing is stored.
    expectOk(
      "bulk_operations/finish",
      await webhook(e, uriOf("bulk_operations/finish"), "bulk_operations/finish", A, {
        admin_graphql_api_id: "gid://shopify/BulkOperation/147595010",
        completed_at: isoNow(),
        created_at: isoNow(),
        error_code: null,
        status: "completed",
        type: "query",
      }),
    );

    // Compliance: data request, customer redaction, shop redaction (the privacy law compliance page's shapes).
    const C = shopName(e, "comply");
    await seedShop(e, C);
    expectOk(
      "customers/data_request",
      await webhook(e, uriOf("customers/data_request"), "customers/data_request", C, {
        shop_id: 954889,
        shop_domain: C,
        orders_requested: [200, 201],
        customer: { id: 2, email: "john@example.com", phone: "555-625-1199" },
        data_request: { id: 9999 },
      }),
    );
    expect(await e.t.count("DataRequest", { shop: C, customerId: customerGid(2) })).toBe(1);
    expectOk(
      "customers/redact",
      await webhook(e, uriOf("customers/redact"), "customers/redact", C, {
        shop_id: 954889,
        shop_domain: C,
        customer: { id: 2, email: "john@example.com", phone: "555-625-1199" },
        orders_to_redact: [200, 201],
      }),
    );
    expect(await e.t.count("Order", { shop: C, customerId: customerGid(2) })).toBe(0);
    expect(await e.t.count("Order", { shop: C, customerId: customerGid(3) })).toBe(2);
    expect(await e.t.count("DataRequest", { shop: C, customerId: customerGid(2) })).toBe(0);

    // Lifecycle: scopes changed, then uninstalled, then (48 hours later) shop/redact.
    expectOk(
      "app/scopes_update",
      await webhook(e, uriOf("app/scopes_update"), "app/scopes_update", C, {
        id: 1,
        previous: SCOPES.split(","),
        current: SCOPES.split(",").filter((s) => s !== "read_all_orders"),
        updated_at: isoNow(),
      }),
    );
    const shopRow = async () => (await e.t.rows(`SELECT * FROM "Shop" WHERE "shop" = ?`, [C]))[0];
    expect([true, 1]).toContain((await shopRow())?.historyLimited);
    expectOk(
      "app/uninstalled",
      await webhook(e, uriOf("app/uninstalled"), "app/uninstalled", C, {
        id: 954889,
        name: "Comply",
        email: "owner@example.com",
        domain: null,
        myshopify_domain: C,
        plan_name: "basic",
      }),
    );
    expect(await e.t.count("Session", { shop: C })).toBe(0);
    expect((await shopRow())?.uninstalledAt).not.toBeNull();
    expectOk(
      "shop/redact",
      await webhook(e, uriOf("shop/redact"), "shop/redact", C, { shop_id: 954889, shop_domain: C }),
    );
    expect(await e.t.count("Order", { shop: C })).toBe(0);
    expect(await e.t.count("ShopRedaction", { shop: C })).toBe(1);
    // Shop A, untouched by C's redactions, still has its seeded orders.
    expect(await e.t.count("Order", { shop: A })).toBe(4);

    expect(failures, e.server.logs().slice(-4000)).toEqual([]);
    expect(new Set(seen)).toEqual(new Set(subs.map((s) => s.topic)));
  });

  it("answers the Flow trigger lifecycle callback with 2xx and records whether the trigger is in use", async () => {
    const e = env();
    const shop = shopName(e, "flow");
    await seedSession(e, shop);
    requested.add("/flow/lifecycle");
    const r = await postFlowLifecycle(
      e.server.url,
      {
        flow_trigger_definition_id: "churnless-risk-changed",
        has_enabled_flow: true,
        shop_id: 690933842,
        shopify_domain: shop,
        timestamp: isoNow(),
      },
      SECRET,
    );
    expect(r.status, `${r.text}\n${e.server.logs().slice(-3000)}`).toBeLessThan(300);
    const usage = await e.t.rows(`SELECT "trigger", "inUse" FROM "FlowTriggerUsage" WHERE "shop" = ?`, [shop]);
    expect(usage.map((u) => [u.trigger, Boolean(u.inUse)])).toEqual([["churnless-risk-changed", true]]);
  });

  it("answers every app-proxy route signed as Shopify signs it, and stores what the storefront sent", async () => {
    const e = env();
    const shop = shopName(e, "proxy");
    await insertShop(e, shop);
    await e.t.run(`INSERT INTO "Product" ("shop", "id", "handle", "updatedAt") VALUES (?, ?, ?, ?)`, [
      shop,
      productGid(632910392),
      "ipod-nano",
      new Date().toISOString(),
    ]);
    const sign = (query: Record<string, string>, customer: string | null = null) =>
      signedProxyQuery(query, { shop, secret: SECRET, customer });

    requested.add("/proxy/recommendations");
    const recs = await fetch(`${e.server.url}/proxy/recommendations?${sign({ product_id: "632910392" })}`);
    expect(recs.status).toBe(200);
    expect(recs.headers.get("content-type")).toMatch(/json/);

    requested.add("/proxy/events");
    const nonce = randomBytes(12).toString("hex");
    const events = await fetch(`${e.server.url}/proxy/events?${sign({ n: nonce })}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        visit: randomBytes(8).toString("hex"),
        events: [{ kind: "impression", productId: 632910392 }],
      }),
    });
    expect(events.status, await events.text()).toBe(200);
    expect(await e.t.count("RecEvent", { shop, productId: productGid(632910392), kind: "impression" })).toBe(1);

    requested.add("/proxy/opt-out");
    const form = await fetch(`${e.server.url}/proxy/opt-out?${sign({}, "191167")}`);
    expect(form.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(token).toBeTruthy();
    const optOut = await fetch(`${e.server.url}/proxy/opt-out?${sign({}, "191167")}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: token! }),
    });
    expect(optOut.status).toBe(200);
    expect(await e.t.count("CustomerOptOut", { shop, customerId: customerGid(191167) })).toBe(1);
  });

  it("acts on no shop but the one the signed body names: a body naming shop C sent with shop A's header changes nothing", async () => {
    const e = env();
    const A = shopName(e, "victim");
    const C = shopName(e, "attacker");
    await seedShop(e, A);
    const before = await counts(e, A);
    for (const [uri, topic, payload] of [
      ["/webhooks/shop/redact", "shop/redact", { shop_id: 1, shop_domain: C }],
      [
        "/webhooks/customers/redact",
        "customers/redact",
        { shop_id: 1, shop_domain: C, customer: { id: 2 }, orders_to_redact: [200] },
      ],
      [
        "/webhooks/customers/data_request",
        "customers/data_request",
        { shop_id: 1, shop_domain: C, customer: { id: 2 }, orders_requested: [], data_request: { id: 5 } },
      ],
      ["/webhooks/app/uninstalled", "app/uninstalled", { id: 1, domain: null, myshopify_domain: C }],
    ] as const) {
      const r = await webhook(e, uri, topic, A, payload);
      expect(r.status, `${topic}: ${r.text}`).toBe(401);
    }
    expect(await counts(e, A)).toEqual(before);
    expect(await e.t.count("ShopRedaction", { shop: [A, C] })).toBe(0);
    expect(e.server.logs()).toMatch(new RegExp(`names ${C.replace(/\./g, "\\.")}`));
  });

  it("stores nothing for a shop already redacted (a late customers/data_request is acknowledged)", async () => {
    const e = env();
    const shop = shopName(e, "gone");
    await seedShop(e, shop);
    expect(
      (await webhook(e, "/webhooks/shop/redact", "shop/redact", shop, { shop_id: 3, shop_domain: shop })).status,
    ).toBe(200);
    const late = await webhook(e, "/webhooks/customers/data_request", "customers/data_request", shop, {
      shop_id: 3,
      shop_domain: shop,
      customer: { id: 2 },
      orders_requested: [200],
      data_request: { id: 77 },
    });
    expect(late.status).toBe(200);
    const lateRedact = await webhook(e, "/webhooks/customers/redact", "customers/redact", shop, {
      shop_id: 3,
      shop_domain: shop,
      customer: { id: 2 },
      orders_to_redact: [200],
    });
    expect(lateRedact.status).toBe(200);
    expect(await counts(e, shop)).toEqual({ orders: 0, lineItems: 0, dataRequests: 0, redactions: 0, sessions: 0 });
  });

  it("answers signed but malformed deliveries without a 5xx, stores nothing of them and logs why", async () => {
    const e = env();
    const shop = shopName(e, "malformed");
    await seedShop(e, shop);
    const before = await counts(e, shop);
    const order = (o: Parameters<typeof orderPayload>[0]) => orderPayload(o);
    const cases: Array<{
      what: string;
      uri: string;
      topic: string;
      shop?: string;
      payload?: unknown;
      raw?: string;
      status: number;
    }> = [
      {
        what: "shop header evil.com",
        uri: "/webhooks/orders/create",
        topic: "orders/create",
        shop: "evil.com",
        payload: order({ id: 5001, customer: 2, total: "1.00" }),
        status: 400,
      },
      {
        what: "shop header with a path",
        uri: "/webhooks/shop/redact",
        topic: "shop/redact",
        shop: `${shop}/../b`,
        payload: { shop_id: 1, shop_domain: `${shop}/../b` },
        status: 400,
      },
      {
        what: "quantity 1e12",
        uri: "/webhooks/orders/create",
        topic: "orders/create",
        payload: order({ id: 5002, customer: 2, total: "1.00", quantity: 1e12 }),
        status: 200,
      },
      {
        what: "NUL in the order id",
        uri: "/webhooks/orders/create",
        topic: "orders/create",
        raw: JSON.stringify({
          ...order({ id: 5003, customer: 2, total: "1.00" }),
          id: "5003\u0000",
          admin_graphql_api_id: "gid://shopify/Order/5003\u0000",
        }),
        status: 200,
      },
      {
        what: "total 1e308",
        uri: "/webhooks/orders/updated",
        topic: "orders/updated",
        raw: JSON.stringify(order({ id: 5004, customer: 2, total: "1.00" })).replace(/"1\.00"/g, "1e308"),
        status: 200,
      },
      {
        what: "customers/redact {}",
        uri: "/webhooks/customers/redact",
        topic: "customers/redact",
        payload: {},
        status: 200,
      },
      {
        what: "customers/redact customer null",
        uri: "/webhooks/customers/redact",
        topic: "customers/redact",
        payload: { shop_id: 1, shop_domain: shop, customer: null, orders_to_redact: [] },
        status: 200,
      },
      {
        what: "customers/data_request {}",
        uri: "/webhooks/customers/data_request",
        topic: "customers/data_request",
        payload: {},
        status: 200,
      },
      {
        what: "orders/delete without an id",
        uri: "/webhooks/orders/delete",
        topic: "orders/delete",
        payload: {},
        status: 200,
      },
      {
        what: "not JSON",
        uri: "/webhooks/orders/updated",
        topic: "orders/updated",
        raw: '{"id": 5005, "created_at": ',
        status: 200,
      },
      {
        what: "2,000 line items",
        uri: "/webhooks/orders/create",
        topic: "orders/create",
        payload: order({ id: 5006, customer: 2, total: "1.00", lines: 2000 }),
        status: 200,
      },
    ];
    const got: string[] = [];
    for (const c of cases) {
      const r = await webhook(e, c.uri, c.topic, c.shop ?? shop, c.payload, { raw: c.raw });
      got.push(`${c.what}: ${r.status}`);
    }
    expect(got).toEqual(cases.map((c) => `${c.what}: ${c.status}`));
    expect(await counts(e, shop)).toEqual(before);
    expect(await e.t.count("Order", { id: [5001, 5002, 5003, 5004, 5005, 5006].map((n) => orderGid(n)) })).toBe(0);
    expect(await e.t.count("ShopRedaction", { shop: [shop, `${shop}/../b`, "b"] })).toBe(0);
    expect(e.server.logs()).toMatch(/\[webhooks\].*rejected/);
  });

  it("refuses a 12 MB body (60,000 line items) before reading it all, and stores nothing", async () => {
    const e = env();
    const shop = shopName(e, "huge");
    await seedShop(e, shop);
    const before = await counts(e, shop);
    const body = Buffer.from(JSON.stringify(orderPayload({ id: 6001, customer: 2, total: "1.00", lines: 60_000 })));
    expect(body.length).toBeGreaterThan(12_000_000);
    requested.add("/webhooks/orders/create");
    const status = await postWebhookEarlyAnswer(e.server.url, "/webhooks/orders/create", body, {
      topic: "orders/create",
      shop,
      secret: SECRET,
    });
    expect(status).toBe(413);
    expect(await counts(e, shop)).toEqual(before);
  });

  it("answers a forged compliance webhook with 401 (Shopify's requirement) and deletes nothing", async () => {
    const e = env();
    const shop = shopName(e, "forged");
    await seedShop(e, shop);
    const before = await counts(e, shop);
    requested.add("/webhooks/shop/redact");
    const body = JSON.stringify({ shop_id: 1, shop_domain: shop });
    const r = await postWebhook(e.server.url, "/webhooks/shop/redact", body, {
      topic: "shop/redact",
      shop,
      secret: SECRET,
      signWith: "not-the-secret",
    });
    expect(r.status).toBe(401);
    expect(await counts(e, shop)).toEqual(before);
  });

  it("serves every admin page without a 5xx (only that: they are tested elsewhere)", async () => {
    const e = env();
    const bad: string[] = [];
    for (const file of routeFiles().filter((f) => f.name.startsWith("app.") || f.name === "app")) {
      const path = concretePath(file.name);
      requested.add(path);
      const res = await fetch(`${e.server.url}${path}`, { redirect: "manual" });
      if (res.status >= 500) bad.push(`${file.file} (GET ${path}): HTTP ${res.status}`);
    }
    expect(bad, e.server.logs().slice(-3000)).toEqual([]);
  });
});

// ---- The route files, and the coverage check ----

interface RouteFile {
  /** The route's name: the flat file's name or the folder's, without the extension. */
  name: string;
  file: string;
}

function routeFiles(): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of readdirSync(ROUTES_DIR)) {
    const full = join(ROUTES_DIR, entry);
    if (statSync(full).isDirectory()) {
      const route = readdirSync(full).find((f) => /^route\.(tsx?|jsx?)$/.test(f));
      if (route) out.push({ name: entry, file: `${entry}/${route}` });
    } else if (/\.(tsx?|jsx?)$/.test(entry) && !/\.test\./.test(entry)) {
      out.push({ name: entry.replace(/\.(tsx?|jsx?)$/, ""), file: entry });
    }
  }
  return out;
}

/** A URL path the route answers: `webhooks.orders.create` -> /webhooks/orders/create, `$id` -> 1, `$` -> x. */
function concretePath(name: string): string {
  const segments = name
    .split(".")
    .filter((s) => s !== "_index" && !/^_/.test(s))
    .map((s) => (s === "$" ? "anything" : s.startsWith("$") ? "1" : s));
  return `/${segments.join("/")}`;
}

describe("the suite's coverage of the route files", () => {
  it("lists route files of both kinds (flat files and folders with route.tsx)", () => {
    const names = routeFiles().map((f) => f.file);
    expect(names).toContain("webhooks.orders.create.tsx");
    expect(names).toContain("auth.login/route.tsx");
  });

  it("called every webhooks.*, flow.* and proxy.* route, and requested every app.* route, through the production build", () => {
    const missing = routeFiles()
      .filter((f) => /^(webhooks|flow|proxy|app)(\.|$)/.test(f.name))
      .filter((f) => !requested.has(concretePath(f.name)))
      .map((f) => `${f.file} (${concretePath(f.name)})`);
    expect(missing, "routes this suite never called: add a case for each").toEqual([]);
  });
});
