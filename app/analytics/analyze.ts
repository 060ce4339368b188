/**
 * The whole analysis of one shop at one as-of date: orders in, one result per customer plus clusters,
 * models, backtest and store metrics out. Pure (no I/O); deterministic for the same input.
 *
 * Stages: clean orders into purchase histories (purchase-history.ts) → features (features.ts) →
 * churn, P(alive), expected orders and value (churn.ts) → RFM (rfm.ts) → clusters (clusters.ts) →
 * reasons (reasons.ts) → store metrics (metrics.ts) → backtest at asOf − H (backtest.ts).
 * The horizon is opts.horizonDays, else derived from the shop's typical gap (defaultHorizonDays).
 * Cost: dominated by the model fits, about O(customers · (fit evaluations + k · seeds · iterations)).
 * @example analyzeOrders(orders, { asOf: new Date("2024-06-30") }).customers[0].churnProbability
 */
import { backtestWithPrediction } from "./backtest";
import { defaultHorizonDays, predictChurn } from "./churn";
import { clusterCustomers } from "./clusters";
import { customerFeatures, productTypesOf } from "./features";
import { storeKpis, storeMetrics } from "./metrics";
import { buildHistories, dateOfDay, dayOf } from "./purchase-history";
import { churnReasons } from "./reasons";
import { rfmScores, rfmSegment } from "./rfm";
import type { AnalysisResult, ClusterSummary, CustomerResult, OrderInput, ProductInfo } from "./types";

export interface AnalyzeOptions {
  asOf: Date;
  horizonDays?: number;
  clusterK?: number | null;
  previousClusters?: ClusterSummary[];
  products?: ProductInfo[];
  shopifyRfmGroups?: Map<string, string>;
  /** Run the backtest (default true). */
  backtest?: boolean;
  /** Try the logistic churn correction (default true). */
  correction?: boolean;
}

/**
 * Low-high range (about 90%) of the shop's churn rate over the horizon: the spread of the share of
 * customers who will not order when each does so independently with their own probability.
 */
export function churnRateRange(predictions: readonly { churnProbability: number }[]) {
  const n = predictions.length;
  if (!n) return { predictedChurnRateLow: 0, predictedChurnRateHigh: 0 };
  let mean = 0;
  let variance = 0;
  for (const p of predictions) {
    mean += p.churnProbability / n;
    variance += (p.churnProbability * (1 - p.churnProbability)) / (n * n);
  }
  const half = 1.645 * Math.sqrt(variance);
  return { predictedChurnRateLow: Math.max(0, mean - half), predictedChurnRateHigh: Math.min(1, mean + half) };
}

export function analyzeOrders(orders: readonly OrderInput[], opts: AnalyzeOptions): AnalysisResult {
  if (Number.isNaN(opts.asOf?.getTime())) throw new Error("analyzeOrders requires a valid asOf date");
  if (opts.horizonDays !== undefined && !(opts.horizonDays > 0)) throw new Error("analyzeOrders requires horizonDays > 0");
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = Math.round(now - t);
    t = now;
  };
  const asOfDay = dayOf(opts.asOf);
  const built = buildHistories(orders, { asOf: opts.asOf });
  const histories = built.histories;
  lap("histories");
  const horizonDays = opts.horizonDays ?? defaultHorizonDays(histories.map((h) => customerFeatures(h, asOfDay)));
  const churn = predictChurn(histories, asOfDay, horizonDays, { correction: opts.correction });
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
  const catalogue = new Map((opts.products ?? []).map((p) => [p.id, p]));
  const customers: CustomerResult[] = features.map((f, i) => {
    const p = churn.predictions[i];
    const cluster = clustering.clusters[clustering.assignment[i]];
    return {
      customerId: f.customerId,
      orders: f.occasions,
      firstOrderAt: dateOfDay(f.firstDay),
      lastOrderAt: dateOfDay(f.lastDay),
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
      expectedOrders: p.expectedOrders,
      clv12m: p.clv12m,
      nextOrderDate: p.nextOrderDate,
      nextOrderEarliest: p.nextOrderEarliest,
      nextOrderLatest: p.nextOrderLatest,
      clv12mLow: p.clv12mLow,
      clv12mHigh: p.clv12mHigh,
      valueAtRisk: p.valueAtRisk,
      typicalGapDays: p.typicalGapDays,
      reasons: churnReasons(f, p.churnProbability, churn.shopGapDays),
      shopifyRfmGroup: opts.shopifyRfmGroups?.get(f.customerId) ?? null,
      expectedOrders12m: p.expectedOrders12m,
      expectedSpend: p.expectedSpend,
      productTypes: productTypesOf(built.productsByCustomer.get(f.customerId), catalogue),
    };
  });
  lap("customers");
  const metrics: Record<string, unknown> = {
    ...storeMetrics(histories, churn.predictions, asOfDay, horizonDays),
    guestRevenue: built.guestRevenue,
    typicalGapDays: churn.shopGapDays,
    ...churnRateRange(churn.predictions),
  };
  lap("metrics");
  const bt = opts.backtest === false ? null : backtestWithPrediction(histories, asOfDay, horizonDays, { correction: opts.correction });
  const backtest = bt?.result ?? null;
  if (bt) metrics.previous = { asOf: dateOfDay(asOfDay - horizonDays).toISOString().slice(0, 10), ...storeKpis(bt.past, bt.prediction.predictions) };
  lap("backtest");
  return {
    asOf: opts.asOf,
    horizonDays,
    customers,
    clusters: clustering.clusters,
    model: churn.model,
    bgnbd: churn.bgnbd,
    gammaGamma: churn.gammaGamma,
    backtest,
    metrics,
    skipped: { ...built.skipped },
    notes: churn.notes,
    details: {
      ordersUsed: built.orders,
      correction: churn.correction
        ? {
            trainHorizonDays: churn.correction.trainHorizonDays,
            trainCustomers: churn.correction.trainCustomers,
            weights: churn.correction.model.weights,
            validation: churn.correction.validation,
          }
        : null,
      silhouettes: clustering.silhouettes,
      timingsMs: timings,
    },
  };
}
