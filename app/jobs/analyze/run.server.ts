/**
 * The analyze job for one shop: loads the shop's stored orders, line items and products, runs the
 * analysis (app/analytics/analyze.ts) with the shop's settings (churn horizon, number of clusters) and
 * the previous clusters (stable keys), computes recommendations (both in a worker thread, see
 * analyze-thread.server.ts), and saves everything
 * (app/models/scores.server.ts). Each run is recorded as a SyncRun of kind "analyze" with status,
 * timings and the error if any; Shop.lastAnalysisAt is updated on success.
 */
import type { Db } from "../../db.server";
import { recordAnalysisSnapshot, segmentsBefore } from "../../models/trends.server";
import { createSyncRun, finishSyncRun } from "../../models/sync-runs.server";
import { analyzeInThread } from "./thread.server";
import { getShopSettings, updateShopSettings } from "../../models/shop-settings.server";
import { loadPreviousClusters, previousShopifyRfmGroups, saveAnalysis } from "../../models/scores.server";
import { databaseUrlFor, loadOrdersForAnalysis, loadProductsForAnalysis } from "../../models/analysis-input.server";
import { saveReorder } from "../../models/reorder.server";
import { LIMITED_HISTORY_DAYS } from "../../shopify/orders-sync.server";
import type { RunDetails } from "../../models/json-columns.server";
import { PHASES, shareOf } from "../../models/job-progress";
import { StepProgress, type StepProgressOptions } from "../runtime/progress-reporter.server";

type AnalysisAnswer = Awaited<ReturnType<typeof analyzeInThread>>;

/** The few facts of an analysis result that its run records. */
function summarize(result: AnalysisAnswer["result"]) {
  return {
    customers: result.customers.length,
    model: result.model,
    horizonDays: result.horizonDays,
    analysisTimingsMs: result.details?.timingsMs,
    skipped: result.skipped,
  };
}

/** Recommendations stored per customer (at least the shop's recsCount). */
export const STORED_RECOMMENDATIONS = 10;

export interface AnalyzeRunOptions {
  asOf?: Date;
  /** Aborted when the job lost its lock: the analysis thread is terminated and nothing is saved. */
  signal?: AbortSignal;
  /** Called when the analysis thread has started (tests). */
  onThreadStarted?: (threadId: number) => void;
  /** The job this analysis is a step of, and who listens to its progress (models/job-models/job-progress.ts). */
  progress?: StepProgressOptions;
}

export async function runAnalyze(
  db: Db,
  shop: string,
  opts: AnalyzeRunOptions = {},
): Promise<{ analysisId: string; customers: number; model: string }> {
  const run = await createSyncRun(db, shop, "analyze"); // with a heartbeat: a killed worker's run is reaped
  const progressDetails: RunDetails = { warnings: [], problems: [] };
  const progress = new StepProgress(db, run.id, "analyze", PHASES.analyze, progressDetails, opts.progress);
  // Written one after the other as the thread reports; the run's end waits for the last (never overwritten).
  let written: Promise<void> = Promise.resolve();
  const report = (phase: string, share: number, force = false) =>
    (written = written
      .then(() => progress.report(phase, share, force))
      .catch((error: unknown) =>
        console.error(`[analyze] ${shop}: progress of run ${run.id}: ${(error as Error).message}`),
      ));
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    timings[stage] = Date.now() - t;
    t = Date.now();
  };
  try {
    await report("loading", 0, true);
    const settings = await getShopSettings(db, shop);
    // The analysis thread reads the history itself when it can open the same database: this process then
    // holds neither the history nor the garbage of reading it (some 0.5 GB at a million orders) while the
    // analysis runs. Otherwise (a client of unknown URL) it is read here and lent to the thread.
    const databaseUrl = databaseUrlFor(db);
    const [orders, products, previousClusters, shopifyRfmGroups] = await Promise.all([
      databaseUrl ? null : loadOrdersForAnalysis(db, shop),
      loadProductsForAnalysis(db, shop),
      loadPreviousClusters(db, shop),
      previousShopifyRfmGroups(db, shop),
    ]);
    lap("load");
    const asOf = opts.asOf ?? new Date();
    // The analysis and the recommendations run in a worker thread: the event loop stays free meanwhile.
    // So does the reorder model, from the same table and as-of day, before the analysis.
    let analysis: AnalysisAnswer | null = await analyzeInThread(
      {
        // Read in the thread, or lent: the table's typed columns move to the thread and back (no second copy).
        orders: orders ?? { databaseUrl: databaseUrl!, shop },
        options: {
          asOf,
          horizonDays: settings.churnHorizonDays ?? undefined,
          clusterK: settings.clusterK,
          previousClusters,
          shopifyRfmGroups,
          // Purchase days and the as-of day in the shop's time zone; money in its currency.
          timeZone: settings.ianaTimezone ?? null,
          currency: settings.currencyCode ?? null,
          // Without read_all_orders only the last 60 days exist for the app: the short-history model, said in the notes.
          historyLimitedDays: settings.historyLimited ? LIMITED_HISTORY_DAYS : null,
        },
        products,
        recommendationLimit: Math.max(STORED_RECOMMENDATIONS, settings.recsCount),
        reorder: { asOf },
      },
      {
        signal: opts.signal,
        onStarted: opts.onThreadStarted,
        onProgress: (p) => void report(p.phase, shareOf(p.done, p.total), p.done === 0),
      },
    );
    lap("analyze");
    // The thread's reading of the history counts as loading.
    timings.load += analysis.history.loadMs;
    timings.analyze -= analysis.history.loadMs;
    const history = analysis.history;
    // A job that lost its lock while the thread ran saves nothing (another worker may run it now).
    opts.signal?.throwIfAborted();
    await report("saving", 0, true);
    const before = await segmentsBefore(db, shop); // for the admin's "who moved since the last analysis"
    const { analysisId } = await saveAnalysis(db, shop, analysis.result, { recommendations: analysis.recommendations });
    lap("save");
    // What the run's record needs from the result: the result itself (every customer's scores and
    // recommendations, a few hundred MB for a million orders) is let go before the reorder rows are written.
    // (No local variable holds it: `analysis` is the only reference, cleared here.)
    const summary = summarize(analysis.result);
    const reorder = analysis.reorder;
    analysis = null;
    // Due to reorder: each product's repurchase cycle and the customers due to buy it again.
    if (!reorder) throw new Error("The analysis thread did not return the reorder model");
    await report("reorder", 0, true);
    await saveReorder(db, shop, reorder, history.strings ?? orders!.strings);
    lap("reorder");
    await recordAnalysisSnapshot(db, shop, analysisId, before);
    await updateShopSettings(db, shop, { lastAnalysisAt: new Date() });
    progress.mark("done", 1);
    await written;
    await finishSyncRun(db, run.id, {
      status: "succeeded",
      ordersCount: history.orders,
      lineItemsCount: history.lineItems,
      customersCount: summary.customers,
      details: {
        warnings: [],
        problems: [],
        analysisId,
        model: summary.model,
        horizonDays: summary.horizonDays,
        timingsMs: timings,
        analysisTimingsMs: summary.analysisTimingsMs,
        skipped: summary.skipped,
        progress: progressDetails.progress,
        job: progressDetails.job,
      },
    });
    return { analysisId, customers: summary.customers, model: summary.model };
  } catch (error) {
    // Recording the failure must not hide it: a failed write is logged and the job's error rethrown.
    await written;
    await finishSyncRun(db, run.id, {
      status: "failed",
      error: (error as Error).message,
      details: { warnings: [], problems: [], timingsMs: timings },
    }).catch((recordError: unknown) =>
      console.error(
        `[analyze] ${shop}: could not record run ${run.id} as failed: ${(recordError as Error)?.message ?? recordError}`,
      ),
    );
    throw error;
  }
}
