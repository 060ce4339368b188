/**
 * Journal: what makes a crashed publish safe to finish. Tag changes are written as pending TagChange rows
 * BEFORE anything is sent and marked done / failed as Shopify answers (app/models/tag-changes.server.ts);
 * each Flow trigger is recorded before it is sent (FlowTriggerLog, app/models/publish-journal.server.ts).
 * The next publish sends what is still pending (tagsAdd and tagsRemove are idempotent, so a change that
 * reached Shopify before the crash is not doubled) and never sends a trigger twice.
 */
import type { Db } from "../../db.server";
import {
  closeInterruptedPublish,
  finishFlowTrigger,
  recordFlowTrigger,
  type FlowTriggerEntry,
} from "../../models/publish-journal.server";
import { updateSyncRun } from "../../models/sync-runs.server";
import {
  changeMarker,
  pendingChanges,
  recordPlan,
  skipStaleChanges,
  unfinishedRuns,
  type PlanContext,
  type PlannedChange,
} from "../../models/tag-changes.server";
import type { FlowReport } from "../../shopify/flow.server";
import {
  writeTagsBulk,
  writeTagsSmall,
  type BulkOptions,
  type TagWrite,
  type TagWriteResult,
} from "../../shopify/tag-writer.server";
import type { AdminGraphql } from "../../shopify/types";
import type { ResumeReport } from "./types";

export interface SendOptions {
  /** Customer writes above which one bulk mutation per action is used. */
  bulkThreshold: number;
  bulk?: BulkOptions;
  concurrency?: number;
  /** Journal marks per statement (PublishOptions.markBatch). */
  markBatch?: number;
}

export interface SendOutcome {
  path: "none" | "small" | "bulk";
  bulkOperationIds: string[];
  /** Shopify's answer to every write, in the order they came. */
  results: TagWriteResult[];
}

/**
 * Sends tag writes the small or the bulk way and marks each journal row of run `runId` done or failed as
 * Shopify answers. Marks are flushed in batches: a crash loses at most one batch of marks, and those
 * changes are sent again by the next publish, which tagsAdd / tagsRemove make harmless. A bulk-sized plan
 * marks in larger steps (500) than a small one (25).
 */
export async function sendJournaled(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  runId: string,
  writes: readonly TagWrite[],
  opts: SendOptions & {
    /** Lost the lock: stop sending after the current answer is marked (the rest stays pending). */
    signal?: AbortSignal;
    onBulkStarted?: (bulkOperationId: string) => Promise<void>;
    /** After each answer: the writes answered so far, of all. */
    onAnswered?: (answered: number, of: number) => Promise<void>;
  },
): Promise<SendOutcome> {
  if (!writes.length) return { path: "none", bulkOperationIds: [], results: [] };
  const bulk = writes.length > opts.bulkThreshold;
  const marker = changeMarker(db, shop, runId, opts.markBatch ?? (bulk ? 500 : 25));
  const results: TagWriteResult[] = [];
  const onResult = async (r: TagWriteResult) => {
    await marker.mark({ change: r.write, status: r.ok ? "done" : "failed", error: r.error });
    results.push(r);
    await opts.onAnswered?.(results.length, writes.length);
    opts.signal?.throwIfAborted();
  };
  try {
    if (!bulk) {
      await writeTagsSmall(admin, writes, onResult, { concurrency: opts.concurrency });
      return { path: "small", bulkOperationIds: [], results };
    }
    const outcome = await writeTagsBulk(admin, writes, onResult, {
      ...opts.bulk,
      onStarted: async (id) => opts.onBulkStarted?.(id),
    });
    // Lines the bulk operation did not answer (failed or partial operation) go the small way.
    if (outcome.missing.length)
      await writeTagsSmall(admin, outcome.missing, onResult, { concurrency: opts.concurrency });
    return { path: "bulk", bulkOperationIds: outcome.bulkOperationIds, results };
  } finally {
    // Whatever happened, the answers received are marked (a crash here is the one-batch case above).
    await marker.flush();
  }
}

/**
 * Journals the whole plan of run `runId` as pending rows BEFORE anything is sent. Every row carries the
 * prefix and the analysis it was computed for (`context`): that is what lets a later publish tell a change
 * it may replay from a stale one. The run's expected count is the plan's size (the UI's progress bar).
 */
export async function journalPlan(
  db: Db,
  shop: string,
  runId: string,
  writes: readonly TagWrite[],
  context: PlanContext,
): Promise<void> {
  const planned: PlannedChange[] = writes.flatMap((w) =>
    w.tags.map((tag) => ({ customerId: w.customerId, tag, action: w.action })),
  );
  await recordPlan(db, shop, runId, planned, context);
  await updateSyncRun(db, runId, { expectedCount: planned.length });
}

/**
 * Finishes what interrupted publishes left pending (oldest run first), then closes their runs. Only ever
 * called by a publish or an undo that writes: a preview never sends anything, not even a resumed change.
 */
export async function resumeInterrupted(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  runId: string,
  context: PlanContext,
  opts: SendOptions,
): Promise<ResumeReport> {
  const resumed: ResumeReport = { runIds: [], applied: 0, failed: 0, skipped: 0 };
  for (const oldRunId of await unfinishedRuns(db, shop)) {
    if (oldRunId === runId) continue;
    // Crash-resume rule: never replay a change computed for another prefix or another (older) analysis,
    // or whose context is unknown. Those rows are marked skipped here, BEFORE the pending ones are read;
    // this publish's own diff decides those customers afresh from Shopify's current tags.
    resumed.skipped += await skipStaleChanges(db, shop, oldRunId, context);
    // What is left was planned for this very prefix and analysis (and only ever holds app tags: the
    // journal is written from diffTags' output). Redaction deletes a redacted customer's rows, so they
    // are not here either.
    const pending = await pendingChanges(db, shop, oldRunId);
    resumed.runIds.push(oldRunId);
    // The bulk operation of a resumed change is not recorded on any run (the old run is being closed).
    const sent = await sendJournaled(db, admin, shop, oldRunId, pending, opts);
    for (const r of sent.results) {
      if (r.ok) resumed.applied += r.write.tags.length;
      else resumed.failed += r.write.tags.length;
    }
    await closeInterruptedPublish(db, shop, oldRunId, runId);
  }
  return resumed;
}

export type FlowTrigger = FlowTriggerEntry["trigger"];

/**
 * Sends one Flow trigger at most once per analysis, customer and new value. The trigger is recorded as
 * "sending" BEFORE it is sent, then "sent" or "failed". A trigger already recorded is not sent again,
 * whatever its status: "sending" means a crash came between recording and Shopify's answer, and sending
 * once more could run the merchant's workflow twice. `send` reports into `report` (flow.server.ts).
 */
export async function sendTriggerOnce(
  db: Db,
  trigger: Omit<FlowTriggerEntry, "key" | "analysisId"> & { analysisId: string | null; handle: string; value: string },
  report: FlowReport,
  send: () => Promise<void>,
): Promise<"sent" | "already-sent" | "not-in-use"> {
  // A trigger no workflow uses is not sent (send() counts it as skipped): nothing to journal.
  if (!report.inUse.includes(trigger.handle)) {
    await send();
    return "not-in-use";
  }
  const analysisId = trigger.analysisId ?? "none";
  const key = `${analysisId}|${trigger.trigger}|${trigger.customerId}|${trigger.value}`;
  const recorded = await recordFlowTrigger(db, {
    shop: trigger.shop,
    key,
    analysisId,
    customerId: trigger.customerId,
    trigger: trigger.trigger,
  });
  if (recorded === "recorded-before") return "already-sent";
  const errorsBefore = report.errors.length;
  await send();
  await finishFlowTrigger(db, trigger.shop, key, report.errors.length > errorsBefore ? report.errors.at(-1)! : null);
  return "sent";
}
