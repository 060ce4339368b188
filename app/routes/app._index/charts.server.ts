/** The dashboard's charts: customers and revenue by RFM segment, the churn-risk histogram, cohort retention. */
import type { Db } from "../../db.server";
import type { MetricsReading } from "../../models/json-columns.server";
import { humanize } from "../../models/segments.server";

export interface CountBy {
  key: string;
  label: string;
  customers: number;
  revenue: number;
}

async function segmentNames(db: Db, shop: string, kind: string): Promise<Map<string, string>> {
  const rows = await db.segment.findMany({
    where: { shop, kind },
    select: { key: true, name: true, customName: true },
  });
  return new Map(rows.map((r) => [r.key, r.customName?.trim() || r.name]));
}

export async function customersByRfmSegment(db: Db, shop: string): Promise<CountBy[]> {
  const [groups, names] = await Promise.all([
    db.customerScore.groupBy({ by: ["rfmSegment"], where: { shop }, _count: { _all: true }, _sum: { monetary: true } }),
    segmentNames(db, shop, "rfm"),
  ]);
  return groups
    .map((g) => ({
      key: g.rfmSegment,
      label: names.get(g.rfmSegment) ?? humanize(g.rfmSegment),
      customers: g._count._all,
      revenue: g._sum.monetary ?? 0,
    }))
    .sort((a, b) => b.customers - a.customers);
}

export interface RiskBucket {
  label: string;
  from: number;
  to: number;
  customers: number;
  /** The bucket's customers by their risk band (the analysis' bands, which colour the histogram). */
  byBand: { low: number; medium: number; high: number };
}

/** Customers by churn probability in ten 10-point buckets, each split by risk band. */
export async function churnRiskDistribution(db: Db, shop: string): Promise<RiskBucket[]> {
  const edges = Array.from({ length: 11 }, (_, i) => i / 10);
  const groups = await Promise.all(
    edges.slice(0, 10).map((from, i) =>
      db.customerScore.groupBy({
        by: ["riskBand"],
        where: { shop, churnProbability: i === 9 ? { gte: from } : { gte: from, lt: edges[i + 1] } },
        _count: { _all: true },
      }),
    ),
  );
  return groups.map((g, i) => {
    const byBand = { low: 0, medium: 0, high: 0 };
    for (const row of g) if (row.riskBand in byBand) byBand[row.riskBand as keyof typeof byBand] += row._count._all;
    return {
      label: `${i * 10}–${i * 10 + 10}%`,
      from: edges[i],
      to: edges[i + 1],
      customers: g.reduce((s, r) => s + r._count._all, 0),
      byBand,
    };
  });
}

export interface CohortRow {
  cohort: string; // YYYY-MM of the first order
  customers: number;
  /** Share of the cohort that ordered in month 0, 1, 2, ... after the first (null = not yet observed). */
  retention: Array<number | null>;
}

/**
 * The analysis' cohort matrix (app/analytics/evaluation/metrics.ts cohortMatrix, computed once by the analysis and
 * stored in its metrics), trimmed to the last `months` cohorts and months; null when it has none.
 */
export function cohortsFromMetrics(metrics: MetricsReading | null, months = 12, asOf?: Date): CohortRow[] | null {
  const list = metrics?.cohorts;
  if (!list?.length) return null;
  const rows: CohortRow[] = list.map((c) => ({
    cohort: c.cohort,
    customers: c.size,
    retention: c.retention.slice(0, months),
  }));
  const sorted = rows.sort((a, b) => a.cohort.localeCompare(b.cohort)).slice(-months);
  return asOf ? blankUnfinishedMonths(sorted, asOf) : sorted;
}

const monthOf = (cohort: string) => Number(cohort.slice(0, 4)) * 12 + Number(cohort.slice(5, 7)) - 1;

/**
 * Months not finished at `asOf` (the month in progress and later) become null, shown blank: a month
 * half gone would read as a drop in retention, and one not begun as 0%.
 */
export function blankUnfinishedMonths(rows: CohortRow[], asOf: Date): CohortRow[] {
  const current = asOf.getUTCFullYear() * 12 + asOf.getUTCMonth();
  return rows.map((r) => ({
    ...r,
    retention: r.retention.map((v, k) => (monthOf(r.cohort) + k >= current ? null : v)),
  }));
}
