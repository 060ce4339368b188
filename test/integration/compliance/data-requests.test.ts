/**
 * customers/data_request as Shopify documents it (shopify.dev "Privacy law compliance"): the payload names the
 * customer, the requested orders and the request's id; Shopify ignores the answer, and the app must give the
 * data to the store owner itself within 30 days. The signed webhook (signed by the test helper from Shopify's
 * documented HMAC, not the app's code) records the request once; the admin's Data requests page lists it with
 * its due date and downloads what the app holds for that customer. (Demo mode stands in for Shopify's session
 * on the admin page.)
 */
import { describe, expect, it } from "vitest";
import { callRoute, webhookRequest, withShopifyAppEnv } from "../../helpers/shopify-app";
import { gid, OTHER, seedOrders, seedScores, SHOP } from "../../helpers/app-fixtures";

const SECRET = "data-request-secret";
const t = withShopifyAppEnv({
  secret: SECRET,
  seed: async ({ db }) => {
    for (const shop of [SHOP, OTHER]) {
      await seedScores(db, shop);
      await seedOrders(db, shop, 2, 2);
    }
    const now = new Date("2026-11-20T10:00:00Z");
    await db.tagChange.create({
      data: {
        shop: SHOP,
        runId: "run-1",
        customerId: gid(2),
        tag: "churnless:risk:high",
        action: "add",
        status: "done",
        doneAt: now,
      },
    });
    await db.flowTriggerLog.create({
      data: {
        shop: SHOP,
        key: `a1|risk-changed|${gid(2)}|high`,
        analysisId: "a1",
        customerId: gid(2),
        trigger: "risk-changed",
        status: "sent",
        sentAt: now,
      },
    });
    await db.customerOptOut.create({ data: { shop: SHOP, customerId: gid(2), optedOutAt: now, source: "shopper" } });
    await db.tagChange.create({
      data: {
        shop: SHOP,
        runId: "run-1",
        customerId: gid(3),
        tag: "churnless:risk:medium",
        action: "add",
        status: "done",
      },
    });
  },
});
const db = () => t().db;

// Shopify's documented payload shape, with this test's ids.
const payload = (requestId: number, customer = 2, orders: number[] = []) => ({
  shop_id: 954889,
  shop_domain: SHOP,
  orders_requested: orders,
  customer: { id: customer, email: "john@example.com", phone: "555-625-1199" },
  data_request: { id: requestId },
});
let counter = 0;
const deliver = async (body: unknown, secret = SECRET, shop = SHOP) => {
  const { action } = await import("../../../app/routes/webhooks.customers.data_request");
  return (await callRoute(
    action,
    webhookRequest("customers/data_request", shop, JSON.stringify(body), { secret, webhookId: `dr-${++counter}` }),
  )) as Response;
};

type Loader = (a: {
  request: Request;
  params: Record<string, string>;
  context: Record<string, unknown>;
}) => Promise<Response>;
async function page(query = ""): Promise<Response> {
  process.env.CHURNLESS_DEMO = "1";
  process.env.CHURNLESS_DEMO_SHOP = SHOP;
  try {
    const { loader } = await import("../../../app/routes/app.data-requests/route");
    return (await callRoute(loader as Loader, new Request(`http://localhost/app/data-requests${query}`))) as Response;
  } finally {
    delete process.env.CHURNLESS_DEMO;
    delete process.env.CHURNLESS_DEMO_SHOP;
  }
}

interface Listed {
  id: string;
  customerId: string;
  customerNumber: string;
  orderIds: string[];
  receivedAt: string;
  dueAt: string;
  status: string;
  daysLeft: number;
}

describe("customers/data_request", () => {
  it("a forged delivery is refused with 401 and records nothing", async () => {
    const res = await deliver(payload(9001), "not-the-secret");
    expect(res.status).toBe(401);
    expect(await db().dataRequest.count()).toBe(0);
  });

  it("a signed delivery is recorded once (ids only), due 30 days later; a redelivery records nothing new", async () => {
    const before = Date.now();
    const res = await deliver(payload(9999, 2, [299938]));
    expect(res.status).toBe(200);
    const again = await deliver(payload(9999, 2, [299938]));
    expect(again.status).toBe(200);
    const rows = await db().dataRequest.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row.customerId).toBe(gid(2));
    expect(JSON.parse(row.orderIdsJson)).toEqual(["gid://shopify/Order/299938"]);
    expect(row.dueAt.getTime() - row.receivedAt.getTime()).toBe(30 * 86_400_000);
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // No email or phone is kept anywhere in the row.
    expect(JSON.stringify(row)).not.toMatch(/john@example\.com|555-625-1199/);
    // The answer's body carries no customer data (Shopify ignores it anyway).
    expect(await res.text()).not.toMatch(/orders|score|churn/i);
  });

  it("the admin page lists it as open with its due date, and the download holds the customer's data by GID", async () => {
    const listed = (await (await page()).json()) as { requests: Listed[] };
    expect(listed.requests).toHaveLength(1);
    const r = listed.requests[0];
    expect(r).toMatchObject({
      customerId: gid(2),
      customerNumber: "2",
      orderIds: ["gid://shopify/Order/299938"],
      status: "open",
      daysLeft: 30,
    });

    const res = await page(`?download=${r.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="churnless-data-request-customer-2-\d{4}-\d\d-\d\d\.json"$/,
    );
    const file = (await res.json()) as {
      request: { customerId: string; dueAt: string };
      data: {
        customerId: string;
        score: { churnProbability: number; riskBand: string } | null;
        orders: Array<{ id: string }>;
        tagChanges: Array<{ tag: string }>;
        events: {
          flowTriggers: Array<{ trigger: string }>;
          optOut: { source: string } | null;
          holdouts: unknown[];
          reorderDue: unknown[];
        };
      };
    };
    expect(file.request).toMatchObject({ customerId: gid(2), dueAt: r.dueAt });
    expect(file.data.customerId).toBe(gid(2));
    expect(file.data.score).toMatchObject({ churnProbability: 0.85, riskBand: "high" });
    const stored = await db().order.findMany({ where: { shop: SHOP, customerId: gid(2) }, select: { id: true } });
    expect(stored.length).toBeGreaterThan(0);
    expect(file.data.orders.map((o) => o.id).sort()).toEqual(stored.map((o) => o.id).sort());
    expect(file.data.tagChanges.map((c) => c.tag)).toEqual(["churnless:risk:high"]);
    expect(file.data.events.flowTriggers.map((f) => f.trigger)).toEqual(["risk-changed"]);
    expect(file.data.events.optOut).toMatchObject({ source: "shopper" });
    // Nothing of another customer or another shop.
    expect(JSON.stringify(file)).not.toContain(gid(3));
    expect(JSON.stringify(file)).not.toContain(OTHER);

    const after = (await (await page()).json()) as { requests: Listed[] };
    expect(after.requests[0].status).toBe("downloaded");
  });

  it("a request past 30 days without a download is overdue; another shop's request is not found", async () => {
    const received = new Date(Date.now() - 31 * 86_400_000);
    await db().dataRequest.create({
      data: {
        shop: SHOP,
        requestKey: "request:old",
        customerId: gid(1),
        receivedAt: received,
        dueAt: new Date(received.getTime() + 30 * 86_400_000),
      },
    });
    const other = await db().dataRequest.create({
      data: { shop: OTHER, requestKey: "request:x", customerId: gid(1), dueAt: new Date(Date.now() + 86_400_000) },
    });
    const listed = (await (await page()).json()) as { requests: Listed[] };
    const old = listed.requests.find((r) => r.customerId === gid(1))!;
    expect(old).toMatchObject({ status: "overdue", daysLeft: -1 });
    expect(listed.requests.every((r) => r.id !== other.id)).toBe(true);
    const res = await page(`?download=${other.id}`);
    expect(res.status).toBe(404);
    expect((await db().dataRequest.findUniqueOrThrow({ where: { id: other.id } })).firstDownloadedAt).toBeNull();
  });

  it("a delivery without a customer id is acknowledged, logged and records nothing", async () => {
    const before = await db().dataRequest.count();
    const res = await deliver({ shop_domain: SHOP, data_request: { id: 77 } });
    expect(res.status).toBe(200);
    expect(await db().dataRequest.count()).toBe(before);
  });
});
