/**
 * Fault injection, against the stand-in: each scenario ends with correct data and nothing lost, and the
 * suite prints what it survived. (The worker killed mid-publish is test/integration/publish/crash-resume.test.ts;
 * forged and malformed webhooks through the routes are test/integration/webhooks/routes.test.ts.)
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "../../../app/db.server";
import { InProcessQueue } from "../../../app/jobs/runtime/queue.server";
import { runSync } from "../../../app/jobs/sync/run.server";
import { runAnalyze } from "../../../app/jobs/analyze/run.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { receiveOrderWebhook } from "../../../app/webhooks/orders.server";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import type { StandinShopData } from "../../../packages/shopify-standin/src/types";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { parseDetails } from "../../../app/models/sync-runs.server";
import { desiredTags, type TagScore } from "../../../app/shopify/tags";
import { createTestDb } from "../../helpers/db";

const SHOP = "faulty-shop.myshopify.com";
const survived: string[] = [];
afterAll(() => {
  console.log(
    `\nfault suite: survived ${survived.length} scenario(s)\n${survived.map((s) => `  - ${s}`).join("\n")}\n`,
  );
});

async function setup(data: StandinShopData = generateDemoShop({ shop: SHOP, orders: 500, seed: 21 })) {
  const standin = await startStandin({
    shops: [structuredClone(data)],
    bulkMinMs: 30,
    bucketSize: 2000,
    restoreRate: 1000,
  });
  const t = await createTestDb("sqlite");
  const admin = createAdminClient({
    shop: SHOP,
    accessToken: standin.tokenFor(SHOP),
    apiBaseUrl: standin.url,
    baseDelayMs: 10,
    maxDelayMs: 100,
  });
  return {
    data,
    standin,
    t,
    admin,
    async close() {
      await standin.close();
      await t.cleanup();
    },
  };
}

/** Every order and line item as stored, in a comparable form. */
async function snapshot(db: Db) {
  const orders = await db.order.findMany({
    where: { shop: SHOP },
    orderBy: { id: "asc" },
    include: { lineItems: { orderBy: { id: "asc" } } },
  });
  return orders.map((o) => ({
    id: o.id,
    customerId: o.customerId,
    total: o.totalAmount,
    refunded: o.refundedAmount,
    test: o.test,
    cancelled: !!o.cancelledAt,
    items: o.lineItems.map((l) => [l.id, l.productId, l.quantity, l.currentQuantity, l.unitPrice]),
  }));
}

/** App tags by the rule in docs/tagging.md (written out here, not taken from the code under test). */
const isAppTagBySpec = (tag: string) =>
  /^churnless:(risk|segment|cluster|holdout|due)(:|$)/.test(tag.trim().toLowerCase());
/** The score's tags, checked exactly here; due-to-reorder and holdout tags have tests of their own. */
const isScoreTag = (tag: string) => /^churnless:(risk|segment|cluster):/.test(tag.trim().toLowerCase());

/**
 * Customers whose tags after the publish differ from what they must be: every merchant tag exactly as
 * the shop had it, and exactly the app tags their score asks for (risk, segment and cluster).
 */
function wrongTags(standin: Standin, before: StandinShopData, scores: Array<TagScore & { customerId: string }>) {
  const settings = { tagPrefix: "churnless", tagRisk: true, tagSegments: true, tagClusters: true };
  const scoreOf = new Map(scores.map((s) => [s.customerId, s]));
  const original = new Map(before.customers.map((c) => [c.id, c.tags]));
  const wrong: Array<{ id: string; tags: string[]; expected: string[] }> = [];
  for (const c of standin.state(SHOP).data.customers) {
    const score = scoreOf.get(c.id);
    const expected = [
      ...(original.get(c.id) ?? []).filter((t) => !isAppTagBySpec(t)),
      ...(score ? desiredTags(score, settings) : []),
    ];
    const actual = c.tags.filter((t) => !isAppTagBySpec(t) || isScoreTag(t));
    if (JSON.stringify([...actual].sort()) !== JSON.stringify(expected.sort()))
      wrong.push({ id: c.id, tags: c.tags, expected });
  }
  return wrong;
}

describe("fault injection", () => {
  let clean: Awaited<ReturnType<typeof snapshot>>;

  it("baseline: a clean full sync", async () => {
    const s = await setup();
    try {
      await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
      clean = await snapshot(s.t.db);
      expect(clean).toHaveLength(s.data.orders.length);
    } finally {
      await s.close();
    }
  });

  it(
    "20% THROTTLED, 5% 5xx and dropped connections during sync and publish: identical data, every tag right",
    { timeout: 240_000 },
    async () => {
      const s = await setup();
      try {
        s.standin.setFaults(SHOP, { throttledShare: 0.2, serverErrorShare: 0.05, connectionResetShare: 0.02, seed: 7 });
        await updateShopSettings(s.t.db, SHOP, { autoTag: true });
        const queue = new InProcessQueue({ db: s.t.db, admin: async () => s.admin }, { attempts: 1 });
        await queue.enqueue({ shop: SHOP, kind: "full-sync" });
        await queue.idle();
        expect(queue.failures).toEqual([]);
        expect(await snapshot(s.t.db)).toEqual(clean);
        const scores = await s.t.db.customerScore.findMany({
          where: { shop: SHOP },
          select: { customerId: true, riskBand: true, rfmSegment: true, clusterKey: true },
        });
        expect(scores.length).toBeGreaterThan(0);
        expect(wrongTags(s.standin, s.data, scores)).toEqual([]);
        // The publish did write (tags exist to check), and all three injected faults did fire.
        expect(s.standin.state(SHOP).data.customers.filter((c) => c.tags.some(isScoreTag)).length).toBe(scores.length);
        const calls = s.standin.calls(SHOP);
        const throttled = calls.filter((c) => c.throttled).length;
        const serverErrors = calls.filter((c) => c.status >= 500).length;
        const resets = calls.filter((c) => c.operation === "(connection reset)").length;
        expect(throttled).toBeGreaterThan(5);
        expect(serverErrors).toBeGreaterThan(0);
        expect(resets).toBeGreaterThan(0);
        expect(s.admin.stats.retries).toBeGreaterThanOrEqual(throttled + serverErrors + resets);
        const faulted = throttled + serverErrors + resets;
        survived.push(
          `${faulted} throttled/5xx/dropped answers out of ${calls.length} during sync + analyze + publish (${resets} dropped connections; client retried ${s.admin.stats.retries} times)`,
        );
      } finally {
        await s.close();
      }
    },
  );

  it.each(["FAILED", "EXPIRED", "CANCELED"] as const)(
    "a bulk export that ends %s is started again and completes",
    async (outcome) => {
      const s = await setup();
      try {
        s.standin.setFaults(SHOP, { bulkOutcome: outcome, bulkFailures: 1 });
        const r = await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
        expect(r.status).toBe("succeeded");
        // The fault fired: the first export ended so, the second completed.
        expect(
          s.standin
            .state(SHOP)
            .bulkOperations.filter((o) => o.type === "QUERY")
            .map((o) => o.status),
        ).toEqual([outcome, "COMPLETED"]);
        const details = parseDetails(await s.t.db.syncRun.findUniqueOrThrow({ where: { id: r.runId } }));
        expect(details.bulkAttempts).toBe(2);
        expect(await snapshot(s.t.db)).toEqual(clean);
        survived.push(`bulk export ${outcome} once, retried`);
      } finally {
        await s.close();
      }
    },
  );

  it("a partial export keeps what came, and the next sync brings the rest", async () => {
    const s = await setup();
    try {
      s.standin.setFaults(SHOP, { bulkOutcome: "PARTIAL", bulkFailures: 1 });
      const first = await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
      expect(first.partial).toBe(true);
      const partial = (await snapshot(s.t.db)).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(clean.length);
      await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
      expect(await snapshot(s.t.db)).toEqual(clean);
      survived.push(`partial export (${partial} of ${clean.length} orders), completed by the next sync`);
    } finally {
      await s.close();
    }
  });

  it("malformed JSONL lines are skipped and counted, every real order is stored", async () => {
    const s = await setup();
    try {
      s.standin.setFaults(SHOP, { malformedLines: 5, shuffleBulkLines: true, seed: 3 });
      const r = await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
      expect(r.skippedLines).toBe(5);
      const run = await s.t.db.syncRun.findFirst({ where: { shop: SHOP, kind: "full" } });
      expect(run?.skippedLines).toBe(5);
      expect(await snapshot(s.t.db)).toEqual(clean);
      survived.push("5 malformed JSONL lines in a shuffled export: skipped, counted, nothing else lost");
    } finally {
      await s.close();
    }
  });

  it("odd orders (guest, zero and negative totals, 300 line items, an unknown currency) are stored and analysed", async () => {
    const data = generateDemoShop({ shop: SHOP, orders: 300, seed: 4 });
    const template = data.orders.find((o) => o.customerId && !o.test && !o.cancelledAt && o.lineItems.length)!;
    const odd = (n: number, patch: Partial<typeof template>) => ({
      ...template,
      ...patch,
      id: `gid://shopify/Order/${800000 + n}`,
      name: `#odd${n}`,
      lineItems: (patch.lineItems ?? template.lineItems).map((l, i) => ({
        ...l,
        id: `gid://shopify/LineItem/${8000000 + n * 1000 + i}`,
      })),
    });
    const item = template.lineItems[0];
    data.orders.push(
      odd(1, { customerId: null }),
      odd(2, { totalPrice: "0.00", totalRefunded: "0.00" }),
      odd(3, { totalPrice: "-5.00", totalRefunded: "0.00" }),
      odd(4, {
        lineItems: Array.from({ length: 300 }, () => ({ ...item })),
        totalPrice: (300 * Number(item.unitPrice)).toFixed(2),
      }),
      odd(5, { currencyCode: "XXX" }),
    );
    const s = await setup(data);
    try {
      const r = await runSync(s.t.db, s.admin, SHOP, { kind: "full" });
      expect(r.status).toBe("succeeded");
      expect(await s.t.db.order.count({ where: { shop: SHOP } })).toBe(data.orders.length);
      expect(await s.t.db.lineItem.count({ where: { shop: SHOP, orderId: "gid://shopify/Order/800004" } })).toBe(300);
      const a = await runAnalyze(s.t.db, SHOP);
      expect(a.customers).toBeGreaterThan(0);
      const scores = await s.t.db.customerScore.findMany({ where: { shop: SHOP } });
      expect(
        scores.every((sc) => Number.isFinite(sc.churnProbability) && Number.isFinite(sc.clv12m) && sc.monetary >= 0),
      ).toBe(true);
      survived.push("odd orders: guest, zero total, negative total, 300 line items, currency XXX");
    } finally {
      await s.close();
    }
  });

  it(
    "the database unavailable for a while: the job fails, is retried with back-off, and completes",
    { timeout: 120_000 },
    async () => {
      const s = await setup();
      try {
        let down = true;
        let refused = 0;
        // A client whose every model call fails while "down", as when PostgreSQL restarts.
        const flaky = new Proxy(s.t.db, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown;
            if (typeof prop === "string" && !prop.startsWith("$") && value && typeof value === "object") {
              return new Proxy(value as object, {
                get(model, op) {
                  const fn = Reflect.get(model, op) as unknown;
                  if (typeof fn !== "function") return fn;
                  return (...args: unknown[]) => {
                    if (down) {
                      refused++;
                      return Promise.reject(new Error("Can't reach database server at 127.0.0.1:5432"));
                    }
                    return (fn as (...a: unknown[]) => unknown).apply(model, args);
                  };
                },
              });
            }
            if (prop === "$transaction" && down) return () => Promise.reject(new Error("Can't reach database server"));
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }) as Db;
        const queue = new InProcessQueue({ db: flaky, admin: async () => s.admin }, { attempts: 5, backoffMs: 300 });
        setTimeout(() => (down = false), 700);
        await queue.enqueue({ shop: SHOP, kind: "full-sync", only: true });
        await queue.idle();
        expect(queue.failures).toEqual([]);
        expect(refused).toBeGreaterThan(0);
        expect(await snapshot(s.t.db)).toEqual(clean);
        survived.push(`database down for 0.7 s (${refused} refused calls): job retried, data complete`);
      } finally {
        await s.close();
      }
    },
  );

  it("malformed webhook bodies are refused with a reason and lose nothing", async () => {
    const s = await setup();
    try {
      const bad: unknown[] = [
        null,
        "text",
        { id: "x" },
        { admin_graphql_api_id: "gid://shopify/Order/1", created_at: "not a date", line_items: "nope" },
      ];
      for (const [i, payload] of bad.entries()) {
        const r = await receiveOrderWebhook(s.t.db, {
          shop: SHOP,
          topic: "orders/create",
          payload,
          webhookId: `bad-${i}`,
        });
        expect(r.result).toBe("rejected");
      }
      expect(await s.t.db.order.count()).toBe(0);
      survived.push(`${bad.length} malformed order webhooks rejected, nothing stored`);
    } finally {
      await s.close();
    }
  });
});
