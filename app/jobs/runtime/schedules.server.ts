/**
 * Every installed shop's scheduled refresh (delta sync -> analyze -> publish, `refreshEveryHours`), kept
 * in step with who is installed:
 * - on install and re-install: `onInstalled` (app/shopify.server.ts, the library's afterAuth hook);
 * - when the app or a worker starts: `restoreSchedules`, because in-process timers die with the process
 *   and Redis may have lost or kept schedules the database disagrees with;
 * - on uninstall: the app/uninstalled webhook (`forgetShop`);
 * - when the merchant changes the interval: the Settings page.
 * The first run after a restart is `refreshEveryHours` after the shop's last sync, or at once if that is past.
 */
import type { Db } from "../../db.server";
import { installedShops } from "../../models/shops.server";
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
      const report = await restoreSchedules(db, await getQueue());
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
