/**
 * Every installed shop's scheduled refresh (delta sync -> analyze -> publish, `refreshEveryHours`), kept
 * in step with who is installed:
 * - on install and re-install: `onInstalled` (app/shopify.server.ts, the library's afterAuth hook);
 * - when the app or a worker starts: `restoreSchedules`, because in-process timers die with the process
 *   and Redis may have lost or kept schedules the database disagrees with;
 * - on uninstall: the app/uninstalled webhook (`forgetShop`);
 * - when the merchant changes the interval: the Settings page;
 * - and every few minutes in each worker (`startMaintenance`), because Redis can lose its data while the
 *   processes run; the same round closes runs whose process died.
 * The first run after a restart is `refreshEveryHours` after the shop's last sync, or at once if that is past.
 */
import type { Db } from "../../db.server";
import { installedShops } from "../../models/shops.server";
import { reapStaleSyncRuns } from "../../models/sync-runs.server";
import type { JobQueue } from "./queue.server";

export interface RestoreReport {
  scheduled: string[];
  removed: string[];
}

/** Schedules every installed shop, and drops the schedules of shops that are not installed. */
export async function restoreSchedules(db: Db, queue: JobQueue): Promise<RestoreReport> {
  const report: RestoreReport = { scheduled: [], removed: [] };
  const shops = await installedShops(db);
  const installed = new Set(shops.map((s) => s.shop));
  for (const s of shops) {
    await queue.schedule(s.shop, s.refreshEveryHours, { lastRunAt: s.lastDeltaSyncAt ?? s.lastFullSyncAt });
    if (s.refreshEveryHours > 0) report.scheduled.push(s.shop);
  }
  for (const s of await queue.schedules()) {
    if (installed.has(s.shop)) continue;
    await queue.schedule(s.shop, 0);
    report.removed.push(s.shop);
  }
  return report;
}

declare global {
  // eslint-disable-next-line no-var
  var __churnlessSchedulesRestored: Promise<RestoreReport | null> | undefined;
}

/** restoreSchedules on the process's queue, once per process (the web server calls it at start). */
export function restoreSchedulesOnce(): Promise<RestoreReport | null> {
  globalThis.__churnlessSchedulesRestored ??= (async () => {
    try {
      const [{ default: db }, { getQueue }] = await Promise.all([import("../../db.server"), import("./queue.server")]);
      const queue = await getQueue();
      const report = await restoreSchedules(db, queue);
      // Without Redis this process runs the jobs: it closes the runs a killed predecessor left open. (With
      // Redis the workers do that, and keep the schedules in step: worker.ts.)
      if (!("raw" in queue)) startMaintenance(db, queue, { schedules: false });
      console.error(
        `[schedules] ${report.scheduled.length} shop(s) scheduled, ${report.removed.length} stale schedule(s) removed`,
      );
      return report;
    } catch (error) {
      console.error(`[schedules] restoring the refresh schedules failed: ${(error as Error).message}`);
      globalThis.__churnlessSchedulesRestored = undefined; // the next call tries again
      return null;
    }
  })();
  return globalThis.__churnlessSchedulesRestored;
}

/** How often a worker checks the schedules against the shops table and closes runs whose process died. */
export const MAINTENANCE_EVERY_MS = 5 * 60_000;

export interface MaintenanceReport extends RestoreReport {
  /** Runs left `running` by a process that died (their heartbeat stopped), now closed as failed. */
  reaped: number;
}

/**
 * One round of upkeep: every installed shop's refresh schedule is put back if the queue lost it (Redis
 * restarted empty, or its data was flushed) and stale ones are dropped (restoreSchedules), and runs whose
 * heartbeat stopped are closed (reapStaleSyncRuns), so nobody has to open the Sync page for that.
 */
export async function maintain(
  db: Db,
  queue: JobQueue,
  opts: { schedules?: boolean } = {},
): Promise<MaintenanceReport> {
  if (opts.schedules === false) return { scheduled: [], removed: [], reaped: await reapStaleSyncRuns(db) };
  const before = new Set((await queue.schedules()).map((s) => s.shop));
  const report = await restoreSchedules(db, queue);
  const restored = report.scheduled.filter((shop) => !before.has(shop));
  if (restored.length)
    console.error(
      `[schedules] ${restored.length} refresh schedule(s) were missing from the queue and were put back: ${restored.slice(0, 5).join(", ")}${restored.length > 5 ? ", ..." : ""}`,
    );
  const reaped = await reapStaleSyncRuns(db);
  return { ...report, reaped };
}

/** Runs `maintain` every `everyMs` until stopped; a failed round is logged and the next one tries again. */
export function startMaintenance(
  db: Db,
  queue: JobQueue,
  opts: {
    everyMs?: number;
    /** False: only close dead runs (an in-process queue's timers live and die with the process). */
    schedules?: boolean;
    onRound?: (report: MaintenanceReport) => void;
  } = {},
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow round (Redis away) is not stacked
    running = true;
    maintain(db, queue, { schedules: opts.schedules })
      .then((report) => opts.onRound?.(report))
      .catch((error: unknown) =>
        console.error(`[schedules] upkeep round failed: ${(error as Error)?.message ?? error}; trying again later`),
      )
      .finally(() => (running = false));
  }, opts.everyMs ?? MAINTENANCE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
