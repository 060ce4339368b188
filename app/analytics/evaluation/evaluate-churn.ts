/**
 * Out-of-time evaluation of the churn predictions (`npm run eval:churn`): analyse the shop at an as-of
 * date, then compare with what the orders after it show over the horizon H.
 * Label 1 = no purchase (by the analysis's own purchase filter) in (asOf, asOf + H].
 * Reports AUC of the model, of plain recency and of BG/NBD alone, ECE on 10 equal-width bins with the
 * calibration curve, mean predicted vs observed churn, log loss, top-decile lift, the customers breaking
 * the next-order rules (churn ≥ 0.9 with a next order within 14 days; churn ≤ 0.2 without a next order)
 * and the probabilities pinned at exactly 0 or 1 (churn or P(alive)).
 * Cost: two analyses (the model and BG/NBD alone) plus O(n log n).
 */
import { analyzeOrders, type AnalyzeOptions } from "../analyze";
import { predictChurn } from "../churn/predict";
import { auc, calibration, logLoss, topDecileLift, type CalibrationBin } from "./classification";
import { RULE_DAYS, RULE_HIGH_CHURN, RULE_LOW_CHURN } from "../models/next-order";
import { buildHistories, dayOf, DAY_MS } from "../data/purchase-history";
import {
  formatCoverage,
  rangeCoverage,
  totalsCheck,
  type RangeCoverage,
  type TotalCheck,
  type TotalsCheck,
} from "./range-coverage";
import type { AnalysisResult, CustomerResult, OrderInput } from "../types";

export interface ChurnEvaluation {
  asOf: string;
  horizonDays: number;
  customers: number;
  model: string;
  observedChurn: number;
  meanPredicted: number;
  auc: number;
  aucRecency: number;
  aucBgNbd: number;
  meanPredictedBgNbd: number;
  ece: number;
  eceBgNbd: number;
  logLoss: number;
  logLossBgNbd: number;
  topDecileLift: number;
  ruleBreaks: number;
  pinned: number;
  calibration: CalibrationBin[];
  /** How often the customers' 80% ranges contained what happened (range-coverage.ts). */
  ranges: RangeCoverage;
  /** The shop's totals over H against their ~90% ranges. */
  totals: TotalsCheck | null;
  notes: string[];
}

/** Customers breaking the next-order rules (see next-order.ts and docs/decisions/005). */
export function ruleBreaks(customers: readonly CustomerResult[], asOf: Date): number {
  const limit = asOf.getTime() + RULE_DAYS * DAY_MS;
  let breaks = 0;
  for (const c of customers) {
    const soonest = c.nextOrderEarliest ?? c.nextOrderDate;
    if (c.churnProbability >= RULE_HIGH_CHURN && soonest && soonest.getTime() <= limit) breaks++;
    else if (c.churnProbability <= RULE_LOW_CHURN && !c.nextOrderDate) breaks++;
  }
  return breaks;
}

/** Customers with a probability of exactly 0 or 1 (churn or P(alive)). */
export function pinnedProbabilities(customers: readonly CustomerResult[]): number {
  let pinned = 0;
  for (const c of customers) {
    if (c.churnProbability <= 0 || c.churnProbability >= 1 || c.pAlive <= 0 || c.pAlive >= 1) pinned++;
  }
  return pinned;
}

export function evaluateChurn(
  orders: readonly OrderInput[],
  asOf: Date,
  horizonDays: number,
  opts: Omit<AnalyzeOptions, "asOf" | "horizonDays"> = {},
): { evaluation: ChurnEvaluation; result: AnalysisResult } {
  const result = analyzeOrders(orders, { backtest: false, ...opts, asOf, horizonDays });
  const asOfDay = dayOf(asOf);
  const all = buildHistories(orders, { timeZone: opts.timeZone });
  const byId = new Map(all.histories.map((h) => [h.customerId, h]));
  const cutDay =
    result.details && typeof result.details.asOfDay === "number" ? (result.details.asOfDay as number) : asOfDay;
  const labels = result.customers.map((c): number =>
    byId.get(c.customerId)?.occasionDays.some((d) => d > cutDay && d <= cutDay + horizonDays) ? 0 : 1,
  );
  const churn = result.customers.map((c) => c.churnProbability);
  const n = labels.length;
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const cut = buildHistories(orders, { asOf, timeZone: opts.timeZone });
  const base = predictChurn(cut.histories, cutDay, horizonDays, { correction: false, calibrate: false });
  const baseById = new Map(base.predictions.map((p) => [p.customerId, p.churnProbability]));
  const baseChurn = result.customers.map((c) => baseById.get(c.customerId) ?? NaN);
  const cal = calibration(churn, labels);
  let lastDay = -Infinity;
  for (const h of all.histories) lastDay = Math.max(lastDay, h.occasionDays[h.occasionDays.length - 1]);
  const ranges = rangeCoverage(result.customers, byId, cutDay, horizonDays, lastDay);
  const totalsDetail = result.details?.totals as Parameters<typeof totalsCheck>[1] | undefined;
  const totals = totalsDetail ? totalsCheck(result.customers, totalsDetail, byId, cutDay, horizonDays) : null;
  return {
    result,
    evaluation: {
      asOf: asOf.toISOString().slice(0, 10),
      horizonDays,
      customers: n,
      model: result.model,
      observedChurn: mean(labels),
      meanPredicted: mean(churn),
      auc: auc(churn, labels),
      aucRecency: auc(
        result.customers.map((c) => c.recencyDays),
        labels,
      ),
      aucBgNbd: auc(baseChurn, labels),
      meanPredictedBgNbd: mean(baseChurn),
      ece: cal.ece,
      eceBgNbd: calibration(baseChurn, labels).ece,
      logLoss: logLoss(churn, labels),
      logLossBgNbd: logLoss(baseChurn, labels),
      topDecileLift: topDecileLift(churn, labels),
      ruleBreaks: ruleBreaks(result.customers, asOf),
      pinned: pinnedProbabilities(result.customers),
      calibration: cal.bins,
      ranges,
      totals,
      notes: result.notes ?? [],
    },
  };
}

/** The evaluation as a short plain-text table. */
export function formatChurnEvaluation(e: ChurnEvaluation): string {
  const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
  const lines = [
    `as-of ${e.asOf}, horizon ${e.horizonDays} days, ${e.customers} customers, model ${e.model}`,
    `AUC            model ${f(e.auc)}   recency ${f(e.aucRecency)}   BG/NBD alone ${f(e.aucBgNbd)}`,
    `ECE (10 bins)  model ${f(e.ece)}   BG/NBD alone ${f(e.eceBgNbd)}`,
    `mean churn     predicted ${f(e.meanPredicted)}   observed ${f(e.observedChurn)}   BG/NBD alone ${f(e.meanPredictedBgNbd)}`,
    `log loss       model ${f(e.logLoss, 4)}   BG/NBD alone ${f(e.logLossBgNbd, 4)}`,
    `top-decile lift ${f(e.topDecileLift, 2)}`,
    `rule breaks    ${e.ruleBreaks}   pinned probabilities ${e.pinned}`,
    "calibration    bin: customers, mean predicted -> observed",
    ...e.calibration
      .filter((b) => b.customers > 0)
      .map(
        (b) =>
          `  [${b.from.toFixed(1)}, ${b.to.toFixed(1)}): ${b.customers}, ${f(b.meanPredicted!)} -> ${f(b.observed!)}`,
      ),
  ];
  lines.push(
    "80% ranges     share of customers inside / below / above (target 80 / 10 / 10)",
    `  spend over H          ${formatCoverage(e.ranges.spend)}`,
    `  spend over H (PIT)    ${formatCoverage(e.ranges.spendPit)}`,
    `  spend over 12 months  ${formatCoverage(e.ranges.clv12m)}`,
    `  first order given one ${formatCoverage(e.ranges.nextOrder)}`,
  );
  if (e.totals) lines.push(formatTotals(e.totals));
  if (e.notes.length) lines.push(...e.notes.map((n) => `note: ${n}`));
  return lines.join("\n");
}

/** One line: the shop's totals over H, each with its ~90% range and whether the actual fell in it. */
export function formatTotals(t: TotalsCheck): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const one = (name: string, c: TotalCheck, f: (v: number) => string) =>
    `${name} ${f(c.actual)} in [${f(c.low)}, ${f(c.high)}] ${c.inside ? "yes" : "NO"}`;
  return `totals ${t.asOf} +${t.horizonDays}d (90%): ${one("orders", t.orders, n)}; ${one("revenue", t.revenue, n)}; ${one("churn", t.churnRate, pct)}`;
}
