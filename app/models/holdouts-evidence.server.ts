/**
 * The control groups' evidence, for every page that orders customers or says what to do next: per
 * segment with a control group, whether the campaign measurably works there (the anytime-valid sequence
 * leaves out 0), with the uplift shrunk toward the shop's overall uplift (empirical Bayes across the shop's
 * control groups). Other pages call `segmentEvidence` and the pure helpers of
 * app/analytics/experiments/decisions.ts (expectedRecovered, orderByEvidence, evidenceAdvice).
 */
import type { Db } from "../db.server";
import { shrinkSegments } from "../analytics/experiments/shrinkage";
import { evidenceStatus, type SegmentEvidence } from "../analytics/experiments/decisions";
import { weeksToClear, type WeeksToClear } from "../analytics/experiments/weeks-to-clear";
import { listControlGroups, segmentRef, upliftReport, type UpliftReport } from "./holdouts.server";

/** The follow-up window the evidence is read at (days from the draw), the page's default. */
export const EVIDENCE_FOLLOW_UP_DAYS = 90;

export interface GroupEvidence {
  report: UpliftReport;
  /** The segment's uplift borrowing strength from the shop's other control groups (null: nothing counted). */
  shrunk: { estimate: number; variance: number; shrinkage: number; overall: number } | null;
  /** Weeks until the answer is expected to be clear (null when it is clear already). */
  weeks: WeeksToClear | null;
  evidence: SegmentEvidence;
}

/** Reports of every control group of the shop, shrunk together, with their evidence. */
export async function controlGroupEvidence(
  db: Db,
  shop: string,
  followUpDays = EVIDENCE_FOLLOW_UP_DAYS,
  names: ReadonlyMap<string, string> = new Map(),
  now = new Date(),
): Promise<GroupEvidence[]> {
  const groups = await listControlGroups(db, shop);
  const reports: UpliftReport[] = [];
  for (const g of groups)
    reports.push(await upliftReport(db, shop, g.segmentKind, g.segmentKey, followUpDays, undefined, now));
  const counted = reports.map(
    (r) => r.current.treated > 0 && r.current.heldOut > 0 && Number.isFinite(r.sequence.variance),
  );
  const shrink = shrinkSegments(
    reports.map((r, i) =>
      counted[i] ? { estimate: r.sequence.diff, variance: r.sequence.variance } : { estimate: NaN, variance: NaN },
    ),
  );
  return reports.map((r, i) => {
    const ref = segmentRef(r.segmentKind, r.segmentKey);
    const s = counted[i] ? shrink.segments[i] : null;
    const shrunk = s ? { ...s, overall: shrink.overall.estimate } : null;
    const status = r.sequence.ready ? evidenceStatus(r.sequence.low, r.sequence.high) : "unclear";
    const best = shrunk?.estimate ?? r.sequence.diff;
    const uplift = Number.isFinite(best) ? Math.min(Math.max(best, r.sequence.low), r.sequence.high) : 0;
    const weeks =
      r.result.verdict === "too-few"
        ? weeksToClear({
            counted: r.current.treated + r.current.heldOut,
            variance: r.sequence.variance,
            estimate: best,
            pendingEnds: r.pendingEnds,
            asOf: r.asOf,
            perWeek: r.entriesPerWeek,
            followUpDays,
          })
        : null;
    return {
      report: r,
      shrunk,
      weeks,
      evidence: {
        segment: ref,
        name: names.get(ref) ?? r.segmentKey,
        status,
        uplift,
        low: r.sequence.low,
        high: r.sequence.high,
      },
    };
  });
}

/** segmentRef → evidence, for the pages that order customers or advise (other engineers' pages). */
export async function segmentEvidence(db: Db, shop: string): Promise<Map<string, SegmentEvidence>> {
  const segments = await db.segment.findMany({
    where: { shop, active: true },
    select: { kind: true, key: true, name: true, customName: true },
  });
  const names = new Map(segments.map((s) => [segmentRef(s.kind, s.key), s.customName?.trim() || s.name]));
  const all = await controlGroupEvidence(db, shop, EVIDENCE_FOLLOW_UP_DAYS, names);
  return new Map(all.map((g) => [g.evidence.segment, g.evidence]));
}
