/**
 * The scheduled refresh follows the shop's installation, on both runners: install -> schedule exists;
 * restart -> still there (in-process timers die with the process and are set again from the database;
 * Redis keeps BullMQ's, and restoring does not move their next run); uninstall (Shopify's webhook) ->
 * gone, and a restart does not bring it back; reinstall -> back. The first run after a restart is one
 * interval after the shop's last sync, at once when that is past, and it does run.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { callRoute, webhookRequest, withShopifyAppEnv } from "../../helpers/shopify-app";
import type { JobData } from "../../../app/jobs/runtime/kinds";

const SECRET = "schedules-secret";
const HOUR = 3_600_000;
const db = withShopifyAppEnv({ secret: SECRET });

/** What the library stores when a shop installs (its offline session), then the afterAuth hook. */
async function install(shop: string, lastFullSyncAt: Date) {
  const t = db();
  await t.db.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x", scope: "read_orders" },
    update: {},
  });
  // A shop that already had its first sync: the install then only schedules (no job to run here).
  await t.db.shop.upsert({ where: { shop }, create: { shop, lastFullSyncAt }, update: { lastFullSyncAt } });
  const { onInstalled } = await import("../../../app/shopify.server");
  await onInstalled(shop);
}

async function uninstall(shop: string) {
  const { action } = await import("../../../app/routes/webhooks.app.uninstalled");
  const body = JSON.stringify({ id: 1, name: shop, domain: shop, myshopify_domain: shop });
  const res = (await callRoute(
    action,
    webhookRequest("app/uninstalled", shop, body, { secret: SECRET, webhookId: `uninstall-${shop}-${Date.now()}` }),
  )) as Response;
  expect(res.status).toBe(200);
}

const mine = (shop: string) => (list: Array<{ shop: string }>) => list.filter((s) => s.shop === shop);

describe("in-process queue", () => {
  const SHOP = "schedule-inproc.myshopify.com";

  it("install -> scheduled; restart -> set again from the last sync; uninstall -> gone for good; reinstall -> back", async () => {
    const { getQueue, InProcessQueue } = await import("../../../app/jobs/runtime/queue.server");
    const { restoreSchedules } = await import("../../../app/jobs/runtime/schedules.server");
    const lastSync = new Date(Date.now() - 3 * HOUR);
    await install(SHOP, lastSync);
    const queue = await getQueue();
    expect(mine(SHOP)(await queue.schedules())).toEqual([
      { shop: SHOP, everyMs: 24 * HOUR, nextRunAt: new Date(lastSync.getTime() + 24 * HOUR) },
    ]);

    // Restart: a new process has no timers until the start-up restore.
    const restarted = new InProcessQueue({ db: db().db });
    expect(await restarted.schedules()).toEqual([]);
    const report = await restoreSchedules(db().db, restarted);
    expect(report.scheduled).toContain(SHOP);
    expect(mine(SHOP)(await restarted.schedules())).toEqual([
      { shop: SHOP, everyMs: 24 * HOUR, nextRunAt: new Date(lastSync.getTime() + 24 * HOUR) },
    ]);

    await uninstall(SHOP);
    expect(mine(SHOP)(await queue.schedules())).toEqual([]);
    // The restarted process learns it too: its stale timer goes, and nothing comes back.
    expect((await restoreSchedules(db().db, restarted)).removed).toEqual([SHOP]);
    expect(mine(SHOP)(await restarted.schedules())).toEqual([]);

    await install(SHOP, lastSync);
    expect(mine(SHOP)(await queue.schedules())).toHaveLength(1);
    await restarted.close();
  });

  it("a refresh overdue at start runs at once, then every interval", async () => {
    const { InProcessQueue } = await import("../../../app/jobs/runtime/queue.server");
    const ran: Array<{ data: JobData; at: number }> = [];
    const queue = new InProcessQueue(
      { db: db().db },
      { run: async (_ctx, data) => (ran.push({ data, at: Date.now() }), { shop: data.shop, steps: [] }) },
    );
    const start = Date.now();
    await queue.schedule("due.myshopify.com", 0.5 / 3600, { lastRunAt: new Date(start - HOUR) }); // every 0.5 s, last run an hour ago
    await new Promise((r) => setTimeout(r, 1_300));
    await queue.close();
    expect(ran.map((r) => r.data)).toContainEqual({ shop: "due.myshopify.com", kind: "refresh" });
    expect(ran[0].at - start).toBeLessThan(300);
    expect(ran.length).toBeGreaterThanOrEqual(2);
  });
});

const haveRedis = await redisTestsEnabled();

describe.skipIf(!haveRedis)("BullMQ queue on Redis", () => {
  const SHOP = "schedule-bullmq.myshopify.com";
  const url = `${REDIS_URL}/12`; // a database of its own, emptied before and after
  afterAll(async () => {
    const r = new Redis(url);
    await r.flushdb();
    r.disconnect();
  });

  it("install -> scheduled; restart -> kept with the same next run; uninstall -> gone; reinstall -> back", async () => {
    const flush = new Redis(url);
    await flush.flushdb();
    flush.disconnect();
    process.env.REDIS_URL = url;
    vi.resetModules();
    try {
      const { getQueue, closeQueue, BullMqQueue } = await import("../../../app/jobs/runtime/queue.server");
      const { restoreSchedules } = await import("../../../app/jobs/runtime/schedules.server");
      const lastSync = new Date(Date.now() - 3 * HOUR);
      await install(SHOP, lastSync);
      const queue = await getQueue();
      expect(queue).toBeInstanceOf(BullMqQueue);
      const first = mine(SHOP)(await queue.schedules());
      expect(first).toEqual([{ shop: SHOP, everyMs: 24 * HOUR, nextRunAt: new Date(lastSync.getTime() + 24 * HOUR) }]);

      // Restart: the app's queue goes away, Redis keeps the scheduler; restoring keeps its next run.
      await closeQueue();
      const restarted = await BullMqQueue.connect(url);
      expect(mine(SHOP)(await restarted.schedules())).toEqual(first);
      expect((await restoreSchedules(db().db, restarted)).scheduled).toContain(SHOP);
      expect(mine(SHOP)(await restarted.schedules())).toEqual(first);

      await uninstall(SHOP);
      expect(mine(SHOP)(await restarted.schedules())).toEqual([]);
      expect((await restoreSchedules(db().db, restarted)).scheduled).not.toContain(SHOP);
      expect(mine(SHOP)(await restarted.schedules())).toEqual([]);

      await install(SHOP, lastSync);
      expect(mine(SHOP)(await restarted.schedules())).toHaveLength(1);

      // A schedule whose shop is not installed (the uninstall webhook was missed) goes at the next start.
      await restarted.schedule("ghost.myshopify.com", 24);
      expect((await restoreSchedules(db().db, restarted)).removed).toEqual(["ghost.myshopify.com"]);

      // An overdue schedule puts a refresh job in the queue at once.
      await restarted.schedule("due.myshopify.com", 24, { lastRunAt: new Date(Date.now() - 48 * HOUR) });
      const jobs = await restarted.raw.getJobs(["waiting", "delayed", "prioritized"]);
      const due = jobs.find((j) => (j.data as JobData).shop === "due.myshopify.com");
      expect(due?.data).toEqual({ shop: "due.myshopify.com", kind: "refresh" });
      expect(due!.opts.delay ?? 0).toBeLessThan(1_000);
      await restarted.close();
      await closeQueue();
    } finally {
      delete process.env.REDIS_URL;
    }
  });
});
