/**
 * The demo's control group: `npm run demo` turns one on for the at-risk segment `daysAgo` days
 * before the demo shop's last day, and records the draws as weekly publishes would have done since: each
 * customer enters the week their last order became 60 to 365 days old. The demo shop's own later orders are
 * the outcome, so the uplift page has a real comparison to show. The demo shop simulates no campaign, so
 * the honest answer it shows is "no clear difference" (or "too few customers" for a small demo shop).
 */
import type { Db } from "../app/db.server";
import { planAssignments } from "../app/analytics/experiments/holdout";
import { segmentRef, setControlGroup } from "../app/models/holdouts.server";

const DAY = 86_400_000;

export interface DemoControlGroup {
  segmentKey: string;
  customers: number;
  heldOut: number;
  since: Date;
}

export async function seedDemoControlGroup(
  db: Db,
  shop: string,
  opts: { asOf?: Date; daysAgo?: number; share?: number; seed?: number } = {},
): Promise<DemoControlGroup> {
  // The demo shop's "today": the day after its last order, unless given.
  const latest = await db.order.findFirst({
    where: { shop },
    orderBy: { processedAt: "desc" },
    select: { processedAt: true },
  });
  const asOf = opts.asOf ?? new Date(Math.floor((latest?.processedAt.getTime() ?? Date.now()) / DAY + 1) * DAY);
  const since = new Date(asOf.getTime() - (opts.daysAgo ?? 180) * DAY);
  const segment =
    (await db.segment.findFirst({ where: { shop, kind: "rfm", key: { in: ["at_risk", "at-risk"] } } })) ??
    (await db.segment.findFirst({ where: { shop, kind: "rfm" }, orderBy: { size: "desc" } }));
  if (!segment)
    throw new Error(`${shop} has no RFM segment yet: run the analysis before seeding the demo control group`);
  // Week by week from `since`, customers enter the segment when their last order becomes 60 to 365 days
  // old (as the weekly analysis would have put them there), each dated the week they entered.
  const orders = await db.order.findMany({
    where: { shop, customerId: { not: null }, test: false, cancelledAt: null, processedAt: { lt: asOf } },
    select: { customerId: true, processedAt: true },
    orderBy: { processedAt: "asc" },
  });
  const dates = new Map<string, number[]>();
  for (const o of orders) {
    const list = dates.get(o.customerId!);
    if (list) list.push(o.processedAt.getTime());
    else dates.set(o.customerId!, [o.processedAt.getTime()]);
  }
  const entered = new Map<string, Date>();
  for (let week = since.getTime(); week <= asOf.getTime() - 14 * DAY; week += 7 * DAY) {
    for (const [customerId, list] of dates) {
      if (entered.has(customerId)) continue;
      let lastBefore = -Infinity;
      for (const d of list) if (d < week) lastBefore = d;
      const gap = (week - lastBefore) / DAY;
      if (gap >= 60 && gap <= 365) entered.set(customerId, new Date(week));
    }
  }
  const members = [...entered.keys()];
  const group = await setControlGroup(
    db,
    shop,
    segment.kind,
    segment.key,
    { enabled: true, share: opts.share ?? 0.2 },
    since,
  );
  // A fixed seed: the demo shows the same draw every time.
  const row = await db.controlGroup.update({
    where: { shop_segmentKind_segmentKey: { shop, segmentKind: segment.kind, segmentKey: segment.key } },
    data: { seed: opts.seed ?? 16 },
  });
  await db.holdoutAssignment.deleteMany({ where: { shop, segmentKind: segment.kind, segmentKey: segment.key } });
  const plan = planAssignments(
    members,
    [],
    { seed: row.seed, segment: segmentRef(segment.kind, segment.key), share: group.share },
    since,
  );
  const rows = plan.enter.map((a) => ({
    shop,
    segmentKind: segment.kind,
    segmentKey: segment.key,
    customerId: a.customerId,
    heldOut: a.heldOut,
    assignedAt: entered.get(a.customerId)!,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.holdoutAssignment.createMany({ data: rows.slice(i, i + 500) });
  return { segmentKey: segment.key, customers: members.length, heldOut: plan.heldOut.size, since };
}
