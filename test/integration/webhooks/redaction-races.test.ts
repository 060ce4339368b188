/**
 * Redaction wins over a job in progress. customers/redact and shop/redact arrive in the middle of a sync,
 * an analysis or a publish (after the step has read the data it will write back); when the job ends,
 * nothing of the redacted customer (orders, score, tag journal, Flow log, ids in the run details) or of
 * the redacted shop (any row, the Shop row included) is left, and a job after shop/redact re-creates nothing.
 * Nor does an order webhook Shopify delivers after the redaction (a retry or a late update).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../app/db.server";
import { runJob } from "../../../app/jobs/runtime/handlers.server";
import { upsertOrders } from "../../../app/models/orders.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { handleCustomersRedact, handleShopRedact } from "../../../app/webhooks/compliance.server";
import { receiveOrderWebhook } from "../../../app/webhooks/orders.server";
import { generateShop } from "../../helpers/generate-orders";
import { createTestDb, type TestDb } from "../../helpers/db";
import { adminFor } from "../publish/fixture";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { orderWebhookPayload, startStandin, type Standin } from "../../../packages/shopify-standin/src/server";

/**
 * The database as a job sees it, with `hook` run once right after the first call of `model.method`
 * (the job has read its data by then and will write back what it computed from it).
 */
function hooked(db: Db, model: string, method: string, hook: () => Promise<void>): Db {
  let fired = false;
  return new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== model) return typeof value === "function" ? value.bind(target) : value;
      return new Proxy(value as object, {
        get(delegate, name) {
          const fn = Reflect.get(delegate, name);
          if (name !== method || typeof fn !== "function") return typeof fn === "function" ? fn.bind(delegate) : fn;
          return async (...args: unknown[]) => {
            const result = await fn.apply(delegate, args);
            if (!fired) {
              fired = true;
              await hook();
            }
            return result;
          };
        },
      });
    },
  }) as Db;
}

const customerOf = (orders: Array<{ customerId: string | null }>) => {
  const counts = new Map<string, number>();
  for (const o of orders) if (o.customerId) counts.set(o.customerId, (counts.get(o.customerId) ?? 0) + 1);
  // A repeat customer, so the analysis scores them and the publish tags them.
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
};

async function leftovers(db: Db, shop: string, customerId: string) {
  const runs = await db.syncRun.findMany({ where: { shop }, select: { detailsJson: true } });
  return {
    orders: await db.order.count({ where: { shop, customerId } }),
    scores: await db.customerScore.count({ where: { shop, customerId } }),
    tagChanges: await db.tagChange.count({ where: { shop, customerId } }),
    flow: await db.flowTriggerLog.count({ where: { shop, customerId } }),
    runDetailsWithId: runs.filter((r) => r.detailsJson.includes(customerId)).length,
  };
}
const NONE = { orders: 0, scores: 0, tagChanges: 0, flow: 0, runDetailsWithId: 0 };

describe("customers/redact during a job", () => {
  let t: TestDb;
  const SHOP = "redact-race.myshopify.com";
  const AS_OF = new Date("2024-06-30T00:00:00Z");
  const data = generateShop({ customers: 120, seed: 11, end: AS_OF });
  const victim = customerOf(data.orders);
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await upsertOrders(t.db, SHOP, data.orders);
    await t.db.product.createMany({ data: data.products.map((p) => ({ shop: SHOP, ...p })) });
  });
  afterAll(async () => t?.cleanup());

  it("an analysis that read the orders before the redaction does not put the customer's score back", async () => {
    const db = hooked(t.db, "customerScore", "findMany", async () => {
      await handleCustomersRedact(t.db, SHOP, { customer: { id: victim.split("/").pop()! } });
    });
    const outcome = await runJob({ db }, { shop: SHOP, kind: "analyze", only: true });
    expect(outcome.steps.map((s) => s.step)).toEqual(["analyze"]);
    // The analysis did score other customers: the step ran to its end.
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBeGreaterThan(10);
    expect(await leftovers(t.db, SHOP, victim)).toEqual(NONE);
  });
});

describe("redaction during a sync and a publish (stand-in)", () => {
  let standin: Standin;
  let t: TestDb;
  const SHOP = "redact-sync.myshopify.com";
  const demo = generateDemoShop({ orders: 150, shop: SHOP, seed: 3 });
  const victim = customerOf(demo.orders.map((o) => ({ customerId: o.customerId ?? null })));
  const victimNumber = victim.split("/").pop()!;

  beforeAll(async () => {
    standin = await startStandin({ shops: [demo], bulkMinMs: 20, restoreRate: 10_000, bucketSize: 20_000 });
    t = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("a full sync that exports the customer's orders after customers/redact does not keep them", async () => {
    // The redaction arrives while the export runs (Shopify still lists the orders in it).
    const db = hooked(t.db, "syncRun", "create", async () => {
      await handleCustomersRedact(t.db, SHOP, { customer: { id: victimNumber } });
    });
    await runJob({ db, admin: async () => adminFor(standin, SHOP) }, { shop: SHOP, kind: "full-sync", only: true });
    expect(await t.db.order.count({ where: { shop: SHOP } })).toBeGreaterThan(50);
    expect(await leftovers(t.db, SHOP, victim)).toEqual(NONE);
  });

  it("a publish planned before the redaction leaves no journal rows or ids of the customer", async () => {
    // Score the customer again as if an older analysis had, then publish with auto-tag on.
    await t.db.customerRedaction.deleteMany({ where: { shop: SHOP } });
    await runJob(
      { db: t.db, admin: async () => adminFor(standin, SHOP) },
      { shop: SHOP, kind: "full-sync", only: true },
    );
    await runJob({ db: t.db }, { shop: SHOP, kind: "analyze", only: true });
    expect(await t.db.customerScore.count({ where: { shop: SHOP, customerId: victim } })).toBe(1);
    await updateShopSettings(t.db, SHOP, { autoTag: true });
    // The redaction arrives right after the publish read the scores.
    const db = hooked(t.db, "customerScore", "findMany", async () => {
      await handleCustomersRedact(t.db, SHOP, { customer: { id: victimNumber } });
    });
    const outcome = await runJob(
      { db, admin: async () => adminFor(standin, SHOP) },
      { shop: SHOP, kind: "publish", force: true },
    );
    const report = outcome.steps[0].result as { mode: string; tagsAdded: number };
    expect(report.mode).toBe("publish");
    expect(report.tagsAdded).toBeGreaterThan(0);
    expect(await leftovers(t.db, SHOP, victim)).toEqual(NONE);
  });
});

describe("shop/redact during a job, and a job after it", () => {
  let t: TestDb;
  const SHOP = "shop-redact-race.myshopify.com";
  const AS_OF = new Date("2024-06-30T00:00:00Z");
  const data = generateShop({ customers: 80, seed: 12, end: AS_OF });
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await upsertOrders(t.db, SHOP, data.orders);
    await t.db.product.createMany({ data: data.products.map((p) => ({ shop: SHOP, ...p })) });
    await t.db.shop.create({ data: { shop: SHOP } });
  });
  afterAll(async () => t?.cleanup());

  const rowsOf = async (shop: string) => {
    let total = 0;
    for (const model of [
      "order",
      "lineItem",
      "product",
      "customerScore",
      "segment",
      "syncRun",
      "analysis",
      "analysisSnapshot",
      "tagChange",
      "shop",
    ] as const) {
      const delegate = t.db[model] as unknown as { count(a: { where: { shop: string } }): Promise<number> };
      total += await delegate.count({ where: { shop } });
    }
    return total;
  };

  it("an analysis running when shop/redact arrives leaves nothing of the shop, and stops", async () => {
    const db = hooked(t.db, "customerScore", "findMany", async () => {
      await handleShopRedact(t.db, SHOP);
    });
    await expect(runJob({ db }, { shop: SHOP, kind: "analyze" })).rejects.toThrow(/redacted/);
    expect(await rowsOf(SHOP)).toBe(0);
  });

  it("a job after shop/redact refuses to run and does not re-create the shop row", async () => {
    await expect(runJob({ db: t.db }, { shop: SHOP, kind: "full-sync" })).rejects.toThrow(/redacted/);
    expect(await t.db.shop.count({ where: { shop: SHOP } })).toBe(0);
    expect(await rowsOf(SHOP)).toBe(0);
  });
});

describe("order webhooks delivered after a redaction (a retry, a late update)", () => {
  let t: TestDb;
  const SHOP = "late-hooks.myshopify.com";
  const data = generateDemoShop({ shop: SHOP, orders: 80, seed: 31 });
  const withCustomer = data.orders.filter((o) => o.customerId);
  const victim = customerOf(withCustomer);
  const [first, second] = withCustomer.filter((o) => o.customerId === victim);
  const bystander = withCustomer.find((o) => o.customerId !== victim)!;
  const numeric = (gid: string) => gid.split("/").pop()!;
  let n = 0;
  const deliver = (order: (typeof data.orders)[number], topic = "orders/updated") =>
    receiveOrderWebhook(t.db, {
      shop: SHOP,
      topic,
      webhookId: `late-${++n}`,
      payload: orderWebhookPayload(order),
    });
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(async () => t?.cleanup());

  it("after customers/redact, neither the named order nor another order of the customer is stored again", async () => {
    expect(second).toBeDefined();
    expect((await deliver(first, "orders/create")).result).toMatchObject({ outcome: "written" });
    await handleCustomersRedact(t.db, SHOP, {
      customer: { id: numeric(victim) },
      orders_to_redact: [numeric(first.id)],
    });
    expect(await t.db.order.count({ where: { shop: SHOP, customerId: victim } })).toBe(0);

    expect((await deliver(first)).result).toMatchObject({ orderId: first.id, outcome: "redacted" });
    expect((await deliver(second, "orders/create")).result).toMatchObject({ outcome: "redacted" });
    expect(await t.db.order.count({ where: { shop: SHOP, customerId: victim } })).toBe(0);
    expect(await t.db.order.count({ where: { shop: SHOP, id: { in: [first.id, second.id] } } })).toBe(0);
    // Another customer's order is stored as ever.
    expect((await deliver(bystander, "orders/create")).result).toMatchObject({ outcome: "written" });
    expect(await t.db.order.count({ where: { shop: SHOP, id: bystander.id } })).toBe(1);
  });

  it("after shop/redact nothing of the shop is stored again, not even the delivery's id", async () => {
    await handleShopRedact(t.db, SHOP);
    expect(await deliver(bystander)).toEqual({ status: 200, result: "redacted" });
    expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.webhookEvent.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.shop.count({ where: { shop: SHOP } })).toBe(0);
  });
});
