/**
 * The dashboard's KPIs, computed from the stored customer scores (the numbers the merchant can check in
 * the customer table), with the previous analysis' figures for the change.
 */
import type { Db } from "../../db.server";
import type { StoreKpis } from "../../analytics/evaluation/metrics";
import type { DeepPartial, MetricsReading } from "../../models/json-columns.server";

export interface Kpi {
  key: "customers" | "repeatRate" | "churnRate" | "revenueAtRisk" | "medianClv";
  label: string;
  value: number | null;
  /** Change against the previous analysis (same unit as value), null when there is none. */
  change: number | null;
  format: "count" | "percent" | "money";
  help: string;
  /** What the value is compared with, in words (e.g. the churn rate against the last period and the backtest). */
  comparison?: string[];
}

export interface KpiValues {
  customers: number;
  repeatRate: number | null;
  churnRate: number | null;
  revenueAtRisk: number;
  medianClv: number | null;
}

/**
 * KPIs from the stored customer scores: customers, repeat purchase rate (two purchase days or more),
 * predicted churn rate (mean churn probability), value at risk (Σ of the customers' valueAtRisk, the
 * number the customer list shows, so the two always add up) and the median predicted CLV.
 */
export async function computeKpis(db: Db, shop: string): Promise<KpiValues> {
  const [customers, repeat, agg, atRisk] = await Promise.all([
    db.customerScore.count({ where: { shop } }),
    db.customerScore.count({ where: { shop, orders: { gte: 2 } } }),
    db.customerScore.aggregate({ where: { shop }, _avg: { churnProbability: true } }),
    db.customerScore.aggregate({ where: { shop }, _sum: { valueAtRisk: true } }),
  ]);
  let medianClv: number | null = null;
  if (customers > 0) {
    // Median (R type 7 at n even: mean of the two middle values), read through the (shop, clv12m) index.
    const middle = await db.customerScore.findMany({
      where: { shop },
      orderBy: { clv12m: "asc" },
      skip: Math.floor((customers - 1) / 2),
      take: customers % 2 === 0 ? 2 : 1,
      select: { clv12m: true },
    });
    medianClv = middle.reduce((s, r) => s + r.clv12m, 0) / middle.length;
  }
  return {
    customers,
    repeatRate: customers ? repeat / customers : null,
    churnRate: agg._avg.churnProbability ?? null,
    revenueAtRisk: atRisk._sum.valueAtRisk ?? 0,
    medianClv,
  };
}

/** The same KPIs as an analysis recorded them (storeKpis in its metrics; used for the previous period). */
export function kpisFromMetrics(metrics: DeepPartial<StoreKpis>): Partial<Record<keyof KpiValues, number>> {
  const out: Partial<Record<keyof KpiValues, number | undefined>> = {
    customers: metrics.customers,
    repeatRate: metrics.repeatPurchaseRate,
    churnRate: metrics.predictedChurnRate,
    revenueAtRisk: metrics.revenueAtRisk,
    medianClv: metrics.medianClv12m,
  };
  for (const k of Object.keys(out) as Array<keyof KpiValues>) if (out[k] === undefined) delete out[k];
  return out as Partial<Record<keyof KpiValues, number>>;
}

/**
 * What the dashboard's changes are measured against: a real previous analysis only (none on the first
 * one, and never the backtest's figures at as-of − H, which are no analysis the merchant saw), taken as
 * the difference between the two analyses' own recorded figures, so identical data gives exactly zero
 * change (the stored scores' floats would differ in the last digits). Returns the previous values that
 * buildKpis subtracts from `current`.
 */
export function previousForChange(
  current: KpiValues,
  latest: DeepPartial<StoreKpis> | null,
  previous: DeepPartial<StoreKpis> | null,
): Partial<Record<keyof KpiValues, number>> {
  if (!latest || !previous) return {};
  const now = kpisFromMetrics(latest);
  const before = kpisFromMetrics(previous);
  const out: Partial<Record<keyof KpiValues, number>> = {};
  for (const k of Object.keys(current) as Array<keyof KpiValues>) {
    const value = current[k];
    const a = now[k];
    const b = before[k];
    if (value === null || a === undefined || b === undefined) continue;
    const change = a - b;
    out[k] = change === 0 ? value : value - change;
  }
  return out;
}

/** The observed churn over the last horizon and the one before (app/analytics/evaluation/metrics.ts period metrics). */
export function observedChurn(metrics: MetricsReading | null): { rate: number | null; previous: number | null } {
  return { rate: metrics?.period?.churnRate ?? null, previous: metrics?.previousPeriod?.churnRate ?? null };
}

/** What the backtest predicted and what happened (backtestJson), to compare the churn rate with. */
export interface BacktestComparison {
  meanPredicted: number | null;
  observedChurn: number | null;
}

/** The analysis' range of the shop's predicted churn rate (about 90%), when it recorded one. */
export function churnRateRange(metrics: MetricsReading | null): { low: number; high: number } | null {
  const low = metrics?.predictedChurnRateLow;
  const high = metrics?.predictedChurnRateHigh;
  return typeof low === "number" && typeof high === "number" ? { low, high } : null;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * What the value-at-risk card counts (docs/numbers.md; analytics metrics valueAtRiskDefinition).
 */
export const VALUE_AT_RISK_HELP =
  "For each customer: the chance they are gone × what they would spend in the next 12 months if still active, summed over your customers. Each customer counted once: the predicted value already allows for customers leaving and is not multiplied by the churn risk again. The same number as the customer list's value-at-risk column, added up.";

export function buildKpis(
  current: KpiValues,
  previous: Partial<Record<keyof KpiValues, number>>,
  horizonDays: number | null,
  observed?: { rate: number | null; previous: number | null },
  backtest?: BacktestComparison | null,
  range?: { low: number; high: number } | null,
): Kpi[] {
  const change = (key: keyof KpiValues) => {
    const cur = current[key];
    const prev = previous[key];
    return cur === null || prev === undefined ? null : cur - prev;
  };
  const horizon = horizonDays ? `${horizonDays} days` : "the churn horizon";
  const churnComparison: string[] = [];
  if (observed?.previous !== null && observed?.previous !== undefined)
    churnComparison.push(`The ${horizon} before: ${pct(observed.previous)}`);
  if (backtest && backtest.meanPredicted !== null && backtest.observedChurn !== null)
    churnComparison.push(
      `Backtest: the model predicted ${pct(backtest.meanPredicted)}, ${pct(backtest.observedChurn)} happened`,
    );
  const rangeText = range ? ` (about 90% range ${pct(range.low)} to ${pct(range.high)})` : "";
  if (current.churnRate !== null)
    churnComparison.push(`Predicted for the next ${horizon}: ${pct(current.churnRate)}${rangeText}`);
  return [
    {
      key: "customers",
      label: "Customers analysed",
      value: current.customers,
      change: change("customers"),
      format: "count",
      help: "Customers with at least one order, scored by the latest analysis (the customer list's count)",
    },
    {
      key: "repeatRate",
      label: "Repeat purchase rate",
      value: current.repeatRate,
      change: change("repeatRate"),
      format: "percent",
      help: "Share of customers who ordered on two days or more",
    },
    observed && observed.rate !== null
      ? {
          key: "churnRate",
          label: `Churn rate, last ${horizon}`,
          value: observed.rate,
          change: observed.previous === null ? null : observed.rate - observed.previous,
          format: "percent",
          help: `Of the customers who had bought before, the share who did not buy again in the last ${horizon} (the churn horizon)`,
          comparison: churnComparison,
        }
      : {
          key: "churnRate",
          label: "Churn rate (predicted)",
          value: current.churnRate,
          change: change("churnRate"),
          format: "percent",
          help: `Expected share of customers who will not order within ${horizon} (the churn horizon)`,
          comparison: [
            ...churnComparison.filter((l) => !l.startsWith("Predicted")),
            ...(range ? [`About 90% range: ${pct(range.low)} to ${pct(range.high)}`] : []),
          ],
        },
    {
      key: "revenueAtRisk",
      label: "Value at risk",
      value: current.revenueAtRisk,
      change: change("revenueAtRisk"),
      format: "money",
      help: VALUE_AT_RISK_HELP,
    },
    {
      key: "medianClv",
      label: "Median predicted value",
      value: current.medianClv,
      change: change("medianClv"),
      format: "money",
      help: "Half of your customers are predicted to spend more than this over the next 12 months (customer lifetime value, CLV)",
    },
  ];
}
