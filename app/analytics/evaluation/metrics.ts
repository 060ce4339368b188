/**
 * Store metrics at an as-of day over a horizon of H days:
 * - customers, repeat purchase rate (share with ≥ 2 purchase occasions);
 * - the last H days ("period") against the H days before ("previous period"): orders (occasions),
 *   revenue, active customers, new customers, and the retention rate: of the customers who had bought
 *   before the period, the share who bought again within it (churn rate = 1 − retention rate);
 *   `change` gives each period value relative to the previous one (0.1 = +10%; null when undefined);
 * - predicted churn rate (mean churn probability), revenue at risk (Σ valueAtRisk: P(gone) × the 12-month
 *   value if still active, counted once) and the median 12-month value; analyze.ts adds `previous`, the same headline
 *   numbers (storeKpis) as the backtest's prediction at asOf − H saw them;
 * - the monthly acquisition-cohort retention matrix: for each of the last COHORT_MONTHS first-purchase
 *   months, its size and the share of its customers who bought in month 0, 1, 2, … after it.
 * Cost: O(purchase occasions).
 */
import { dateOfDay } from "../data/purchase-history";
import type {
  AnalysisMetrics,
  CohortRow,
  CustomerHistory,
  CustomerPrediction,
  PeriodMetrics,
  StoreKpis,
  StoreMetrics,
} from "../types";

// The metrics' shapes live in ../types (the analysis result carries them); named here for their readers.
export type { AnalysisMetrics, CohortRow, PeriodMetrics, StoreKpis, StoreMetrics };

export const COHORT_MONTHS = 24;

const iso = (day: number) => dateOfDay(day).toISOString().slice(0, 10);
const monthIndex = (day: number) => {
  const d = dateOfDay(day);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const monthLabel = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;

/** Metrics of the window (from, to] of days. */
export function periodMetrics(histories: readonly CustomerHistory[], from: number, to: number): PeriodMetrics {
  let orders = 0;
  let revenue = 0;
  let active = 0;
  let fresh = 0;
  let existing = 0;
  let retained = 0;
  for (const h of histories) {
    let inWindow = 0;
    for (let i = 0; i < h.occasionDays.length; i++) {
      const d = h.occasionDays[i];
      if (d > from && d <= to) {
        inWindow++;
        revenue += h.occasionValues[i];
      }
    }
    orders += inWindow;
    if (inWindow) active++;
    const first = h.occasionDays[0];
    if (first > from && first <= to) fresh++;
    if (first <= from) {
      existing++;
      if (inWindow) retained++;
    }
  }
  const retentionRate = existing ? retained / existing : null;
  return {
    from: iso(from + 1),
    to: iso(to),
    orders,
    revenue,
    activeCustomers: active,
    newCustomers: fresh,
    retentionRate,
    churnRate: retentionRate === null ? null : 1 - retentionRate,
  };
}

/** Monthly acquisition cohorts of the last `months` months up to the as-of day. */
export function cohortMatrix(
  histories: readonly CustomerHistory[],
  asOfDay: number,
  months = COHORT_MONTHS,
): CohortRow[] {
  const last = monthIndex(asOfDay);
  const firstCohort = last - months + 1;
  const rows = new Map<number, { size: number; counts: number[] }>();
  for (const h of histories) {
    const c = monthIndex(h.occasionDays[0]);
    if (c < firstCohort || c > last) continue;
    let row = rows.get(c);
    if (!row) rows.set(c, (row = { size: 0, counts: new Array<number>(last - c + 1).fill(0) }));
    row.size++;
    const seen = new Set<number>();
    for (const d of h.occasionDays) {
      if (d > asOfDay) break;
      const offset = monthIndex(d) - c;
      if (!seen.has(offset)) {
        seen.add(offset);
        row.counts[offset]++;
      }
    }
  }
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([c, row]) => ({ cohort: monthLabel(c), size: row.size, retention: row.counts.map((n) => n / row.size) }));
}

const relChange = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : now / before - 1;

/** Median of the predicted 12-month values (0 for no customers). */
export function medianClv(predictions: readonly CustomerPrediction[]): number {
  if (!predictions.length) return 0;
  const v = predictions.map((p) => p.clv12m).sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The headline numbers of a shop at one as-of day (also kept for the previous period). */
export function storeKpis(
  histories: readonly CustomerHistory[],
  predictions: readonly CustomerPrediction[],
): StoreKpis {
  let churn = 0;
  let atRisk = 0;
  for (const p of predictions) {
    churn += p.churnProbability;
    atRisk += p.valueAtRisk;
  }
  const repeat = histories.filter((h) => h.occasionDays.length > 1).length;
  return {
    customers: histories.length,
    repeatPurchaseRate: histories.length ? repeat / histories.length : 0,
    predictedChurnRate: predictions.length ? churn / predictions.length : 0,
    revenueAtRisk: atRisk,
    medianClv12m: medianClv(predictions),
  };
}

export function storeMetrics(
  histories: readonly CustomerHistory[],
  predictions: readonly CustomerPrediction[],
  asOfDay: number,
  horizonDays: number,
): StoreMetrics {
  const customers = histories.length;
  const repeatCustomers = histories.filter((h) => h.occasionDays.length > 1).length;
  let revenue = 0;
  for (const h of histories) for (const v of h.occasionValues) revenue += v;
  let churnSum = 0;
  let atRisk = 0;
  for (const p of predictions) {
    churnSum += p.churnProbability;
    atRisk += p.valueAtRisk;
  }
  const period = periodMetrics(histories, asOfDay - horizonDays, asOfDay);
  const previousPeriod = periodMetrics(histories, asOfDay - 2 * horizonDays, asOfDay - horizonDays);
  return {
    customers,
    repeatCustomers,
    repeatPurchaseRate: customers ? repeatCustomers / customers : 0,
    revenue,
    predictedChurnRate: predictions.length ? churnSum / predictions.length : 0,
    revenueAtRisk: atRisk,
    medianClv12m: medianClv(predictions),
    period,
    previousPeriod,
    change: {
      orders: relChange(period.orders, previousPeriod.orders),
      revenue: relChange(period.revenue, previousPeriod.revenue),
      activeCustomers: relChange(period.activeCustomers, previousPeriod.activeCustomers),
      newCustomers: relChange(period.newCustomers, previousPeriod.newCustomers),
      retentionRate: relChange(period.retentionRate, previousPeriod.retentionRate),
    },
    cohorts: cohortMatrix(histories, asOfDay),
  };
}
