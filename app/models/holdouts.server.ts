/**
 * Control groups: per app segment, the merchant's switch and share (ControlGroup), each
 * customer's recorded draw (HoldoutAssignment: held out or treated, from the day they entered the segment
 * until they left it), and the uplift report that compares the two sides.
 *
 * The draw itself is pure (app/analytics/experiments/holdout.ts). Assignments are recorded only by a publish that
 * writes (the day a customer can first be treated); a preview uses the recorded ones plus the draw for
 * new members, without saving. Opted-out customers are never members.
 */
import { randomInt } from "node:crypto";
import type { Db } from "../db.server";
import { DEFAULT_HOLDOUT_SHARE, checkShare, planAssignments, type Assignment } from "../analytics/experiments/holdout";
import { netValue, skipReason, dayOf } from "../analytics/data/purchase-history";
import { entriesPerWeek, measureUplift, type Outcome, type UpliftResult } from "../analytics/experiments/uplift";
import type { OrderInput } from "../analytics/types";

export const SEGMENT_KINDS = ["rfm", "cluster", "risk"] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export interface ControlGroupSettings {
  segmentKind: SegmentKind;
  segmentKey: string;
  enabled: boolean;
  share: number;
  enabledAt: Date | null;
}

/** `${kind}:${key}`, the name of a segment in the draw and in the publish's lists. */
export const segmentRef = (kind: string, key: string) => `${kind}:${key}`;

function checkKind(kind: string): SegmentKind {
  if (!(SEGMENT_KINDS as readonly string[]).includes(kind))
    throw new Error(`Unknown segment kind "${kind}" (expected rfm, cluster or risk)`);
  return kind as SegmentKind;
}

export async function listControlGroups(db: Db, shop: string): Promise<ControlGroupSettings[]> {
  const rows = await db.controlGroup.findMany({
    where: { shop },
    orderBy: [{ segmentKind: "asc" }, { segmentKey: "asc" }],
  });
  return rows.map((r) => ({
    segmentKind: r.segmentKind as SegmentKind,
    segmentKey: r.segmentKey,
    enabled: r.enabled,
    share: r.share,
    enabledAt: r.enabledAt,
  }));
}

/**
 * Turns a segment's control group on or off, or changes its share (1% to 50%, default 10%). The seed is
 * drawn once, when the group is first created, and never changes.
 */
export async function setControlGroup(
  db: Db,
  shop: string,
  segmentKind: string,
  segmentKey: string,
  change: { enabled?: boolean; share?: number },
  now = new Date(),
): Promise<ControlGroupSettings> {
  const kind = checkKind(segmentKind);
  if (!segmentKey.trim()) throw new Error("A control group needs a segment key");
  if (change.share !== undefined) checkShare(change.share);
  const existing = await db.controlGroup.findUnique({
    where: { shop_segmentKind_segmentKey: { shop, segmentKind: kind, segmentKey } },
  });
  const enabledAt =
    change.enabled && !existing?.enabled ? now : change.enabled === false ? null : (existing?.enabledAt ?? null);
  const row = await db.controlGroup.upsert({
    where: { shop_segmentKind_segmentKey: { shop, segmentKind: kind, segmentKey } },
    create: {
      shop,
      segmentKind: kind,
      segmentKey,
      enabled: change.enabled ?? false,
      share: change.share ?? DEFAULT_HOLDOUT_SHARE,
      seed: randomInt(1, 2 ** 31 - 1),
      enabledAt,
    },
    update: {
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...(change.share !== undefined ? { share: change.share } : {}),
      enabledAt,
    },
  });
  if (change.enabled === false) {
    // Off: nobody is held out any more; the open assignments end today (the history stays for the report).
    await db.holdoutAssignment.updateMany({
      where: { shop, segmentKind: kind, segmentKey, leftAt: null },
      data: { leftAt: now },
    });
  }
  return { segmentKind: kind, segmentKey, enabled: row.enabled, share: row.share, enabledAt: row.enabledAt };
}

export interface HoldoutState {
  /** Customers held out of at least one enabled control group. */
  heldOut: Set<string>;
  /** Segments (segmentRef) with a control group on: their Shopify segment leaves held-out customers out. */
  segments: Set<string>;
  /** Assignments entered and left by this refresh (0 when nothing was saved). */
  entered: number;
  left: number;
}

const memberColumn = { rfm: "rfmSegment", cluster: "clusterKey", risk: "riskBand" } as const;

/**
 * The current holdout state of the shop's enabled control groups. With `save`, new members' draws and
 * leavers are recorded (a publish that writes); otherwise nothing is written.
 */
export async function refreshHoldouts(
  db: Db,
  shop: string,
  options: { save: boolean; optedOut: ReadonlySet<string>; now?: Date },
): Promise<HoldoutState> {
  const now = options.now ?? new Date();
  const state: HoldoutState = { heldOut: new Set(), segments: new Set(), entered: 0, left: 0 };
  const groups = await db.controlGroup.findMany({ where: { shop, enabled: true } });
  for (const g of groups) {
    const kind = checkKind(g.segmentKind);
    const column = memberColumn[kind];
    const members = await db.customerScore.findMany({
      where: { shop, [column]: g.segmentKey },
      select: { customerId: true },
    });
    const existing = await db.holdoutAssignment.findMany({
      where: { shop, segmentKind: kind, segmentKey: g.segmentKey, leftAt: null },
      select: { customerId: true, heldOut: true, assignedAt: true, leftAt: true },
    });
    const plan = planAssignments(
      members.map((m) => m.customerId).filter((id) => !options.optedOut.has(id)),
      existing as Assignment[],
      { seed: g.seed, segment: segmentRef(kind, g.segmentKey), share: g.share },
      now,
    );
    state.segments.add(segmentRef(kind, g.segmentKey));
    for (const id of plan.heldOut) state.heldOut.add(id);
    if (!options.save) continue;
    for (let i = 0; i < plan.leave.length; i += 500) {
      await db.holdoutAssignment.updateMany({
        where: {
          shop,
          segmentKind: kind,
          segmentKey: g.segmentKey,
          customerId: { in: plan.leave.slice(i, i + 500) },
          leftAt: null,
        },
        data: { leftAt: now },
      });
    }
    // New members in batches; a customer back in the segment reopens their row with a new date.
    for (let i = 0; i < plan.enter.length; i += 500) {
      const batch = plan.enter.slice(i, i + 500);
      const closed = await db.holdoutAssignment.findMany({
        where: {
          shop,
          segmentKind: kind,
          segmentKey: g.segmentKey,
          customerId: { in: batch.map((a) => a.customerId) },
        },
        select: { customerId: true },
      });
      const back = new Set(closed.map((r) => r.customerId));
      await db.holdoutAssignment.createMany({
        data: batch
          .filter((a) => !back.has(a.customerId))
          .map((a) => ({
            shop,
            segmentKind: kind,
            segmentKey: g.segmentKey,
            customerId: a.customerId,
            heldOut: a.heldOut,
            assignedAt: a.assignedAt,
          })),
      });
      for (const a of batch.filter((x) => back.has(x.customerId))) {
        await db.holdoutAssignment.update({
          where: {
            shop_segmentKind_segmentKey_customerId: {
              shop,
              segmentKind: kind,
              segmentKey: g.segmentKey,
              customerId: a.customerId,
            },
          },
          data: { heldOut: a.heldOut, assignedAt: a.assignedAt, leftAt: null },
        });
      }
    }
    state.entered += plan.enter.length;
    state.left += plan.leave.length;
  }
  return state;
}

/** Ends every open assignment of an opted-out customer (no control-group membership). */
export async function closeAssignmentsOf(db: Db, shop: string, customerId: string, now = new Date()): Promise<number> {
  const r = await db.holdoutAssignment.updateMany({ where: { shop, customerId, leftAt: null }, data: { leftAt: now } });
  return r.count;
}

export const PERIODS = [30, 90, 180, 365] as const;

export interface UpliftReport {
  segmentKind: SegmentKind;
  segmentKey: string;
  periodDays: number;
  share: number;
  enabled: boolean;
  result: UpliftResult;
  entriesPerWeek: number;
}

/**
 * Treated against held out for one control group: customers assigned in the last `periodDays` days,
 * each followed from the day of their assignment to `now` (whether they ordered again, and their net
 * revenue), whether or not they are still in the segment (the outcome is often why they left it).
 * Treated customers held out of another control group meanwhile are left out (they were not treated).
 */
export async function upliftReport(
  db: Db,
  shop: string,
  segmentKind: string,
  segmentKey: string,
  periodDays: number,
  now = new Date(),
): Promise<UpliftReport> {
  const kind = checkKind(segmentKind);
  const group = await db.controlGroup.findUnique({
    where: { shop_segmentKind_segmentKey: { shop, segmentKind: kind, segmentKey } },
  });
  const since = new Date(now.getTime() - periodDays * 86_400_000);
  const assignments = await db.holdoutAssignment.findMany({
    where: { shop, segmentKind: kind, segmentKey, assignedAt: { gte: since, lte: now } },
    select: { customerId: true, heldOut: true, assignedAt: true },
  });
  const ids = assignments.map((a) => a.customerId);
  const elsewhere = new Set<string>();
  const revenue = new Map<string, { returned: boolean; revenue: number }>();
  const assignedAt = new Map(assignments.map((a) => [a.customerId, a.assignedAt]));
  const asOfDay = dayOf(now);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const others = await db.holdoutAssignment.findMany({
      where: { shop, customerId: { in: chunk }, heldOut: true, leftAt: null, NOT: { segmentKind: kind, segmentKey } },
      select: { customerId: true },
    });
    for (const o of others) elsewhere.add(o.customerId);
    const orders = await db.order.findMany({
      where: { shop, customerId: { in: chunk }, processedAt: { gte: since, lte: now } },
      include: { lineItems: true },
    });
    for (const o of orders) {
      const from = assignedAt.get(o.customerId!);
      if (!from || o.processedAt.getTime() <= from.getTime()) continue;
      const input: OrderInput = {
        id: o.id,
        customerId: o.customerId,
        processedAt: o.processedAt,
        cancelledAt: o.cancelledAt,
        test: o.test,
        total: o.totalAmount,
        refunded: o.refundedAmount,
        currency: o.currencyCode,
        financialStatus: o.financialStatus,
        lineItems: o.lineItems.map((l) => ({
          productId: l.productId,
          variantId: l.variantId,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          unitPrice: l.unitPrice,
        })),
      };
      if (skipReason(input, asOfDay) !== null) continue;
      const entry = revenue.get(o.customerId!) ?? { returned: false, revenue: 0 };
      entry.returned = true;
      entry.revenue += netValue(input);
      revenue.set(o.customerId!, entry);
    }
  }
  const treated: Outcome[] = [];
  const heldOut: Outcome[] = [];
  for (const a of assignments) {
    const outcome = revenue.get(a.customerId) ?? { returned: false, revenue: 0 };
    if (a.heldOut) heldOut.push(outcome);
    else if (!elsewhere.has(a.customerId)) treated.push(outcome);
  }
  // The rate new customers enter: the last 8 weeks, not counting the first day's batch (every member at once).
  const firstDay = (group?.enabledAt ?? since).getTime() + 86_400_000;
  const windowDays = Math.min(56, periodDays, Math.max(0, (now.getTime() - firstDay) / 86_400_000));
  const perWeek =
    windowDays >= 1
      ? entriesPerWeek(
          assignments.map((a) => a.assignedAt),
          now,
          windowDays,
        )
      : 0;
  const share = group?.share ?? DEFAULT_HOLDOUT_SHARE;
  return {
    segmentKind: kind,
    segmentKey,
    periodDays,
    share,
    enabled: group?.enabled ?? false,
    entriesPerWeek: perWeek,
    result: measureUplift(treated, heldOut, { entriesPerWeek: perWeek, share }),
  };
}
