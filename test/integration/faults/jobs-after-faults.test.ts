/**
 * Loose ends after faults, each as an operator would meet it:
 * - the merchant uninstalls while a sync runs (Shopify's signed app/uninstalled webhook, through the
 *   route): the job stops within the sync, its run says why, nothing is analysed or published, no retry;
 * - Redis loses its data (this test's own queue keys deleted, never the shared server's): the worker's
 *   upkeep puts every installed shop's schedule back from the shops table, closes runs whose process
 *   died, and the worker keeps taking jobs;
 * - a job whose worker stopped renewing its lock is picked up again by another, and both say so.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobData } from "../../../app/jobs/runtime/kinds";
import { createAdminClient } from "../../../app/shopify/client.server";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { callRoute, webhookRequest, withShopifyAppEnv } from "../../helpers/shopify-app";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";

const SECRET = "jobs-after-faults-secret";
const HOUR = 3_600_000;
const db = withShopifyAppEnv({ secret: SECRET });
const redisOn = await redisTestsEnabled();

/** What the library stores when a shop installs: its offline session; then the Shop row. */
async function install(shop: string, row: { refreshEveryHours?: number; autoTag?: boolean } = {}) {
  await db().db.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x", scope: "read_orders" },
  });
  await db().db.shop.create({ data: { shop, lastFullSyncAt: new Date(Date.now() - HOUR), ...row } });
}

/** Shopify's app/uninstalled delivery, signed as its documentation shows, through the app's route. */
async function uninstallWebhook(shop: string) {
  const { action } = await import("../../../app/routes/webhooks.app.uninstalled");
  const body = JSON.stringify({ id: 1, name: shop, domain: shop, myshopify_domain: shop });
  const res = (await callRoute(
    action,
    webhookRequest("app/uninstalled", shop, body, { secret: SECRET, webhookId: `uninstall-${shop}` }),
  )) as Response;
  expect(res.status).toBe(200);
}

describe("uninstall during a job", () => {
  const SHOP = "uninstall-mid-job.myshopify.com";
  let standin: Standin;
  beforeAll(async () => {
    standin = await startStandin({
      shops: [generateDemoShop({ shop: SHOP, orders: 300, seed: 23 })],
      bulkMinMs: 4_000, // the export runs long enough for the uninstall to land in it
      bucketSize: 20_000,
      restoreRate: 10_000,
    });
  });
  afterAll(async () => standin?.close());

  it(
    "stops the sync it is in, records why, never analyses or publishes, and is not retried",
    { timeout: 60_000 },
    async () => {
      await install(SHOP, { autoTag: true });
      await db().db.shop.update({ where: { shop: SHOP }, data: { previewSeenAt: new Date() } });
      const { InProcessQueue } = await import("../../../app/jobs/runtime/queue.server");
      const { runJob } = await import("../../../app/jobs/runtime/handlers.server");
      const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
      let attempts = 0;
      const steps: string[] = [];
      const queue = new InProcessQueue(
        { db: db().db, admin: async () => admin, beforeStep: (step) => void steps.push(step), uninstallCheckMs: 100 },
        {
          attempts: 3,
          backoffMs: 10,
          run: (ctx, data) => {
            attempts++;
            return runJob(ctx, data);
          },
        },
      );
      await queue.enqueue({ shop: SHOP, kind: "full-sync" });
      // The sync is exporting (its bulk operation runs on Shopify) when the merchant uninstalls.
      await vi.waitFor(
        async () =>
          expect(
            await db().db.syncRun.findFirst({ where: { shop: SHOP, kind: "full", status: "running" } }),
          ).toBeTruthy(),
        { timeout: 20_000, interval: 50 },
      );
      const uninstalledAt = Date.now();
      await uninstallWebhook(SHOP);
      await queue.idle();

      expect(attempts).toBe(1);
      expect(queue.failures).toHaveLength(1);
      expect(queue.failures[0].error).toMatch(/Stopped during the full-sync step: the app was uninstalled/);
      const runs = await db().db.syncRun.findMany({ where: { shop: SHOP } });
      expect(runs.map((r) => [r.kind, r.status])).toEqual([["full", "failed"]]);
      expect(runs[0].error).toMatch(/uninstalled/);
      // Stopped inside the export, not after it: no order was stored.
      expect(runs[0].ordersCount).toBe(0);
      expect(runs[0].finishedAt!.getTime()).toBeGreaterThanOrEqual(uninstalledAt);
      expect(steps).toEqual(["full-sync"]);
      expect(await db().db.analysis.count({ where: { shop: SHOP } })).toBe(0);
      const writes = standin
        .calls(SHOP)
        .filter((c) => /^(tagsAdd|tagsRemove|metafieldsSet|segmentCreate)/.test(c.operation));
      expect(writes).toEqual([]);
      await queue.close();
    },
  );

  it("a job queued before the uninstall does not start its first step after it", async () => {
    const shop = "uninstall-queued.myshopify.com";
    await install(shop);
    await uninstallWebhook(shop);
    const { runJob, AppUninstalledError } = await import("../../../app/jobs/runtime/handlers.server");
    const steps: string[] = [];
    await expect(
      runJob(
        {
          db: db().db,
          beforeStep: (s) => void steps.push(s),
          admin: async () => {
            throw new Error("no admin");
          },
        },
        { shop, kind: "delta-sync" },
      ),
    ).rejects.toBeInstanceOf(AppUninstalledError);
    expect(steps).toEqual([]);
  });
});

describe.skipIf(!redisOn)("Redis loses its data", () => {
  const queueName = `faults-${randomBytes(4).toString("hex")}`;
  const shops = ["redis-loss-a.myshopify.com", "redis-loss-b.myshopify.com"];
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteQueueKeys();
    redis?.disconnect();
  });

  /** This test's queue keys only (BullMQ keeps every key of a queue under `bull:<name>:`). */
  async function deleteQueueKeys(): Promise<number> {
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `bull:${queueName}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== "0");
    return deleted;
  }

  it(
    "the worker's upkeep puts the schedules back from the shops table, closes dead runs, and jobs still run",
    { timeout: 60_000 },
    async () => {
      for (const shop of shops) await install(shop, { refreshEveryHours: 12 });
      const { BullMqQueue } = await import("../../../app/jobs/runtime/queue.server");
      const { restoreSchedules, startMaintenance } = await import("../../../app/jobs/runtime/schedules.server");
      const { startWorker } = await import("../../../app/jobs/runtime/worker.server");
      const { createSyncRun, REAPED_ERROR, STALE_RUN_MS } = await import("../../../app/models/sync-runs.server");
      const queue = await BullMqQueue.connect(REDIS_URL, queueName);
      const ran: JobData[] = [];
      const worker = startWorker({
        db: db().db,
        redisUrl: REDIS_URL,
        queueName,
        run: async (_ctx, data) => {
          ran.push(data);
          return { shop: data.shop, steps: [] };
        },
      });
      const rounds: number[] = [];
      const stop = startMaintenance(db().db, queue, { everyMs: 200, onRound: (r) => rounds.push(r.reaped) });
      try {
        await restoreSchedules(db().db, queue);
        const mine = async () => (await queue.schedules()).map((s) => [s.shop, s.everyMs]).sort();
        expect(await mine()).toEqual(shops.map((s) => [s, 12 * HOUR]));

        // A run whose worker was killed: its heartbeat stopped long ago.
        const dead = await createSyncRun(db().db, shops[0], "delta", "running", { heartbeatMs: 3_600_000 });
        await db().db.syncRun.update({
          where: { id: dead.id },
          data: { heartbeatAt: new Date(Date.now() - STALE_RUN_MS - 60_000) },
        });

        expect(await deleteQueueKeys()).toBeGreaterThan(0); // Redis lost this queue's data
        expect(await queue.schedules()).toEqual([]);

        await vi.waitFor(async () => expect(await mine()).toEqual(shops.map((s) => [s, 12 * HOUR])), {
          timeout: 10_000,
          interval: 100,
        });
        await vi.waitFor(
          async () =>
            expect(await db().db.syncRun.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({
              status: "failed",
              error: REAPED_ERROR,
            }),
          { timeout: 10_000, interval: 100 },
        );
        // The first next run is kept from the shop's last sync, not pushed on by every round.
        const next = (await queue.schedules()).find((s) => s.shop === shops[0])!.nextRunAt!.getTime();
        await new Promise((r) => setTimeout(r, 500));
        expect((await queue.schedules()).find((s) => s.shop === shops[0])!.nextRunAt!.getTime()).toBe(next);

        // The worker kept listening through the loss.
        await queue.enqueue({ shop: shops[1], kind: "delta-sync" });
        await vi.waitFor(() => expect(ran).toContainEqual({ shop: shops[1], kind: "delta-sync" }), { timeout: 15_000 });
      } finally {
        stop();
        await worker.close();
        await queue.close();
      }
    },
  );

  it(
    "a job whose worker stopped renewing its lock is picked up again by another worker, and logged as such",
    { timeout: 60_000 },
    async () => {
      const { BullMqQueue } = await import("../../../app/jobs/runtime/queue.server");
      const { startWorker } = await import("../../../app/jobs/runtime/worker.server");
      const name = `${queueName}-stall`;
      const queue = await BullMqQueue.connect(REDIS_URL, name);
      const logged: string[] = [];
      const spy = vi
        .spyOn(console, "error")
        .mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
      let firstStarted = false;
      const first = startWorker({
        db: db().db,
        redisUrl: REDIS_URL,
        queueName: name,
        lockDuration: 1_000,
        stalledInterval: 500,
        run: (ctx) =>
          new Promise((_, reject) => {
            firstStarted = true;
            ctx.signal?.addEventListener("abort", () => reject(ctx.signal!.reason as Error));
          }),
      });
      const resumed: JobData[] = [];
      let second: ReturnType<typeof startWorker> | undefined;
      try {
        const { id } = await queue.enqueue({ shop: "stalled-shop.myshopify.com", kind: "delta-sync" });
        await vi.waitFor(() => expect(firstStarted).toBe(true), { timeout: 10_000 });
        // The first worker dies without a word: it stops renewing the job's lock.
        await first.worker.close(true);
        second = startWorker({
          db: db().db,
          redisUrl: REDIS_URL,
          queueName: name,
          lockDuration: 1_000,
          stalledInterval: 500,
          run: async (_ctx, data) => {
            resumed.push(data);
            return { shop: data.shop, steps: [] };
          },
        });
        await vi.waitFor(() => expect(resumed).toHaveLength(1), { timeout: 30_000, interval: 100 });
        expect(logged.some((l) => l.includes(`job ${id} stalled`))).toBe(true);
        expect(
          logged.some((l) =>
            new RegExp(
              `job ${id} \\(delta-sync for stalled-shop.myshopify.com\\) picked up again after it stalled 1 time`,
            ).test(l),
          ),
        ).toBe(true);
      } finally {
        spy.mockRestore();
        await second?.close();
        await first
          .close()
          .catch((error: Error) => console.warn(`[test] closing the stalled worker: ${error.message}`));
        await queue.raw
          .obliterate({ force: true })
          .catch((error: Error) => console.warn(`[test] removing the test queue's keys: ${error.message}`));
        await queue.close();
      }
    },
  );
});
