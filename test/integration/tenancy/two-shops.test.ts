/**
 * Tenancy: two shops whose customers and orders carry the SAME GIDs (both generated from id 1 up).
 * Jobs for one shop never read or write the other's rows or the other's Shopify store; compliance
 * deletes in one shop leave the other whole. And concurrent webhooks for one customer lose no update
 * (PostgreSQL, where writers really run side by side).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessQueue } from "../../../app/jobs/runtime/queue.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { handleCustomersRedact } from "../../../app/webhooks/compliance.server";
import { receiveOrderWebhook } from "../../../app/webhooks/orders.server";
import { orderWebhookPayload, startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";

const A = "alpha-tenant.myshopify.com";
const B = "beta-tenant.myshopify.com";
const kinds = await databaseKinds();

describe.each(kinds)("two shops on %s", (kind) => {
  let standin: Standin;
  let t: TestDb;
  const dataA = generateDemoShop({ shop: A, orders: 300, seed: 1 });
  const dataB = generateDemoShop({ shop: B, orders: 300, seed: 2 });
  const tagsOfB = () => new Map(standin.state(B).data.customers.map((c) => [c.id, [...c.tags]]));

  beforeAll(async () => {
    standin = await startStandin({
      shops: [structuredClone(dataA), structuredClone(dataB)],
      bulkMinMs: 30,
      bucketSize: 2000,
      restoreRate: 1000,
    });
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("the shops really share GIDs (or this test proves nothing)", () => {
    const idsB = new Set(dataB.customers.map((c) => c.id));
    expect(dataA.customers.filter((c) => idsB.has(c.id)).length).toBeGreaterThan(5);
  });

  it("a job for one shop touches only that shop's rows and that shop's store", { timeout: 240_000 }, async () => {
    const admins = new Map(
      [A, B].map((s) => [s, createAdminClient({ shop: s, accessToken: standin.tokenFor(s), apiBaseUrl: standin.url })]),
    );
    const queue = new InProcessQueue({ db: t.db, admin: async (s) => admins.get(s)! }, { attempts: 1 });
    await updateShopSettings(t.db, A, { autoTag: true });
    await updateShopSettings(t.db, B, { autoTag: true });
    const bTagsBefore = tagsOfB();

    await queue.enqueue({ shop: A, kind: "full-sync" });
    await queue.idle();
    expect(queue.failures).toEqual([]);
    expect(await t.db.order.count({ where: { shop: B } })).toBe(0);
    expect(await t.db.customerScore.count({ where: { shop: B } })).toBe(0);
    expect(tagsOfB()).toEqual(bTagsBefore); // shop B's Shopify store untouched
    expect(standin.calls(B)).toHaveLength(0);

    await queue.enqueue({ shop: B, kind: "full-sync" });
    await queue.idle();
    expect(queue.failures).toEqual([]);
    const purchaseDays = (data: typeof dataA, customerId: string) =>
      new Set(
        data.orders
          .filter(
            (o) => o.customerId === customerId && !o.test && !o.cancelledAt && o.displayFinancialStatus !== "REFUNDED",
          )
          .map((o) => o.processedAt.slice(0, 10)),
      );
    let sharedChecked = 0;
    for (const [shop, data, other] of [
      [A, dataA, dataB],
      [B, dataB, dataA],
    ] as const) {
      expect(await t.db.order.count({ where: { shop } })).toBe(data.orders.length);
      // Each shop's scores count only that shop's purchases: every score, not a sample.
      const scores = await t.db.customerScore.findMany({ where: { shop }, select: { customerId: true, orders: true } });
      const buyers = new Set(data.orders.map((o) => o.customerId).filter(Boolean));
      expect(scores.length).toBeGreaterThan(20);
      for (const s of scores) {
        expect(buyers.has(s.customerId), `${shop} scored ${s.customerId}, who never bought there`).toBe(true);
        const own = purchaseDays(data, s.customerId);
        expect(s.orders, `${shop} ${s.customerId}`).toBeLessThanOrEqual(own.size);
        expect(s.orders).toBeGreaterThan(0);
        // A customer with the same GID in the other shop: counting both shops' purchases would show here.
        const both = new Set([...own, ...purchaseDays(other, s.customerId)]);
        if (both.size > own.size) sharedChecked++;
      }
    }
    expect(sharedChecked).toBeGreaterThan(5);
  });

  it("customers/redact in one shop leaves the same GID in the other shop whole", async () => {
    const shared = (await t.db.customerScore.findMany({ where: { shop: A }, select: { customerId: true } }))
      .map((s) => s.customerId)
      .find((id) => dataB.orders.some((o) => o.customerId === id))!;
    const stored = async (shop: string) => ({
      orders: await t.db.order.findMany({
        where: { shop, customerId: shared },
        include: { lineItems: true },
        orderBy: { id: "asc" },
      }),
      score: await t.db.customerScore.findUnique({ where: { shop_customerId: { shop, customerId: shared } } }),
      tagChanges: await t.db.tagChange.findMany({ where: { shop, customerId: shared }, orderBy: { id: "asc" } }),
    });
    const aBefore = await stored(A);
    const bBefore = await stored(B);
    // Both shops hold this customer's orders, score and tag journal (or the test proves nothing).
    for (const before of [aBefore, bBefore]) {
      expect(before.orders.length).toBeGreaterThan(0);
      expect(before.score).not.toBeNull();
      expect(before.tagChanges.length).toBeGreaterThan(0);
    }
    const otherRowsOfA = await t.db.order.count({ where: { shop: A, NOT: { customerId: shared } } });
    await handleCustomersRedact(t.db, A, { customer: { id: Number(shared.split("/").pop()) } });
    // Shop A: nothing of the customer is left; its other customers stay.
    expect(await stored(A)).toEqual({ orders: [], score: null, tagChanges: [] });
    expect(await t.db.order.count({ where: { shop: A, NOT: { customerId: shared } } })).toBe(otherRowsOfA);
    // Shop B: the same GID's rows exactly as they were.
    expect(await stored(B)).toEqual(bBefore);
  });
});

describe.skipIf(!kinds.includes("postgres"))("concurrent webhooks on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
  });
  afterAll(async () => t?.cleanup());

  it("many updates of one order and new orders of one customer, all at once: the newest wins, none is lost", async () => {
    const data = generateDemoShop({ shop: A, orders: 60, seed: 9 });
    const customer = data.orders.find((o) => o.customerId && !o.test)!.customerId!;
    const theirs = data.orders.filter((o) => o.customerId === customer);
    const base = theirs[0];
    // 12 versions of one order (updatedAt one minute apart, total changing), delivered shuffled.
    const versions = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      updatedAt: new Date(Date.parse(base.updatedAt) + (i + 1) * 60_000).toISOString(),
      totalPrice: (100 + i).toFixed(2),
    }));
    const shuffled = versions
      .map((v, i) => ({ v, k: (i * 7) % 12 }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.v);
    // Plus 10 new orders of the same customer at the same moment.
    const fresh = Array.from({ length: 10 }, (_, i) => ({
      ...base,
      id: `gid://shopify/Order/${900000 + i}`,
      lineItems: base.lineItems.map((l, j) => ({ ...l, id: `gid://shopify/LineItem/${900000 + i * 10 + j}` })),
    }));
    const deliveries = [
      ...shuffled.map((o, i) => ({ topic: "orders/updated", payload: orderWebhookPayload(o), webhookId: `u-${i}` })),
      ...fresh.map((o, i) => ({ topic: "orders/create", payload: orderWebhookPayload(o), webhookId: `c-${i}` })),
    ];
    const results = await Promise.all(deliveries.map((d) => receiveOrderWebhook(t.db, { shop: A, ...d })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const stored = await t.db.order.findUnique({ where: { shop_id: { shop: A, id: base.id } } });
    expect(stored?.totalAmount).toBe(111);
    expect(stored?.sourceUpdatedAt.toISOString()).toBe(versions[11].updatedAt);
    expect(await t.db.order.count({ where: { shop: A, id: { in: fresh.map((o) => o.id) } } })).toBe(10);
    expect(await t.db.lineItem.count({ where: { shop: A, orderId: base.id } })).toBe(base.lineItems.length);
  });
});
