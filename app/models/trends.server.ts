/**
 * Trends across analyses. Each analysis replaces the customer scores, so its shop-level figures are kept
 * in an AnalysisSnapshot: churn rate, value at risk, RFM segment sizes, and how many customers moved from
 * one RFM segment to another since the previous analysis (counts only, no customer ids are kept).
 *
 * The analyze job reads the segments before it saves (`segmentsBefore`) and records the snapshot after
 * (`recordAnalysisSnapshot`). A latest analysis without one (made before snapshots existed, or whose job
 * ended between saving the scores and the snapshot) is shown from its scores, without moves, and nothing
 * is written: the admin's pages only read.
 */
import type { Db } from "../db.server";
import {
  readMetrics,
  readMoves,
  readSegmentSizes,
  writeMoves,
  writeSegmentSizes,
  type SegmentMove,
} from "./json-columns.server";
import { latestAnalysisId } from "./scores.server";
import { humanize } from "./segments.server";

export type { SegmentMove };

/** Each scored customer's RFM segment now (before an analysis replaces them). */
export async function segmentsBefore(db: Db, shop: string): Promise<Map<string, string>> {
  const rows = await db.customerScore.findMany({ where: { shop }, select: { customerId: true, rfmSegment: true } });
  return new Map(rows.map((r) => [r.customerId, r.rfmSegment]));
}

/** Customers whose segment changed between `before` and `after`, counted by (from, to), largest first. */
export function countMoves(
  before: ReadonlyMap<string, string>,
  after: Iterable<{ customerId: string; rfmSegment: string }>,
): SegmentMove[] {
  const counts = new Map<string, SegmentMove>();
  for (const c of after) {
    const from = before.get(c.customerId);
    if (from === undefined || from === c.rfmSegment) continue;
    const key = `${from}\u0000${c.rfmSegment}`;
    const m = counts.get(key) ?? { from, to: c.rfmSegment, customers: 0 };
    m.customers++;
    counts.set(key, m);
  }
  return [...counts.values()].sort(
    (a, b) => b.customers - a.customers || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
}

/** The snapshot of analysis `analysisId` from the scores it saved (read only; see recordAnalysisSnapshot). */
async function snapshotOf(db: Db, shop: string, analysisId: string, before?: ReadonlyMap<string, string>) {
  const analysis = await db.analysis.findFirst({ where: { id: analysisId, shop } });
  if (!analysis) throw new Error(`snapshot: no analysis ${analysisId} for ${shop}`);
  const [agg, groups, previous] = await Promise.all([
    db.customerScore.aggregate({
      where: { shop },
      _count: { _all: true },
      _avg: { churnProbability: true },
      _sum: { valueAtRisk: true },
    }),
    db.customerScore.groupBy({ by: ["rfmSegment"], where: { shop }, _count: { _all: true } }),
    db.analysisSnapshot.findFirst({
      where: { shop, analysisId: { not: analysisId } },
      orderBy: { asOf: "desc" },
      select: { analysisId: true },
    }),
  ]);
  let moves: SegmentMove[] = [];
  if (before && before.size > 0) {
    const after = await db.customerScore.findMany({ where: { shop }, select: { customerId: true, rfmSegment: true } });
    moves = countMoves(before, after);
  }
  const metrics = readMetrics(analysis.metricsJson, `analysis ${analysis.id}`);
  const data = {
    shop,
    asOf: analysis.asOf,
    horizonDays: analysis.horizonDays,
    customers: agg._count._all,
    predictedChurn: agg._avg.churnProbability ?? null,
    observedChurn: metrics?.period?.churnRate ?? null,
    valueAtRisk: agg._sum.valueAtRisk ?? 0,
    segmentsJson: writeSegmentSizes(Object.fromEntries(groups.map((g) => [g.rfmSegment, g._count._all]))),
    movesJson: writeMoves(before ? moves : []),
    previousAnalysisId: before ? (previous?.analysisId ?? null) : null,
  };
  return { analysisId, ...data };
}

/**
 * Records the snapshot of analysis `analysisId` from the scores it saved. `before` (segmentsBefore,
 * read before the save) gives the moves; without it the snapshot has none. Idempotent per analysis.
 */
export async function recordAnalysisSnapshot(
  db: Db,
  shop: string,
  analysisId: string,
  before?: ReadonlyMap<string, string>,
): Promise<void> {
  const { analysisId: id, ...data } = await snapshotOf(db, shop, analysisId, before);
  await db.analysisSnapshot.upsert({ where: { analysisId: id }, create: { analysisId: id, ...data }, update: data });
}

/** The latest analyses' snapshots, newest first; the latest analysis's computed, not stored, when it has none. */
async function latestSnapshots(db: Db, shop: string, take: number) {
  const [rows, latest] = await Promise.all([
    db.analysisSnapshot.findMany({ where: { shop }, orderBy: { asOf: "desc" }, take }),
    latestAnalysisId(db, shop),
  ]);
  if (!latest || rows.some((r) => r.analysisId === latest)) return rows;
  const computed = await snapshotOf(db, shop, latest);
  return [computed, ...rows].slice(0, take);
}

export interface TrendPoint {
  analysisId: string;
  asOf: string;
  horizonDays: number;
  customers: number;
  predictedChurn: number | null;
  observedChurn: number | null;
  valueAtRisk: number;
  segments: Record<string, number>;
}

export interface MoveView extends SegmentMove {
  fromLabel: string;
  toLabel: string;
  /** "slipped" when the customers moved to a segment with a higher average churn risk, else "moved up". */
  direction: "slipped" | "moved up";
}

export interface Trends {
  points: TrendPoint[];
  /** Segment keys and names in the order to show them. */
  segments: Array<{ key: string; label: string }>;
  /** Moves since the previous analysis (latest snapshot), null when it has none to compare with. */
  moves: MoveView[] | null;
}

/** The last `take` analyses' figures, oldest first, and the latest moves in words. */
export async function getTrends(db: Db, shop: string, take = 12): Promise<Trends> {
  const [rows, segments] = await Promise.all([
    latestSnapshots(db, shop, take),
    db.segment.findMany({
      where: { shop, kind: "rfm" },
      select: { key: true, name: true, customName: true, avgChurn: true, size: true },
    }),
  ]);
  const points = rows.reverse().map((r) => ({
    analysisId: r.analysisId,
    asOf: r.asOf.toISOString(),
    horizonDays: r.horizonDays,
    customers: r.customers,
    predictedChurn: r.predictedChurn,
    observedChurn: r.observedChurn,
    valueAtRisk: r.valueAtRisk,
    segments: readSegmentSizes(r.segmentsJson, `snapshot of analysis ${r.analysisId}`),
  }));
  const label = new Map(segments.map((s) => [s.key, s.customName?.trim() || s.name]));
  const churnOf = new Map(segments.map((s) => [s.key, s.avgChurn]));
  const keys = new Set(points.flatMap((p) => Object.keys(p.segments)));
  const ordered = [...keys].sort((a, b) => (churnOf.get(a) ?? 0) - (churnOf.get(b) ?? 0) || a.localeCompare(b));
  const latest = rows.length ? rows[rows.length - 1] : null;
  let moves: MoveView[] | null = null;
  if (latest?.previousAnalysisId) {
    moves = readMoves(latest.movesJson, `snapshot of analysis ${latest.analysisId}`).map((m) => ({
      ...m,
      fromLabel: label.get(m.from) ?? humanize(m.from),
      toLabel: label.get(m.to) ?? humanize(m.to),
      direction: (churnOf.get(m.to) ?? 0) > (churnOf.get(m.from) ?? 0) ? ("slipped" as const) : ("moved up" as const),
    }));
  }
  return { points, segments: ordered.map((key) => ({ key, label: label.get(key) ?? humanize(key) })), moves };
}
