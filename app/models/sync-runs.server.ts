/**
 * Sync runs (the SyncRun table): one row per full/delta sync or import, with status and progress counts
 * the UI turns into a progress bar, the error in plain words when it failed, and details (warnings,
 * skipped-line reasons, timings, API cost) as JSON.
 */
import type { Db } from "../db.server";
import {
  readRunDetails,
  writePublishDetails,
  writeRunDetails,
  type PublishDetails,
  type RunDetails,
} from "./json-columns.server";

export type SyncKind = "full" | "delta" | "import";
/** Every kind of run in SyncRun: syncs and imports, and the analysis and publish jobs. */
export type RunKind = SyncKind | "analyze" | "publish" | "preview" | "remove-tags";
export type SyncStatus = "queued" | "running" | "succeeded" | "failed";

export interface SyncProgress {
  ordersCount?: number;
  lineItemsCount?: number;
  customersCount?: number;
  skippedLines?: number;
  expectedCount?: number | null;
  bulkOperationId?: string | null;
}

/** SyncRun.detailsJson (json-columns.server.ts RunDetails): warnings, problems, phase, counts and timings. */
export type SyncRunDetails = RunDetails;

export type SyncRunRow = Awaited<ReturnType<Db["syncRun"]["create"]>>;

/** How often the process running a sync run writes its heartbeat. */
export const HEARTBEAT_MS = 15_000;
/** A queued/running run without a heartbeat for this long lost its process (killed worker or server). */
export const STALE_RUN_MS = 5 * 60_000;
/** Runs written before heartbeats existed (heartbeatAt null) are reaped only after this long. */
export const STALE_UNTRACKED_RUN_MS = 6 * 3_600_000;
export const REAPED_ERROR =
  "The sync stopped without finishing: the process running it was stopped or crashed. Nothing is lost; start it again.";

const heartbeats = new Map<string, NodeJS.Timeout>();

/**
 * A new run, with a heartbeat this process writes every `heartbeatMs` until the run is finished (or is
 * no longer queued/running). A run whose heartbeat stops is reaped by reapStaleSyncRuns.
 */
export async function createSyncRun(
  db: Db,
  shop: string,
  kind: RunKind,
  status: SyncStatus = "running",
  opts: { heartbeatMs?: number } = {},
): Promise<SyncRunRow> {
  const run = await db.syncRun.create({
    data: { shop, kind, status, heartbeatAt: new Date(), detailsJson: writeRunDetails({ warnings: [], problems: [] }) },
  });
  const timer = setInterval(() => {
    db.syncRun
      .updateMany({ where: { id: run.id, status: { in: ["queued", "running"] } }, data: { heartbeatAt: new Date() } })
      .then((r) => {
        if (r.count === 0) stopHeartbeat(run.id);
      })
      .catch((error: unknown) =>
        console.error(`[sync-runs] heartbeat of ${run.id} (${shop}): ${(error as Error).message}`),
      );
  }, opts.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  heartbeats.set(run.id, timer);
  return run;
}

function stopHeartbeat(id: string) {
  clearInterval(heartbeats.get(id));
  heartbeats.delete(id);
}

/**
 * Marks failed the queued/running runs (of `shop`, or of every shop) whose heartbeat is older than
 * STALE_RUN_MS: their process is gone (a worker killed mid-job), and they would otherwise block every
 * new sync. Returns how many were reaped.
 */
export async function reapStaleSyncRuns(db: Db, shop?: string, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - STALE_RUN_MS);
  const r = await db.syncRun.updateMany({
    where: {
      ...(shop ? { shop } : {}),
      status: { in: ["queued", "running"] },
      OR: [
        { heartbeatAt: { lt: before } },
        { heartbeatAt: null, startedAt: { lt: new Date(now.getTime() - STALE_UNTRACKED_RUN_MS) } },
      ],
    },
    data: { status: "failed", error: REAPED_ERROR, finishedAt: now },
  });
  if (r.count > 0)
    console.error(`[sync-runs] reaped ${r.count} run(s)${shop ? ` of ${shop}` : ""} whose process was gone`);
  return r.count;
}

/** The shop's queued or running sync run after reaping dead ones (one sync at a time), or null. */
export async function activeSyncRun(db: Db, shop: string, now: Date = new Date()): Promise<SyncRunRow | null> {
  await reapStaleSyncRuns(db, shop, now);
  return db.syncRun.findFirst({ where: { shop, status: { in: ["queued", "running"] } } });
}

export async function updateSyncRun(
  db: Db,
  id: string,
  progress: SyncProgress & { status?: SyncStatus; details?: SyncRunDetails },
): Promise<void> {
  const { details, ...rest } = progress;
  await db.syncRun.update({
    where: { id },
    data: { ...rest, ...(details ? { detailsJson: writeRunDetails(details) } : {}) },
  });
}

type RunEnd = SyncProgress & { status: "succeeded" | "failed"; error?: string | null };

/** Ends a run (sync, analysis or publish): its heartbeat stops, its outcome and details are stored. */
async function finishRun(db: Db, id: string, end: RunEnd, detailsJson: string): Promise<SyncRunRow> {
  stopHeartbeat(id);
  return db.syncRun.update({ where: { id }, data: { ...end, detailsJson, finishedAt: new Date() } });
}

export async function finishSyncRun(
  db: Db,
  id: string,
  outcome: RunEnd & { details: SyncRunDetails },
): Promise<SyncRunRow> {
  const { details, ...rest } = outcome;
  return finishRun(db, id, rest, writeRunDetails(details));
}

/** Ends a publish's run with its counts and report (stored without its run id: the row's id). */
export async function finishPublishRun(
  db: Db,
  id: string,
  outcome: RunEnd & { details: PublishDetails & { runId?: string } },
): Promise<void> {
  const { details, ...rest } = outcome;
  await finishRun(db, id, rest, writePublishDetails(details));
}

/** A run's details (`{ warnings: [], problems: [] }` when malformed, logged). */
export function parseDetails(row: { id?: string; detailsJson: string }): SyncRunDetails {
  return readRunDetails(row.detailsJson, row.id ? `run ${row.id}` : undefined);
}

/** The newest runs of a shop (all kinds, or the given ones), newest first. */
export async function listSyncRuns(
  db: Db,
  shop: string,
  opts: { kinds?: SyncKind[]; limit?: number } = {},
): Promise<SyncRunRow[]> {
  return db.syncRun.findMany({
    where: { shop, ...(opts.kinds ? { kind: { in: opts.kinds } } : {}) },
    orderBy: { startedAt: "desc" },
    take: opts.limit ?? 10,
  });
}

export async function latestSyncRun(db: Db, shop: string, kinds?: SyncKind[]): Promise<SyncRunRow | null> {
  return (await listSyncRuns(db, shop, { kinds, limit: 1 }))[0] ?? null;
}

/** Share done (0..1) for a progress bar, when the expected count is known. */
export function progressOf(run: Pick<SyncRunRow, "status" | "ordersCount" | "expectedCount">): number | null {
  if (run.status === "succeeded") return 1;
  if (!run.expectedCount) return null;
  return Math.min(1, run.ordersCount / run.expectedCount);
}
