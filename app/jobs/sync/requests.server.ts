/**
 * A sync the merchant asks for (the Sync page): one sync at a time per shop. A queued or running run
 * refuses a new one (dead runs are reaped first, so a killed worker does not block syncing for good).
 */
import type { Db } from "../../db.server";
import { activeSyncRun } from "../../models/sync-runs.server";
import { enqueueJob } from "../runtime/queue.server";

export type SyncRequestKind = "full-sync" | "delta-sync";

export type SyncRequestResult =
  { started: true; jobId: string } | { started: false; reason: "already-running"; runId: string };

export async function requestSync(db: Db, shop: string, kind: SyncRequestKind): Promise<SyncRequestResult> {
  const active = await activeSyncRun(db, shop);
  if (active) return { started: false, reason: "already-running", runId: active.id };
  const { id } = await enqueueJob(shop, kind);
  return { started: true, jobId: id };
}
