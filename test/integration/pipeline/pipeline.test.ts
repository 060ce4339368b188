/**
 * The whole pipeline for one shop, against the local Shopify stand-in: full sync (bulk query) ->
 * analyze -> publish, run by the in-process queue, on SQLite and PostgreSQL; and the same jobs run by
 * `npm run worker` in a second process through BullMQ on the real Redis.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { InProcessQueue, BullMqQueue } from "../../../app/jobs/runtime/queue.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { isAppTag } from "../../../app/shopify/tags";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";

const SHOP = "pipeline-shop.myshopify.com";
const kinds = await databaseKinds();

/** Tags a customer has in the stand-in, split into the app's and the merchant's. */
function tagsOf(standin: Standin, prefix: string) {
  const out = new Map<string, { app: string[]; merchant: string[] }>();
  for (const c of standin.state(SHOP).data.customers) {
    out.set(c.id, {
      app: c.tags.filter((t) => isAppTag(t, prefix)).sort(),
      merchant: c.tags.filter((t) => !isAppTag(t, prefix)).sort(),
    });
  }
  return out;
}

describe.each(kinds)("pipeline on %s", (kind) => {
  let standin: Standin;
  let t: TestDb;
  const data = generateDemoShop({ shop: SHOP, orders: 1200, seed: 11 });
  const merchantTagsBefore = new Map(data.customers.map((c) => [c.id, [...c.tags].sort()]));

  beforeAll(async () => {
    // A Shopify Plus-sized bucket: this test is about the pipeline, the throttling has its own tests.
    standin = await startStandin({
      shops: [structuredClone(data)],
      bulkMinMs: 50,
      bucketSize: 2000,
      restoreRate: 1000,
    });
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it(
    "a full-sync job syncs every order once, scores the customers and tags them, leaving merchant tags alone",
    { timeout: 240_000 },
    async () => {
      const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
      await updateShopSettings(t.db, SHOP, { autoTag: true });
      const queue = new InProcessQueue({ db: t.db, admin: async () => admin }, { attempts: 1 });
      await queue.enqueue({ shop: SHOP, kind: "full-sync" });
      await queue.idle();
      expect(queue.failures).toEqual([]);

      const runs = await t.db.syncRun.findMany({ where: { shop: SHOP }, orderBy: { startedAt: "asc" } });
      expect(runs.map((r) => [r.kind, r.status])).toEqual([
        ["full", "succeeded"],
        ["analyze", "succeeded"],
        ["publish", "succeeded"],
      ]);
      expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(data.orders.length);
      const scores = await t.db.customerScore.findMany({ where: { shop: SHOP } });
      const buyers = new Set(
        data.orders.filter((o) => o.customerId && !o.test && !o.cancelledAt).map((o) => o.customerId),
      );
      expect(scores.length).toBeGreaterThan(0);
      expect(scores.length).toBeLessThanOrEqual(buyers.size);

      // Shopify's own RFM group, read during the publish, is kept beside ours.
      const groups = new Map(standin.state(SHOP).data.customers.map((c) => [c.id, c.rfmGroup ?? null]));
      expect(scores.filter((s) => s.shopifyRfmGroup !== null).length).toBeGreaterThan(0);
      for (const s of scores) expect(s.shopifyRfmGroup).toBe(groups.get(s.customerId));

      const tags = tagsOf(standin, "churnless");
      for (const s of scores) {
        const got = tags.get(s.customerId)!;
        expect(got.app).toContain(`churnless:risk:${s.riskBand}`);
        expect(got.merchant).toEqual(merchantTagsBefore.get(s.customerId));
      }
    },
  );
});

const haveRedis = await redisTestsEnabled();

describe.skipIf(!haveRedis)("npm run worker in a second process", () => {
  it("processes a shop's jobs from the BullMQ queue and stops gracefully on SIGTERM", async () => {
    const standin = await startStandin({
      shops: [generateDemoShop({ shop: SHOP, orders: 400, seed: 5 })],
      bulkMinMs: 50,
    });
    const t = await createTestDb("sqlite");
    const queueName = `churnless-jobs`;
    const redisDb = 9; // keep the test's queue away from a developer's real one
    const redisUrl = `${REDIS_URL}/${redisDb}`;
    const flush = new Redis(redisUrl);
    await flush.flushdb();
    try {
      await t.db.session.create({
        data: {
          id: `offline_${SHOP}`,
          shop: SHOP,
          state: "x",
          isOnline: false,
          accessToken: standin.tokenFor(SHOP),
          scope: "read_orders",
        },
      });
      const queue = await BullMqQueue.connect(redisUrl, queueName);
      await queue.enqueue({ shop: SHOP, kind: "full-sync" });
      await queue.close();

      const worker = spawn(process.execPath, ["--import", "tsx", "app/jobs/runtime/worker.ts"], {
        env: {
          ...process.env,
          REDIS_URL: redisUrl,
          DATABASE_URL: t.url,
          SHOPIFY_ADMIN_API_BASE_URL: standin.url,
          // The worker renews shops' offline tokens through the Shopify library: it needs the app's credentials.
          SHOPIFY_API_KEY: "worker-api-key",
          SHOPIFY_API_SECRET: "worker-api-secret",
          SHOPIFY_APP_URL: "https://churnless.example.com",
          WORKER_ID: randomBytes(3).toString("hex"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      worker.stdout.on("data", (d) => (log += d));
      worker.stderr.on("data", (d) => (log += d));
      const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));

      const until = Date.now() + 90_000;
      let runs: Array<{ kind: string; status: string }> = [];
      while (Date.now() < until) {
        runs = await t.db.syncRun.findMany({
          where: { shop: SHOP },
          select: { kind: true, status: true },
          orderBy: { startedAt: "asc" },
        });
        if (runs.some((r) => r.kind === "preview" || r.kind === "publish") && runs.every((r) => r.status !== "running"))
          break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(
        runs.map((r) => [r.kind, r.status]),
        log,
      ).toEqual([
        ["full", "succeeded"],
        ["analyze", "succeeded"],
        ["preview", "succeeded"], // auto-tag is off by default: the worker previews, writes nothing
      ]);
      expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(standin.state(SHOP).data.orders.length);

      worker.kill("SIGTERM");
      expect(await exited, log).toBe(0);
    } finally {
      await flush.flushdb();
      flush.disconnect();
      await standin.close();
      await t.cleanup();
    }
  }, 150_000);
});
