/**
 * The sync runs as the admin shows them (dashboard, sync page): one view per run with its progress, and
 * a failed run's error in plain words. The run's status values are sync-runs.server.ts's SyncStatus.
 */
import type { Db } from "../../db.server";
import type { SyncStatus } from "../../models/sync-runs.server";
import { readRunDetails } from "../../models/json-columns.server";
import { jobShare } from "../../models/job-progress";

export interface SyncRunView {
  id: string;
  kind: string;
  status: SyncStatus;
  ordersCount: number;
  lineItemsCount: number;
  customersCount: number;
  skippedLines: number;
  expectedCount: number | null;
  /**
   * The job's share done (0..1; job-progress.ts): monotone across its steps, so the analysis after a sync
   * starts where the sync ended. Null for a run that recorded no progress (nor an expected count).
   */
  progress: number | null;
  /** The run's place in its job (step 2 of 3), when it is a step of a longer job. */
  step: { index: number; count: number } | null;
  error: string | null;
  /** Plain-words notes the run left for the merchant (detailsJson.warnings). */
  warnings: string[];
  /** The job's step while it runs (detailsJson.phase: exporting, downloading, paging, products, done). */
  phase: string | null;
  /** Objects Shopify's bulk export has written so far (orders and their line items), while it exports. */
  bulkObjectCount: number | null;
  startedAt: string;
  finishedAt: string | null;
}

export function isActiveRun(status: string): boolean {
  return status === "queued" || status === "running";
}

function toRunView(run: Awaited<ReturnType<Db["syncRun"]["findFirst"]>>): SyncRunView | null {
  if (!run) return null;
  const details = readRunDetails(run.detailsJson, `run ${run.id}`);
  const job = details.job && details.job.steps.length > 0 ? details.job : null;
  const progress =
    run.status === "succeeded"
      ? 1
      : typeof details.progress === "number"
        ? jobShare({ steps: job?.steps ?? [run.kind], index: job?.index ?? 0, stepShare: details.progress })
        : run.expectedCount && run.expectedCount > 0
          ? Math.min(1, run.ordersCount / run.expectedCount)
          : null;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status as SyncStatus,
    ordersCount: run.ordersCount,
    lineItemsCount: run.lineItemsCount,
    customersCount: run.customersCount,
    skippedLines: run.skippedLines,
    expectedCount: run.expectedCount,
    progress,
    step: job && job.steps.length > 1 ? { index: job.index, count: job.steps.length } : null,
    error: run.error,
    warnings: details.warnings.slice(0, 5),
    phase: details.phase ?? null,
    bulkObjectCount: details.bulkObjectCount ?? null,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export async function listSyncRuns(db: Db, shop: string, take = 10): Promise<SyncRunView[]> {
  const runs = await db.syncRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
  return runs.map((r) => toRunView(r)).filter((r): r is SyncRunView => r !== null);
}

/** The shop's runs at a glance: the newest, the one in progress and the last that succeeded. */
export interface SyncOverview {
  latest: SyncRunView | null;
  /** The newest queued or running run, if any. */
  active: SyncRunView | null;
  lastSucceeded: SyncRunView | null;
}

export async function getSyncOverview(db: Db, shop: string): Promise<SyncOverview> {
  const [latest, active, lastSucceeded] = await Promise.all([
    db.syncRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    db.syncRun.findFirst({ where: { shop, status: { in: ["queued", "running"] } }, orderBy: { startedAt: "desc" } }),
    db.syncRun.findFirst({ where: { shop, status: "succeeded" }, orderBy: { startedAt: "desc" } }),
  ]);
  return { latest: toRunView(latest), active: toRunView(active), lastSucceeded: toRunView(lastSucceeded) };
}

/** A sync error in plain words, with what the merchant can do about it. */
export function explainSyncError(error: string): { title: string; action: string } {
  const e = error.toLowerCase();
  if (/throttl|429|rate limit/.test(e))
    return {
      title: "Shopify asked us to slow down and the sync ran out of retries.",
      action: "Start the sync again in a few minutes; it continues where it stopped.",
    };
  if (/no offline session|uninstall|not installed/.test(e))
    return {
      title: "The app is not installed on this store any more (or its access was revoked).",
      action: "Open the app from your Shopify admin to install it again, then start a full sync.",
    };
  if (/access denied|scope|forbidden|401|403|not approved|protected customer/.test(e))
    return {
      title: "Shopify refused access to some of your data.",
      action:
        "Approve the app's requested permissions in your Shopify admin (read orders and customers), then start the sync again.",
    };
  if (/expired/.test(e))
    return {
      title: "Shopify's export of your orders expired before we could read it.",
      action: "Start a full sync again; it asks Shopify for a fresh export.",
    };
  if (/bulk|failed|partial/.test(e))
    return {
      title: "Shopify could not finish exporting your orders.",
      action: "Start a full sync again. If it keeps failing, contact us with the time of this run.",
    };
  if (/5\d\d|timeout|timed out|econn|network|fetch failed|socket/.test(e))
    return {
      title: "Shopify could not be reached for a while.",
      action: "Nothing was lost. Start the sync again; it resumes from the last order saved.",
    };
  return {
    title: "The sync stopped with an unexpected error.",
    action: "Start the sync again. If it happens again, contact us and quote the message below.",
  };
}
