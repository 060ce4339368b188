/**
 * Backtest: hide the last H days of the shop's history, predict churn from the rest, and compare with
 * what happened. Reports AUC, Brier score, log loss, mean predicted vs observed churn (with the predicted
 * range), the calibration curve and ECE on 10 equal-width bins, and the AUC of plain recency (days since
 * the last purchase) on the same customers as the baseline to beat.
 * Cost: one churn prediction at asOf − H plus O(n log n) for the AUCs.
 */
import { predictChurn, type ChurnOptions, type ChurnResult } from "../churn/predict";
import { dateOfDay, truncateHistories } from "../data/purchase-history";
import type { BacktestResult, CustomerHistory } from "../types";
import { auc, brier, calibration, logLoss } from "./classification";

export { auc, brier };

/** Label 1 = no purchase in (fromDay, toDay]. */
export function churnLabels(
  histories: readonly CustomerHistory[],
  ids: readonly string[],
  fromDay: number,
  toDay: number,
): Float64Array {
  const byId = new Map(histories.map((h) => [h.customerId, h]));
  return Float64Array.from(ids, (id) => (byId.get(id)!.occasionDays.some((d) => d > fromDay && d <= toDay) ? 0 : 1));
}

/** Scores of a prediction against the truth, with the recency baseline. */
export function scoreChurn(predicted: ArrayLike<number>, recencyDays: ArrayLike<number>, labels: ArrayLike<number>) {
  let mean = 0;
  let observed = 0;
  for (let i = 0; i < labels.length; i++) {
    mean += predicted[i] / labels.length;
    observed += labels[i] / labels.length;
  }
  const cal = calibration(predicted, labels);
  return {
    auc: auc(predicted, labels),
    brier: brier(predicted, labels),
    meanPredicted: mean,
    observedChurn: observed,
    recencyAuc: auc(recencyDays, labels),
    ece: cal.ece,
    calibration: cal.bins,
    logLoss: logLoss(predicted, labels),
  };
}

/**
 * Runs the backtest at asOfDay − horizonDays. Returns null when fewer than `minCustomers` customers
 * existed then or when every one of them churned (or none did).
 */
export function runBacktest(
  histories: readonly CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: ChurnOptions & { minCustomers?: number } = {},
): BacktestResult | null {
  return backtestWithPrediction(histories, asOfDay, horizonDays, opts)?.result ?? null;
}

/** The backtest and the prediction it scored (the shop as it looked at asOf − H). */
export function backtestWithPrediction(
  histories: readonly CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: ChurnOptions & { minCustomers?: number } = {},
): { result: BacktestResult | null; prediction: ChurnResult; past: CustomerHistory[] } | null {
  const cut = asOfDay - horizonDays;
  const past = truncateHistories(histories, cut);
  if (past.length < (opts.minCustomers ?? 50)) return null;
  const prediction = predictChurn(past, cut, horizonDays, opts);
  const ids = prediction.predictions.map((p) => p.customerId);
  const labels = churnLabels(histories, ids, cut, asOfDay);
  const scores = scoreChurn(
    prediction.predictions.map((p) => p.churnProbability),
    prediction.features.map((f) => f.recencyDays),
    labels,
  );
  if (!Number.isFinite(scores.auc)) return { result: null, prediction, past };
  return {
    result: {
      horizonDays,
      asOf: dateOfDay(cut),
      customers: ids.length,
      model: prediction.model,
      ...scores,
      predictedChurnRateLow: prediction.churnRateRange.low,
      predictedChurnRateHigh: prediction.churnRateRange.high,
    },
    prediction,
    past,
  };
}
