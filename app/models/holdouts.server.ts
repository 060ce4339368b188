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
import {
  entriesPerWeek,
  followUpCohort,
  measureUplift,
  type CountedOrder,
  type FollowUpCohort,
  type UpliftResult,
} from "../analytics/experiments/uplift";
import { differenceSequence, rateMoments, type SequenceInterval } from "../analytics/experiments/confidence-sequence";
import { revenueUplift, type RevenueUplift } from "../analytics/experiments/revenue-uplift";
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
  change: { enabled?: boolean; share?: number; incentiveCost?: number | null },
  now = new Date(),
): Promise<ControlGroupSettings> {
  const kind = checkKind(segmentKind);
  if (!segmentKey.trim()) throw new Error("A control group needs a segment key");
  if (change.share !== undefined) checkShare(change.share);
  if (
    change.incentiveCost !== undefined &&
    change.incentiveCost !== null &&
    !(Number.isFinite(change.incentiveCost) && change.incentiveCost >= 0 && change.incentiveCost <= 1_000_000)
  )
    throw new Error(
      `The incentive's cost per customer must be a number from 0 to 1,000,000 (got ${change.incentiveCost})`,
    );
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
      incentiveCost: change.incentiveCost ?? null,
      enabledAt,
    },
    update: {
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...(change.share !== undefined ? { share: change.share } : {}),
      ...(change.incentiveCost !== undefined ? { incentiveCost: change.incentiveCost } : {}),
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
    const members = (
      await db.customerScore.findMany({
        where: { shop, [column]: g.segmentKey },
        select: { customerId: true },
      })
    )
      .map((m) => m.customerId)
      .filter((id) => !options.optedOut.has(id));
    // This group's recorded assignments, open and closed: a customer back in the segment gets theirs back.
    const existing = await db.holdoutAssignment.findMany({
      where: { shop, segmentKind: kind, segmentKey: g.segmentKey },
      select: { customerId: true, heldOut: true, assignedAt: true, leftAt: true },
    });
    // New members' arm in other control groups of the shop (their first assignment): kept when they move.
    const recorded = new Set(existing.map((e) => e.customerId));
    const newcomers = members.filter((id) => !recorded.has(id));
    const priorArm = new Map<string, boolean>();
    for (let i = 0; i < newcomers.length; i += 500) {
      const rows = await db.holdoutAssignment.findMany({
        where: { shop, customerId: { in: newcomers.slice(i, i + 500) } },
        select: { customerId: true, heldOut: true },
        orderBy: [{ assignedAt: "asc" }, { segmentKind: "asc" }, { segmentKey: "asc" }],
      });
      for (const r of rows) if (!priorArm.has(r.customerId)) priorArm.set(r.customerId, r.heldOut);
    }
    const plan = planAssignments(
      members,
      existing as Assignment[],
      { seed: g.seed, segment: segmentRef(kind, g.segmentKey), share: g.share },
      now,
      priorArm,
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
    // Back in the segment: the first assignment (date and arm) is reopened as it was.
    for (let i = 0; i < plan.reopen.length; i += 500) {
      await db.holdoutAssignment.updateMany({
        where: {
          shop,
          segmentKind: kind,
          segmentKey: g.segmentKey,
          customerId: { in: plan.reopen.slice(i, i + 500).map((a) => a.customerId) },
        },
        data: { leftAt: null },
      });
    }
    for (let i = 0; i < plan.enter.length; i += 500) {
      await db.holdoutAssignment.createMany({
        data: plan.enter.slice(i, i + 500).map((a) => ({
          shop,
          segmentKind: kind,
          segmentKey: g.segmentKey,
          customerId: a.customerId,
          heldOut: a.heldOut,
          assignedAt: a.assignedAt,
        })),
      });
    }
    state.entered += plan.enter.length + plan.reopen.length;
    state.left += plan.leave.length;
  }
  return state;
}

/** Ends every open assignment of an opted-out customer (no control-group membership). */
export async function closeAssignmentsOf(db: Db, shop: string, customerId: string, now = new Date()): Promise<number> {
  const r = await db.holdoutAssignment.updateMany({ where: { shop, customerId, leftAt: null }, data: { leftAt: now } });
  return r.count;
}

/** Follow-up windows the page offers: each customer is followed this many days from their draw. */
export const PERIODS = [30, 60, 90, 180] as const;

export interface LookSummary {
  asOf: Date;
  treated: number;
  heldOut: number;
  treatedReturned: number;
  heldOutReturned: number;
  /** Return-rate difference (treated − held out), null while a group is empty. */
  diff: number | null;
}

export interface UpliftReport {
  segmentKind: SegmentKind;
  segmentKey: string;
  /** The follow-up window in days. */
  periodDays: number;
  share: number;
  enabled: boolean;
  /** Incentive cost per treated customer the merchant entered (null: not entered). */
  incentiveCost: number | null;
  /** The date results are as of: the latest analysis (or order) the app holds, not the clock. */
  asOf: Date;
  /** Fixed-horizon comparison of the counted customers (kept for reference, and its group summaries). */
  result: UpliftResult;
  /** The anytime-valid confidence sequence of the return-rate difference (what the verdict rests on). */
  sequence: SequenceInterval;
  /** Revenue per customer uplift net of the incentive cost, heavy-tail interval at the sequence's level. */
  revenue: RevenueUplift;
  /** Drawn customers still inside their window, and when those windows end (ms, earliest first). */
  pendingTreated: number;
  pendingHeldOut: number;
  pendingEnds: number[];
  entriesPerWeek: number;
  /** The same figures at the previous weekly look (as-of minus 7 days), to say what changed. */
  previous: LookSummary;
  current: LookSummary;
}

/** The date results are as of: the latest analysis's as-of date (or latest order), never past `now`. */
export async function resultsAsOf(db: Db, shop: string, now = new Date()): Promise<Date> {
  const analysis = await db.analysis.findFirst({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { asOf: true },
  });
  const latest =
    analysis?.asOf ??
    (
      await db.order.findFirst({
        where: { shop, processedAt: { lte: now } },
        orderBy: { processedAt: "desc" },
        select: { processedAt: true },
      })
    )?.processedAt ??
    now;
  return new Date(Math.min(latest.getTime(), now.getTime()));
}

function summarizeLook(asOf: Date, c: FollowUpCohort): LookSummary {
  const tr = c.treated.filter((o) => o.returned).length;
  const hr = c.heldOut.filter((o) => o.returned).length;
  return {
    asOf,
    treated: c.treated.length,
    heldOut: c.heldOut.length,
    treatedReturned: tr,
    heldOutReturned: hr,
    diff: c.treated.length && c.heldOut.length ? tr / c.treated.length - hr / c.heldOut.length : null,
  };
}

/**
 * Treated against held out for one control group. Every customer ever drawn in it is followed for
 * `periodDays` from the day of their draw (whether they ordered, and their net revenue, in that window),
 * whether or not they are still in the segment (the outcome is often why they left it); a customer counts
 * once their window has ended by the as-of date. The as-of date is the data's (the latest analysis), so a
 * publish or a reload with no new data gives the same figures; `asOf` overrides it. Treated customers held
 * out of another control group meanwhile are left out (they were not treated).
 */
export async function upliftReport(
  db: Db,
  shop: string,
  segmentKind: string,
  segmentKey: string,
  periodDays: number,
  asOfGiven?: Date,
  now = new Date(),
): Promise<UpliftReport> {
  const kind = checkKind(segmentKind);
  const group = await db.controlGroup.findUnique({
    where: { shop_segmentKind_segmentKey: { shop, segmentKind: kind, segmentKey } },
  });
  const asOf = asOfGiven ?? (await resultsAsOf(db, shop, now));
  const assignments = await db.holdoutAssignment.findMany({
    where: { shop, segmentKind: kind, segmentKey },
    select: { customerId: true, heldOut: true, assignedAt: true },
    orderBy: { customerId: "asc" },
  });
  const ids = assignments.map((a) => a.customerId);
  const elsewhere = new Set<string>();
  const orders = new Map<string, CountedOrder[]>();
  const asOfDay = dayOf(asOf);
  const earliest = assignments.reduce((m, a) => Math.min(m, a.assignedAt.getTime()), Infinity);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const others = await db.holdoutAssignment.findMany({
      where: { shop, customerId: { in: chunk }, heldOut: true, NOT: { segmentKind: kind, segmentKey } },
      select: { customerId: true },
    });
    for (const o of others) elsewhere.add(o.customerId);
    const rows = await db.order.findMany({
      where: { shop, customerId: { in: chunk }, processedAt: { gt: new Date(earliest), lte: asOf } },
      include: { lineItems: true },
    });
    for (const o of rows) {
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
      const list = orders.get(o.customerId!) ?? [];
      list.push({ at: o.processedAt.getTime(), value: netValue(input) });
      orders.set(o.customerId!, list);
    }
  }
  const cohort = followUpCohort(assignments, orders, periodDays, asOf, elsewhere);
  const previousAsOf = new Date(asOf.getTime() - 7 * 86_400_000);
  const before = followUpCohort(
    assignments.filter((a) => a.assignedAt.getTime() <= previousAsOf.getTime()),
    orders,
    periodDays,
    previousAsOf,
    elsewhere,
  );
  // The rate new customers enter: the 8 weeks before the later of the as-of date and the latest draw (so
  // the clock alone moves nothing), not counting the first day's batch (every member at once).
  const latestDraw = assignments.reduce((m, a) => Math.max(m, a.assignedAt.getTime()), -Infinity);
  const rateEnd = new Date(Math.min(now.getTime(), Math.max(asOf.getTime(), latestDraw)));
  const firstDay = (group?.enabledAt ?? new Date(earliest)).getTime() + 86_400_000;
  const windowDays = Math.min(56, Math.max(0, (rateEnd.getTime() - firstDay) / 86_400_000));
  const perWeek =
    windowDays >= 1
      ? entriesPerWeek(
          assignments.map((a) => a.assignedAt),
          rateEnd,
          windowDays,
        )
      : 0;
  const share = group?.share ?? DEFAULT_HOLDOUT_SHARE;
  const cost = group?.incentiveCost ?? null;
  const treatedReturned = cohort.treated.filter((o) => o.returned).length;
  const heldOutReturned = cohort.heldOut.filter((o) => o.returned).length;
  const sequence = differenceSequence(
    rateMoments(treatedReturned, cohort.treated.length),
    rateMoments(heldOutReturned, cohort.heldOut.length),
  );
  const result = measureUplift(cohort.treated, cohort.heldOut, { entriesPerWeek: perWeek, share });
  // The verdict rests on the confidence sequence: it holds however often the page is read.
  result.verdict = !sequence.ready
    ? "too-few"
    : sequence.low > 0
      ? "treated-more"
      : sequence.high < 0
        ? "treated-less"
        : sequence.halfWidth <= 0.1
          ? "no-clear-difference"
          : "too-few";
  return {
    segmentKind: kind,
    segmentKey,
    periodDays,
    share,
    enabled: group?.enabled ?? false,
    incentiveCost: cost,
    asOf,
    result,
    sequence,
    revenue: revenueUplift(
      cohort.treated.map((o) => o.revenue),
      cohort.heldOut.map((o) => o.revenue),
      { costPerTreated: cost ?? 0 },
    ),
    pendingTreated: cohort.pendingTreated,
    pendingHeldOut: cohort.pendingHeldOut,
    pendingEnds: cohort.pendingEnds,
    entriesPerWeek: perWeek,
    previous: summarizeLook(previousAsOf, before),
    current: summarizeLook(asOf, cohort),
  };
}
