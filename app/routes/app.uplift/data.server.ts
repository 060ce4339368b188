/**
 * The control-groups page (/app/uplift): the active segments a control group can be turned on for, and
 * for each control group its uplift report over the chosen period (app/models/holdouts.server.ts).
 */
import type { Db } from "../../db.server";
import { PERIODS, listControlGroups, segmentRef, upliftReport, type UpliftReport } from "../../models/holdouts.server";
import { getShopCurrency } from "../../models/shop-settings.server";

/** The period asked for, or 90 days when it is not one of PERIODS. */
export function upliftPeriod(raw: string | null): number {
  const n = Number(raw ?? 90);
  return (PERIODS as readonly number[]).includes(n) ? n : 90;
}

export interface UpliftPage {
  period: number;
  periods: number[];
  currency: string;
  segments: Array<{ ref: string; kind: string; name: string; size: number }>;
  reports: Array<UpliftReport & { name: string; enabledAt: string | null }>;
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
  const reports: UpliftPage["reports"] = [];
  for (const g of groups) {
    const r = await upliftReport(db, shop, g.segmentKind, g.segmentKey, period, now);
    reports.push({
      ...r,
      name: names.get(segmentRef(g.segmentKind, g.segmentKey)) ?? g.segmentKey,
      enabledAt: g.enabledAt?.toISOString() ?? null,
    });
  }
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
    reports,
  };
}
