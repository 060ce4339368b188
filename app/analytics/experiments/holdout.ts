/**
 * Control groups: which customers of an app segment are held out of the merchant's campaigns.
 * Pure: plain data in and out (no Shopify, no database, no clock).
 *
 * The draw is a seeded hash of (seed, segment, customer) mapped to [0, 1): a customer is held out when
 * that number is below the group's share. It is random across customers (the hash mixes every bit) but
 * fixed for a customer, so the same customer gets the same answer at every analysis. On top of that a
 * customer's recorded arm is drawn once and kept:
 * - while the customer stays in the segment (changing the share later changes only newcomers' draws);
 * - when they leave and come back (the first assignment, its date and arm, is reopened: the outcome is
 *   counted from the day they were first drawn, intention to treat);
 * - when they move to another segment with a control group (they keep the arm of their first assignment
 *   anywhere in the shop, so a held-out customer is never treated by moving, and the reverse).
 */

/** Default share of a segment held out when the merchant turns its control group on. */
export const DEFAULT_HOLDOUT_SHARE = 0.1;
/** Largest share allowed: the treated group must stay the larger one. */
export const MAX_HOLDOUT_SHARE = 0.5;
export const MIN_HOLDOUT_SHARE = 0.01;

/** cyrb53: a 53-bit string hash (public domain), good avalanche, no Node crypto needed. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The customer's uniform draw in [0, 1) for one segment's control group. */
export function holdoutDraw(seed: number, segment: string, customerId: string): number {
  return hash53(`${segment}\u0000${customerId}`, seed >>> 0) / 2 ** 53;
}

/** Validates a merchant-set share (0.01 to 0.5); throws a clear error otherwise. */
export function checkShare(share: number): number {
  if (!Number.isFinite(share) || share < MIN_HOLDOUT_SHARE || share > MAX_HOLDOUT_SHARE) {
    throw new Error(
      `The held-out share must be between ${MIN_HOLDOUT_SHARE * 100}% and ${MAX_HOLDOUT_SHARE * 100}% (got ${share})`,
    );
  }
  return share;
}

export function isHeldOut(seed: number, segment: string, customerId: string, share: number): boolean {
  return holdoutDraw(seed, segment, customerId) < share;
}

export interface Assignment {
  customerId: string;
  heldOut: boolean;
  assignedAt: Date;
  /** Set when the customer left the segment. */
  leftAt: Date | null;
}

export interface AssignmentPlan {
  /** Customers entering the segment for the first time: their arm (kept from elsewhere or drawn), dated now. */
  enter: Assignment[];
  /** Customers back in the segment: their first assignment (date and arm) reopened. */
  reopen: Assignment[];
  /** Customers who left the segment since the last analysis. */
  leave: string[];
  /** Customers currently in the segment and held out (existing and new). */
  heldOut: Set<string>;
}

/**
 * What changes for one control group given the segment's current members and the recorded assignments of
 * this group (open and closed): members with an open assignment keep it; members with a closed one get it
 * back as it was; other members enter, dated `now`, with the arm `priorArm` holds for them (their arm in
 * another control group of the shop) or else drawn with the current share; open assignments of customers
 * no longer in the segment leave.
 */
export function planAssignments(
  members: Iterable<string>,
  existing: Iterable<Assignment>,
  group: { seed: number; segment: string; share: number },
  now: Date,
  priorArm: ReadonlyMap<string, boolean> = new Map(),
): AssignmentPlan {
  const recorded = new Map<string, Assignment>();
  for (const a of existing) recorded.set(a.customerId, a);
  const plan: AssignmentPlan = { enter: [], reopen: [], leave: [], heldOut: new Set() };
  const current = new Set<string>();
  for (const id of members) {
    if (current.has(id)) continue;
    current.add(id);
    const kept = recorded.get(id);
    if (kept) {
      if (kept.heldOut) plan.heldOut.add(id);
      if (kept.leftAt) plan.reopen.push({ ...kept, leftAt: null });
      continue;
    }
    const heldOut = priorArm.get(id) ?? isHeldOut(group.seed, group.segment, id, group.share);
    plan.enter.push({ customerId: id, heldOut, assignedAt: now, leftAt: null });
    if (heldOut) plan.heldOut.add(id);
  }
  for (const a of recorded.values()) if (!a.leftAt && !current.has(a.customerId)) plan.leave.push(a.customerId);
  const byId = (a: Assignment, b: Assignment) =>
    a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;
  plan.enter.sort(byId);
  plan.reopen.sort(byId);
  plan.leave.sort();
  return plan;
}
