/**
 * The whole analysis of one shop at one as-of date: orders in, one result per customer plus clusters,
 * models, backtest and store metrics out. Pure (no I/O); deterministic for the same input.
 *
 * Stages: clean orders into purchase histories (purchase-history.ts) → features (features.ts) →
 * churn, P(alive), expected orders and value (churn.ts) → RFM (rfm.ts) → clusters (clusters.ts) →
 * reasons (reasons.ts) → store metrics (metrics.ts) → backtest at asOf − H (backtest.ts).
 * The horizon is opts.horizonDays, else derived from the shop's typical gap (defaultHorizonDays).
 * Cost: dominated by the model fits, about O(customers · (fit evaluations + k · seeds · iterations)).
 * Memory: the histories and the result (about 0.9 KB a customer), plus one stage's working data at a
 * time: the present's features, predictions and contributions are garbage before the backtest makes the
 * past's (at 77k customers the live heap peaks at about 170 MB, 285 MB when both were held).
 * @example analyzeOrders(orders, { asOf: new Date("2024-06-30") }).customers[0].churnProbability
 */
import { backtestWithPrediction } from "./evaluation/backtest";
import { defaultHorizonDays, predictChurn } from "./churn/predict";
import { clusterCustomers } from "./segments/clusters";
import { customerFeatures } from "./data/features";
import { storeKpis, storeMetrics, type AnalysisMetrics } from "./evaluation/metrics";
import { buildHistories, dateOfDay, dayFunction, sharedDayDates } from "./data/purchase-history";
import { churnReasons } from "./narration/reasons";
import { rfmScores, rfmSegment } from "./segments/rfm";
import type { AnalysisResult, ClusterSummary, CustomerHistory, CustomerResult, OrderInput } from "./types";

export interface AnalyzeOptions {
  asOf: Date;
  horizonDays?: number;
  clusterK?: number | null;
  previousClusters?: ClusterSummary[];
  shopifyRfmGroups?: Map<string, string>;
  /** Run the backtest (default true). */
  backtest?: boolean;
  /** Try the logistic churn correction (default true). */
  correction?: boolean;
  /** Calibrate the churn probabilities out of time (default true). */
  calibrate?: boolean;
  /**
   * The shop's IANA time zone (Shop.ianaTimezone): purchase days and the as-of day are its calendar days.
   * Default UTC.
   */
  timeZone?: string | null;
  /** The shop's currency code, for money in the reasons (default: the orders' currency). */
  currency?: string | null;
  /**
   * Set when the orders are only the last N days the store lets the app see (Shopify without
   * read_all_orders): the history is cut, so a customer's first visible order is not their first. It is
   * then treated as a short history: BG/NBD alone with its prior (typical values), neither trained nor
   * calibrated on the visible past, and a note says so in plain words.
   */
  historyLimitedDays?: number | null;
}

/** The note of an analysis made on a history Shopify cut to the last `days` days. */
export function limitedHistoryNote(days: number): string {
  return (
    `Only the last ${days} days of orders were visible, because the store has not granted Churnless access to all ` +
    `orders: customers who bought before then look new or one-time. The predictions use the model for short ` +
    `histories (typical buying patterns, not learned from this shop's past) and are less reliable until access ` +
    `to all orders is granted.`
  );
}

export function analyzeOrders(orders: Iterable<OrderInput>, options: AnalyzeOptions): AnalysisResult {
  if (Number.isNaN(options.asOf?.getTime())) throw new Error("analyzeOrders requires a valid asOf date");
  const limited = options.historyLimitedDays ?? null;
  if (limited !== null && !(limited > 0)) throw new Error("analyzeOrders requires historyLimitedDays > 0");
  // A cut history gets the short-history model: nothing trained or calibrated on the visible past.
  const opts: AnalyzeOptions = limited === null ? options : { ...options, correction: false, calibrate: false };
  if (opts.horizonDays !== undefined && !(opts.horizonDays > 0))
    throw new Error("analyzeOrders requires horizonDays > 0");
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = Math.round(now - t);
    t = now;
  };
  const asOfDay = dayFunction(opts.timeZone)(opts.asOf);
  const built = buildHistories(orders, { asOf: opts.asOf, timeZone: opts.timeZone });
  const histories = built.histories;
  lap("histories");
  const horizonDays = opts.horizonDays ?? defaultHorizonDays(histories.map((h) => customerFeatures(h, asOfDay)));
  let currency = opts.currency ?? null;
  if (currency === null) {
    for (const o of orders) {
      if (!o.currency) continue;
      currency = o.currency;
      break;
    }
  }
  // The present in a function of its own: its working data (features, predictions, contributions) is
  // garbage once it returns, before the backtest makes the same again for the past.
  const now = analyzePresent(histories, asOfDay, horizonDays, opts, currency, lap);
  const metrics: AnalysisMetrics = {
    ...now.store,
    guestRevenue: built.guestRevenue,
    typicalGapDays: now.churn.shopGapDays,
    predictedChurnRateLow: now.churn.churnRateRange.low,
    predictedChurnRateHigh: now.churn.churnRateRange.high,
    riskBands: now.churn.risk,
    valueAtRiskDefinition:
      "Σ over customers of P(gone) × the 12-month value they would bring if still active; each customer counted once (clv12m already allows for dropout and is not multiplied by churn again)",
  };
  const backtest = opts.backtest === false ? null : backtestWithKpis(histories, asOfDay, horizonDays, opts, metrics);
  lap("backtest");
  const churn = now.churn;
  return {
    asOf: opts.asOf,
    horizonDays,
    customers: now.customers,
    clusters: now.clusters,
    model: churn.model,
    bgnbd: churn.bgnbd,
    gammaGamma: churn.gammaGamma,
    backtest,
    metrics,
    skipped: { ...built.skipped },
    notes: limited === null ? now.notes : [limitedHistoryNote(limited), ...now.notes],
    details: {
      ordersUsed: built.orders,
      asOfDay,
      timeZone: opts.timeZone ?? "UTC",
      correction: churn.correction
        ? {
            trainCustomers: churn.correction.trainCustomers,
            weights: churn.correction.model.weights,
            validation: churn.correction.validation,
          }
        : null,
      training: churn.training
        ? {
            windowDays: churn.training.windowDays,
            origins: churn.training.origins.map((o) => ({ ...o, cut: dateOfDay(o.cut).toISOString().slice(0, 10) })),
            calibration: churn.training.calibration,
          }
        : null,
      silhouettes: now.silhouettes,
      // The shop's totals over H with about 90% ranges (orders = purchase days).
      totals: {
        orders: now.churn.totalsRange.orders,
        revenue: now.churn.totalsRange.revenue,
        churnRate: { expected: now.store.predictedChurnRate, ...now.churn.churnRateRange },
      },
      timingsMs: timings,
    },
  };
}

/**
 * The customers at the as-of day: churn, RFM, clusters, reasons, each customer's result and the store
 * metrics. Returns the results and the models' summaries only (not the per-customer working data).
 */
function analyzePresent(
  histories: CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: AnalyzeOptions,
  currency: string | null,
  lap: (stage: string) => void,
) {
  const churn = predictChurn(histories, asOfDay, horizonDays, {
    correction: opts.correction,
    calibrate: opts.calibrate,
  });
  lap("churn");
  const features = churn.features;
  const rfm = rfmScores(
    features.map((f) => f.recencyDays),
    features.map((f) => f.occasions),
    features.map((f) => f.monetary),
  );
  lap("rfm");
  const clustering = clusterCustomers(features, { k: opts.clusterK, previous: opts.previousClusters });
  lap("clusters");
  // One Date per day for the customers' first and last orders (as the predictions' dates are).
  const dates = sharedDayDates();
  const customers: CustomerResult[] = features.map((f, i) => {
    const p = churn.predictions[i];
    const cluster = clustering.clusters[clustering.assignment[i]];
    return {
      customerId: f.customerId,
      orders: f.occasions,
      firstOrderAt: dates(f.firstDay),
      lastOrderAt: dates(f.lastDay),
      recencyDays: f.recencyDays,
      monetary: f.monetary,
      aov: f.aov,
      rfm: rfm[i],
      rfmSegment: rfmSegment(rfm[i]),
      clusterKey: cluster.key,
      clusterName: cluster.name,
      churnProbability: p.churnProbability,
      riskBand: p.riskBand,
      pAlive: p.pAlive,
      pAliveKnown: p.pAliveKnown,
      expectedOrders: p.expectedOrders,
      clv12m: p.clv12m,
      nextOrderDate: p.nextOrderDate,
      nextOrderEarliest: p.nextOrderEarliest,
      nextOrderLatest: p.nextOrderLatest,
      clv12mLow: p.clv12mLow,
      clv12mHigh: p.clv12mHigh,
      spendLow: p.spendLow,
      spendHigh: p.spendHigh,
      nextOrderLow: p.nextOrderLow,
      nextOrderHigh: p.nextOrderHigh,
      valueAtRisk: p.valueAtRisk,
      typicalGapDays: p.typicalGapDays,
      reasons: churnReasons({
        features: f,
        churnProbability: p.churnProbability,
        riskBand: p.riskBand,
        horizonDays,
        shopGapDays: churn.shopGapDays,
        contributions: churn.contributions.at(i),
        currency,
      }),
      shopifyRfmGroup: opts.shopifyRfmGroups?.get(f.customerId) ?? null,
      expectedOrders12m: p.expectedOrders12m,
      expectedSpend: p.expectedSpend,
    };
  });
  lap("customers");
  const store = storeMetrics(histories, churn.predictions, asOfDay, horizonDays);
  lap("metrics");
  return {
    customers,
    clusters: clustering.clusters,
    silhouettes: clustering.silhouettes,
    notes: clustering.note ? [...churn.notes, clustering.note] : churn.notes,
    store,
    churn: {
      model: churn.model,
      bgnbd: churn.bgnbd,
      gammaGamma: churn.gammaGamma,
      correction: churn.correction,
      training: churn.training,
      shopGapDays: churn.shopGapDays,
      churnRateRange: churn.churnRateRange,
      totalsRange: churn.totalsRange,
      risk: churn.risk,
    },
  };
}

/** The backtest at asOf − H, and the store's headline numbers as its prediction saw them (metrics.previous). */
function backtestWithKpis(
  histories: CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: AnalyzeOptions,
  metrics: AnalysisMetrics,
) {
  const bt = backtestWithPrediction(histories, asOfDay, horizonDays, {
    correction: opts.correction,
    calibrate: opts.calibrate,
  });
  if (!bt) return null;
  metrics.previous = {
    asOf: dateOfDay(asOfDay - horizonDays)
      .toISOString()
      .slice(0, 10),
    ...storeKpis(bt.past, bt.prediction.predictions),
  };
  return bt.result;
}
