/**
 * What the Sync page shows: the runs at a glance, the newest runs with failed ones explained in plain
 * words, and when the shop last synced and analysed. Dead runs (their worker was killed) are reaped first,
 * so they show as failed, not running forever.
 */
import type { Db } from "../../db.server";
import { shopSyncTimes } from "../../models/shops.server";
import { reapStaleSyncRuns } from "../../models/sync-runs.server";
import { explainSyncError, getSyncOverview, listSyncRuns } from "./sync-view.server";

export async function syncPage(db: Db, shop: string, take = 15) {
  await reapStaleSyncRuns(db, shop);
  const [status, runs, times] = await Promise.all([
    getSyncOverview(db, shop),
    listSyncRuns(db, shop, take),
    shopSyncTimes(db, shop),
  ]);
  return {
    status,
    runs: runs.map((r) => ({ ...r, explained: r.status === "failed" && r.error ? explainSyncError(r.error) : null })),
    lastFullSyncAt: times?.lastFullSyncAt?.toISOString() ?? null,
    lastDeltaSyncAt: times?.lastDeltaSyncAt?.toISOString() ?? null,
    lastAnalysisAt: times?.lastAnalysisAt?.toISOString() ?? null,
    historyLimited: times?.historyLimited ?? false,
  };
}
