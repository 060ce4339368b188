/** The dashboard's charts: customers and revenue by RFM segment, the churn-risk histogram, cohort retention. */
import type { Db } from "../db.server";
import { isRecord } from "./read-json.server";
import { humanize } from "./segments.server";

export interface CountBy {
  key: string;
  label: string;
  customers: number;
  revenue: number;
}

async function segmentNames(db: Db, shop: string, kind: string): Promise<Map<string, string>> {
  const rows = await db.segment.findMany({ where: { shop, kind }, select: { key: true, name: true, customName: true } });
  return new Map(rows.map((r) => [r.key, r.customName?.trim() || r.name]));
}

export async function customersByRfmSegment(db: Db, shop: string): Promise<CountBy[]> {
  const [groups, names] = await Promise.all([
    db.customerScore.groupBy({ by: ["rfmSegment"], where: { shop }, _count: { _all: true }, _sum: { monetary: true } }),
    segmentNames(db, shop, "rfm"),
  ]);
  return groups
    .map((g) => ({ key: g.rfmSegment, label: names.get(g.rfmSegment) ?? humanize(g.rfmSegment), customers: g._count._all, revenue: g._sum.monetary ?? 0 }))
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
    return { label: `${i * 10}–${i * 10 + 10}%`, from: edges[i], to: edges[i + 1], customers: g.reduce((s, r) => s + r._count._all, 0), byBand };
  });
}

export interface CohortRow {
  cohort: string; // YYYY-MM of the first order
  customers: number;
  /** Share of the cohort that ordered in month 0, 1, 2, ... after the first (null = not yet observed). */
  retention: Array<number | null>;
}

const MAX_COHORT_ORDERS = 300_000;

/** The analysis' cohort matrix (metricsJson.cohorts: { cohort, size, retention[] }), trimmed to the last `months` cohorts and months. */
export function cohortsFromMetrics(metrics: unknown, months = 12, asOf?: Date): CohortRow[] | null {
  const list = isRecord(metrics) ? metrics.cohorts : undefined;
  if (!Array.isArray(list) || list.length === 0) return null;
  const rows: CohortRow[] = [];
  for (const c of list) {
    if (!isRecord(c) || typeof c.cohort !== "string" || !Array.isArray(c.retention)) return null;
    rows.push({
      cohort: c.cohort,
      customers: typeof c.size === "number" ? c.size : typeof c.customers === "number" ? c.customers : 0,
      retention: c.retention.slice(0, months).map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null)),
    });
  }
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
  return rows.map((r) => ({ ...r, retention: r.retention.map((v, k) => (monthOf(r.cohort) + k >= current ? null : v)) }));
}

/**
 * Monthly cohort retention from the stored orders (paid, non-test, non-cancelled, with a customer): the
 * last `months` cohorts, each with the share of its customers ordering in each later month.
 */
export async function cohortRetention(db: Db, shop: string, months = 12, asOf = new Date()): Promise<CohortRow[] | null> {
  const where = { shop, customerId: { not: null }, test: false, cancelledAt: null };
  const total = await db.order.count({ where });
  if (total === 0 || total > MAX_COHORT_ORDERS) return null;
  const orders = await db.order.findMany({ where, select: { customerId: true, processedAt: true } });
  const monthIndex = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
  const byCustomer = new Map<string, Set<number>>();
  let lastMonth = 0;
  for (const o of orders) {
    const m = monthIndex(o.processedAt);
    lastMonth = Math.max(lastMonth, m);
    const set = byCustomer.get(o.customerId as string) ?? new Set<number>();
    set.add(m);
    byCustomer.set(o.customerId as string, set);
  }
  const cohorts = new Map<number, Array<Set<number>>>();
  for (const set of byCustomer.values()) {
    const first = Math.min(...set);
    if (first <= lastMonth - months) continue;
    const list = cohorts.get(first) ?? [];
    list.push(set);
    cohorts.set(first, list);
  }
  const rows = [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([first, members]) => ({
      cohort: `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, "0")}`,
      customers: members.length,
      retention: Array.from({ length: months }, (_, k) =>
        first + k > lastMonth ? null : members.filter((s) => s.has(first + k)).length / members.length,
      ),
    }));
  return blankUnfinishedMonths(rows, asOf);
}
