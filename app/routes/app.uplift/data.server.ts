/**
 * The control-groups page (/app/uplift): the active segments a control group can be turned on for, and
 * for each control group its results over the chosen follow-up window (app/models/holdouts.server.ts),
 * shrunk across the shop's control groups, with the weeks still needed and what changed since the
 * previous weekly look (app/models/holdouts-evidence.server.ts).
 */
import type { Db } from "../../db.server";
import { PERIODS, listControlGroups, segmentRef, type UpliftReport } from "../../models/holdouts.server";
import { controlGroupEvidence, type GroupEvidence } from "../../models/holdouts-evidence.server";
import { getShopCurrency } from "../../models/shop-settings.server";

export interface WeekChange {
  /** The previous weekly look's as-of date. */
  since: Date;
  /** Customers who finished their window in the week, by group, and how many of them came back. */
  countedTreated: number;
  countedHeldOut: number;
  countedReturned: number;
  diffFrom: number | null;
  diffTo: number | null;
  /** Customers drawn since the previous look (counted once their window is over). */
  drawn: number;
}

/** What changed between the previous weekly look and this one (pure). */
export function weekChange(r: Pick<UpliftReport, "previous" | "current" | "pendingEnds" | "periodDays">): WeekChange {
  const since = r.previous.asOf;
  const drawnAfter = since.getTime() + r.periodDays * 86_400_000;
  return {
    since,
    countedTreated: r.current.treated - r.previous.treated,
    countedHeldOut: r.current.heldOut - r.previous.heldOut,
    countedReturned:
      r.current.treatedReturned + r.current.heldOutReturned - r.previous.treatedReturned - r.previous.heldOutReturned,
    diffFrom: r.previous.diff,
    diffTo: r.current.diff,
    drawn: r.pendingEnds.filter((end) => end > drawnAfter).length,
  };
}

export interface UpliftPage {
  period: number;
  periods: number[];
  currency: string;
  segments: Array<{ ref: string; kind: string; name: string; size: number }>;
  reports: Array<
    UpliftReport & {
      name: string;
      enabledAt: string | null;
      shrunk: GroupEvidence["shrunk"];
      weeks: GroupEvidence["weeks"];
      evidence: GroupEvidence["evidence"];
      change: WeekChange;
    }
  >;
}

export async function upliftPage(db: Db, shop: string, period: number, now: Date = new Date()): Promise<UpliftPage> {
  const [segments, groups, currency] = await Promise.all([
    db.segment.findMany({
      where: { shop, active: true },
      orderBy: [{ kind: "asc" }, { size: "desc" }],
      select: { kind: true, key: true, name: true, customName: true, size: true },
    }),
    listControlGroups(db, shop),
    getShopCurrency(db, shop),
  ]);
  const names = new Map(segments.map((s) => [segmentRef(s.kind, s.key), s.customName?.trim() || s.name]));
  const evidence = await controlGroupEvidence(db, shop, period, names, now);
  const enabledAt = new Map(groups.map((g) => [segmentRef(g.segmentKind, g.segmentKey), g.enabledAt]));
  return {
    period,
    periods: [...PERIODS],
    currency,
    segments: segments.map((s) => ({
      ref: segmentRef(s.kind, s.key),
      kind: s.kind,
      name: s.customName?.trim() || s.name,
      size: s.size,
    })),
    reports: evidence.map((g) => ({
      ...g.report,
      name: g.evidence.name,
      enabledAt: enabledAt.get(g.evidence.segment)?.toISOString() ?? null,
      shrunk: g.shrunk,
      weeks: g.weeks,
      evidence: g.evidence,
      change: weekChange(g.report),
    })),
  };
}
