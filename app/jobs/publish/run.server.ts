/**
 * Publish: write the analysis back to Shopify (customer tags, app metafields, Flow triggers, customer
 * segments) and record what changed as a SyncRun of kind "publish" (or "preview", "remove-tags").
 *
 * The steps, each a named function returning what it did; the report is built from those results:
 *
 * 1. mode      (publish/mode.ts)      the options and the shop's settings decide one of publish, preview or
 *                                     remove-all (the merchant's undo); every later step switches on it.
 * 2. resume    (publish/journal)      finish what an interrupted publish left pending, except changes computed
 *                                     for another prefix or an older analysis (never in a preview).
 * 3. plan      (publish/plan)         read every customer's tags and app metafields from Shopify, diff against
 *                                     the desired app tags; merchant tags are never touched.
 * 4. journal   (publish/journal)      write the plan as pending TagChange rows BEFORE sending anything.
 * 5. apply     (publish/apply)        send the tags (small path, or one bulk mutation per action above the bulk
 *                                     threshold), then Flow triggers, metafields, segments.
 *
 * Redaction: the job runner (handlers.server.ts) refuses a redacted shop before a publish starts and
 * enforces every redaction received meanwhile after it ends (journal rows, trigger log and the customer
 * ids in this run's details are deleted), so a publish never puts back what a redaction removed.
 */
import type { Db } from "../../db.server";
import { latestAnalysisId } from "../../models/scores.server";
import { getShopSettings, updateShopSettings } from "../../models/shop-settings.server";
import { createSyncRun, finishPublishRun } from "../../models/sync-runs.server";
import type { PlanContext } from "../../models/tag-changes.server";
import { BULK_THRESHOLD } from "../../shopify/tag-writer.server";
import type { AdminGraphql } from "../../shopify/types";
import { summarizeExtras } from "./extras.server";
import {
  applyTags,
  deleteAppMetafields,
  deleteOptedOutMetafields,
  fireFlowTriggers,
  syncAppSegments,
  writeAppMetafields,
} from "./apply.server";
import { journalPlan, resumeInterrupted, type SendOptions } from "./journal.server";
import { assertUnreachable, noteOf, resolvePublish, runKindOf } from "./mode";
import { planPublish, previewTags, tagWritesOf } from "./plan.server";
import { Stopwatch, buildReport, type RunFacts, type StepResults } from "./report";
import type { PublishOptions, PublishReport } from "./types";
import type { RunDetails } from "../../models/json-columns.server";
import { PHASES, shareOf } from "../../models/job-progress";
import { StepProgress } from "../runtime/progress-reporter.server";

export type { Mode, PublishMode } from "./mode";
export type { PublishError, PublishOptions, PublishReport, ScoreRow } from "./types";

export async function runPublish(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  opts: PublishOptions = {},
): Promise<PublishReport> {
  const startedAt = Date.now();
  const before = { ...admin.stats };
  const settings = await getShopSettings(db, shop);
  const { mode, prefix, formerPrefix } = resolvePublish(settings, opts);
  const run = await createSyncRun(db, shop, runKindOf(mode)); // with a heartbeat: a killed worker's run is reaped
  const clock = new Stopwatch();
  // Progress: customers read from Shopify of those scored, then tag writes answered of those planned.
  const step = mode.kind === "preview" ? "preview" : mode.kind === "remove-all" ? "remove-tags" : "publish";
  const progress = new StepProgress(
    db,
    run.id,
    step,
    mode.kind === "preview" ? PHASES.preview : PHASES.publish,
    { warnings: [], problems: [] } satisfies RunDetails,
    opts.progress,
  );
  // Each step's return value, kept so that a publish failing half-way still records what it did.
  const steps: StepResults = {};
  const facts = (): RunFacts => ({
    runId: run.id,
    mode,
    note: noteOf(mode, prefix, formerPrefix),
    prefix,
    formerPrefix,
    cost: {
      calls: admin.stats.calls - before.calls,
      costPoints: admin.stats.costPoints - before.costPoints,
      retries: admin.stats.retries - before.retries,
    },
    timings: clock.timings(),
    durationMs: Date.now() - startedAt,
  });
  const finish = async (status: "succeeded" | "failed", error: string | null): Promise<PublishReport> => {
    const report = buildReport(facts(), steps);
    if (status === "succeeded") progress.mark("done", 1);
    // The details keep customer ids (at the limit, refused): enforceRedactions scrubs them after the job.
    await finishPublishRun(db, run.id, {
      status,
      error,
      customersCount: report.customers,
      expectedCount: report.tagsAdded + report.tagsRemoved,
      bulkOperationId: report.bulkOperationIds.at(-1) ?? null,
      // The tag settings the changes were computed for: the admin marks a preview out of date when they change.
      details: {
        ...report,
        prefix,
        tagKinds: { segments: settings.tagSegments, risk: settings.tagRisk, clusters: settings.tagClusters },
      },
    });
    return report;
  };

  try {
    // Crash-resume rule: the plan (and so every journal row) is computed for this prefix and the shop's
    // newest analysis; a pending change computed for anything else is never replayed (resumeInterrupted).
    const context: PlanContext = { prefix, analysisId: await latestAnalysisId(db, shop) };
    const bulkThreshold = opts.bulkThreshold ?? BULK_THRESHOLD;
    const send: SendOptions = {
      bulkThreshold,
      bulk: opts.bulk,
      concurrency: opts.concurrency,
      markBatch: opts.markBatch,
    };
    // Resuming writes to Shopify: a preview never does it.
    await progress.report("resume", 0, true);
    if (mode.kind !== "preview") steps.resumed = await resumeInterrupted(db, admin, shop, run.id, context, send);
    clock.lap("resume");

    await progress.report("reading", 0, true);
    const plan = await planPublish(db, admin, shop, {
      mode,
      prefix,
      formerPrefix,
      settings,
      opts: { ...opts, onCustomersRead: (read, scored) => progress.report("reading", shareOf(read, scored)) },
    });
    steps.plan = plan.summary;
    clock.lap("read");
    opts.signal?.throwIfAborted();

    const metafieldOptions = { bulkThreshold, bulk: opts.bulk };
    // Journal first, then write: a crash between the two leaves pending rows the next publish finishes.
    const journalAndApplyTags = async () => {
      await journalPlan(db, shop, run.id, tagWritesOf(plan), context);
      clock.lap("plan");
      await progress.report("writing", 0, true);
      const tags = await applyTags(db, admin, shop, run.id, plan, plan.summary.overLimit, {
        ...send,
        signal: opts.signal,
        onAnswered: (answered, of) => progress.report("writing", shareOf(answered, of)),
      });
      await progress.report("extras", 0, true);
      clock.lap("tags");
      opts.signal?.throwIfAborted();
      return tags;
    };
    switch (mode.kind) {
      case "preview":
        // Planned counts only: nothing is sent, nothing journaled, no setting changes.
        steps.tags = previewTags(plan);
        return await finish("succeeded", null);
      case "publish":
        steps.tags = await journalAndApplyTags();
        if (opts.flow !== false) {
          steps.flow = await fireFlowTriggers(db, admin, shop, context.analysisId, plan, opts.signal);
          clock.lap("flow");
        }
        opts.signal?.throwIfAborted();
        if (opts.metafields !== false) {
          steps.metafields = await writeAppMetafields(admin, plan, metafieldOptions);
          clock.lap("metafields");
          // Opt-outs: the plan lists the opted-out customers' app metafields for deletion.
          if (plan.metafieldDeletes.length)
            steps.optedOutMetafields = await deleteOptedOutMetafields(admin, plan, metafieldOptions);
        }
        break;
      case "remove-all":
        steps.tags = await journalAndApplyTags();
        if (opts.metafields !== false) {
          steps.metafields = await deleteAppMetafields(admin, plan, metafieldOptions);
          clock.lap("metafields");
        }
        break;
      default:
        return assertUnreachable(mode);
    }
    steps.extras = summarizeExtras(plan.extras, steps.optedOutMetafields?.deleted ?? 0);
    opts.signal?.throwIfAborted();
    if (opts.segments !== false) {
      await progress.report("extras", 0.5, true);
      steps.segments = await syncAppSegments(db, admin, shop, settings, mode.kind === "remove-all", plan);
      clock.lap("segments");
    }
    // A prefix change is over once every tag reached the new prefix (a refused write keeps the former
    // prefix recorded, so the next publish moves what is left).
    steps.prefixMoved = !!formerPrefix && steps.tags.failedWrites === 0;
    await updateShopSettings(db, shop, {
      lastPublishAt: new Date(),
      ...(steps.prefixMoved ? { previousTagPrefix: null, tagPrefixChangedAt: null } : {}),
    });
    return await finish("succeeded", null);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await finish("failed", message);
    } catch (recordError) {
      // The publish's own error is the one to throw; this one is logged so the stuck run can be explained.
      console.error(
        `[publish] ${shop}: could not record run ${run.id} as failed (${message}): ${(recordError as Error).message}`,
      );
    }
    throw error;
  }
}
