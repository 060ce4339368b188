/**
 * Uplift of a control group: customers treated (left in the merchant's campaigns) against customers held
 * out, on two outcomes measured from the day each customer was assigned: whether they came back (placed
 * an order) and their revenue per customer. Pure: plain numbers in and out.
 *
 * Intervals (95% by default):
 * - return rate, two-proportion: Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval
 *   estimation for the difference between independent proportions"), built from the two Wilson score
 *   intervals. Unlike the textbook Wald interval it stays inside [-1, 1] and keeps its coverage with a
 *   handful of customers or a rate of 0 or 1, which is what a small shop's control group looks like.
 *   The Wald interval is reported beside it for reference.
 * - revenue per customer: Welch's normal interval for a difference of means.
 * - both, bootstrap: percentile interval of the difference over resamples drawn with replacement within
 *   each group (seeded, so the same data give the same interval).
 *
 * "Too few customers to tell yet": a group smaller than `minPerGroup`, or a return-rate interval that
 * contains 0 and is wider than ±`targetHalfWidth`. The half-width shrinks as 1/√n, so reaching the
 * target needs n·(halfWidth/target)² customers; at the rate customers enter the segment (per week) that
 * gives the weeks still needed.
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for x successes out of n (n > 0). */
export function wilsonInterval(x: number, n: number, z = Z95): Interval {
  if (!(n > 0) || x < 0 || x > n) throw new Error(`wilsonInterval needs 0 <= x <= n and n > 0 (got x=${x}, n=${n})`);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Difference extends Interval {
  /** Point estimate: group 1 minus group 2. */
  diff: number;
}

/** Newcombe's hybrid score interval (method 10) for p1 − p2. */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): Difference {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  const diff = p1 - p2;
  return {
    diff,
    low: diff - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: diff + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

/** The Wald (normal approximation) interval for p1 − p2, shown for reference only. */
export function waldInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): Difference {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { diff: p1 - p2, low: p1 - p2 - z * se, high: p1 - p2 + z * se };
}

function meanVar(values: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, variance: values.length > 1 ? ss / (values.length - 1) : 0 };
}

/** Difference of two means with Welch's standard error and a normal interval. */
export function welchInterval(a: ArrayLike<number>, b: ArrayLike<number>, z = Z95): Difference & { se: number } {
  if (a.length === 0 || b.length === 0) throw new Error("welchInterval needs at least one value in each group");
  const x = meanVar(a);
  const y = meanVar(b);
  const se = Math.sqrt(x.variance / a.length + y.variance / b.length);
  const diff = x.mean - y.mean;
  return { diff, se, low: diff - z * se, high: diff + z * se };
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap interval of mean(a) − mean(b): `resamples` times, draw each group with
 * replacement at its own size, take the difference of means; the interval is the (α/2, 1 − α/2)
 * quantiles of those differences.
 */
export function bootstrapMeanDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { resamples?: number; seed?: number; confidence?: number } = {},
): Difference {
  if (a.length === 0 || b.length === 0) throw new Error("bootstrapMeanDiff needs at least one value in each group");
  const resamples = Math.max(100, Math.floor(options.resamples ?? 2000));
  const alpha = 1 - (options.confidence ?? 0.95);
  const rand = seededRandom(options.seed ?? 1);
  const mean = (v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    return s / v.length;
  };
  const resampledMean = (v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[Math.floor(rand() * v.length)];
    return s / v.length;
  };
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) diffs[r] = resampledMean(a) - resampledMean(b);
  diffs.sort();
  return { diff: mean(a) - mean(b), low: quantileSorted(diffs, alpha / 2), high: quantileSorted(diffs, 1 - alpha / 2) };
}

/** One customer's outcome since being assigned. */
export interface Outcome {
  returned: boolean;
  /** Net revenue since the assignment, in the shop's currency. */
  revenue: number;
}

export interface GroupSummary {
  customers: number;
  returned: number;
  returnRate: number;
  revenuePerCustomer: number;
}

export type UpliftVerdict = "treated-more" | "treated-less" | "no-clear-difference" | "too-few";

export interface UpliftOptions {
  /** Customers needed in each group before anything is said (default 20). */
  minPerGroup?: number;
  /** Return-rate half-width (in rate, 0.1 = 10 points) under which "no clear difference" is a result (default 0.1). */
  targetHalfWidth?: number;
  /** Customers entering the segment per week at the current rate (for the weeks still needed). */
  entriesPerWeek?: number;
  /** Share of entrants held out (for the weeks still needed; default 0.1). */
  share?: number;
  resamples?: number;
  seed?: number;
}

export interface UpliftResult {
  treated: GroupSummary;
  heldOut: GroupSummary;
  returnRate: { diff: number; twoProportion: Interval; wald: Interval; bootstrap: Interval } | null;
  revenuePerCustomer: { diff: number; normal: Interval; bootstrap: Interval } | null;
  verdict: UpliftVerdict;
  /** When too few: weeks at the current entry rate until the answer is expected; null when unknown (no entries). */
  weeksNeeded: number | null;
  /** Customers (both groups) the answer needs, when too few. */
  customersNeeded: number | null;
}

function summarize(group: readonly Outcome[]): GroupSummary {
  let returned = 0;
  let revenue = 0;
  for (const o of group) {
    if (o.returned) returned++;
    revenue += Number.isFinite(o.revenue) ? o.revenue : 0;
  }
  const n = group.length;
  return { customers: n, returned, returnRate: n ? returned / n : 0, revenuePerCustomer: n ? revenue / n : 0 };
}

/** Compares the treated and held-out customers of one control group. */
export function measureUplift(
  treated: readonly Outcome[],
  heldOut: readonly Outcome[],
  options: UpliftOptions = {},
): UpliftResult {
  const minPerGroup = Math.max(2, options.minPerGroup ?? 20);
  const target = options.targetHalfWidth ?? 0.1;
  const share = options.share ?? 0.1;
  const t = summarize(treated);
  const h = summarize(heldOut);
  const result: UpliftResult = {
    treated: t,
    heldOut: h,
    returnRate: null,
    revenuePerCustomer: null,
    verdict: "too-few",
    weeksNeeded: null,
    customersNeeded: null,
  };
  const n = t.customers + h.customers;
  if (t.customers > 0 && h.customers > 0) {
    const seed = options.seed ?? 16;
    // Resamples scale down for big groups so a page answers in well under a second (at least 400).
    const resamples = options.resamples ?? Math.max(400, Math.min(2000, Math.floor(4_000_000 / n)));
    const rt = Float64Array.from(treated, (o) => (o.returned ? 1 : 0));
    const rh = Float64Array.from(heldOut, (o) => (o.returned ? 1 : 0));
    const score = newcombeInterval(t.returned, t.customers, h.returned, h.customers);
    const wald = waldInterval(t.returned, t.customers, h.returned, h.customers);
    const boot = bootstrapMeanDiff(rt, rh, { resamples, seed });
    result.returnRate = {
      diff: score.diff,
      twoProportion: { low: score.low, high: score.high },
      wald: { low: wald.low, high: wald.high },
      bootstrap: { low: boot.low, high: boot.high },
    };
    const vt = Float64Array.from(treated, (o) => (Number.isFinite(o.revenue) ? o.revenue : 0));
    const vh = Float64Array.from(heldOut, (o) => (Number.isFinite(o.revenue) ? o.revenue : 0));
    const welch = welchInterval(vt, vh);
    const vboot = bootstrapMeanDiff(vt, vh, { resamples, seed: seed + 1 });
    result.revenuePerCustomer = {
      diff: welch.diff,
      normal: { low: welch.low, high: welch.high },
      bootstrap: { low: vboot.low, high: vboot.high },
    };
  }
  const enough = t.customers >= minPerGroup && h.customers >= minPerGroup;
  const rr = result.returnRate;
  if (enough && rr) {
    const { low, high } = rr.twoProportion;
    if (low > 0) result.verdict = "treated-more";
    else if (high < 0) result.verdict = "treated-less";
    else if ((high - low) / 2 <= target) result.verdict = "no-clear-difference";
  }
  if (result.verdict === "too-few") {
    // Customers needed: enough in the smaller (held-out) group, and a narrow enough interval (∝ 1/√n).
    let needed = Math.ceil(minPerGroup / Math.min(share, 1 - share));
    if (rr && n > 0)
      needed = Math.max(needed, Math.ceil(n * ((rr.twoProportion.high - rr.twoProportion.low) / 2 / target) ** 2));
    needed = Math.max(needed, n + 1);
    result.customersNeeded = needed;
    const perWeek = options.entriesPerWeek ?? 0;
    result.weeksNeeded = perWeek > 0 ? Math.ceil((needed - n) / perWeek) : null;
  }
  return result;
}

/** Entries per week over the last `days` days, from the assignment dates (for the weeks still needed). */
export function entriesPerWeek(assignedAt: readonly Date[], now: Date, days = 56): number {
  const from = now.getTime() - days * 86_400_000;
  const recent = assignedAt.filter((d) => d.getTime() > from && d.getTime() <= now.getTime()).length;
  return (recent / days) * 7;
}

/** A customer's recorded assignment in one control group. */
export interface AssignedCustomer {
  customerId: string;
  heldOut: boolean;
  assignedAt: Date;
}

/** A counted order (not cancelled, not a test) of a customer: its date (ms) and net value. */
export interface CountedOrder {
  at: number;
  value: number;
}

export interface FollowUpCohort {
  /** Customers whose follow-up window ended by the as-of date: their outcome within the window. */
  treated: Outcome[];
  heldOut: Outcome[];
  /** Customers still inside their window (their outcome is not counted yet). */
  pendingTreated: number;
  pendingHeldOut: number;
  /** When each pending customer's window ends (ms), earliest first. */
  pendingEnds: number[];
}

/**
 * Each customer is followed for a fixed window of `followUpDays` from the day they were drawn: whether
 * they ordered within it and their net revenue in it. Only customers whose window has ended by `asOf`
 * count, so a customer's outcome is fixed once counted, a customer drawn today changes nothing until their
 * window is over, and the comparison is the same however often it is read. `exclude`: treated customers
 * held out of another control group meanwhile (not treated).
 */
export function followUpCohort(
  assignments: readonly AssignedCustomer[],
  orders: ReadonlyMap<string, readonly CountedOrder[]>,
  followUpDays: number,
  asOf: Date,
  exclude: ReadonlySet<string> = new Set(),
): FollowUpCohort {
  const window = followUpDays * 86_400_000;
  const cut = asOf.getTime();
  const cohort: FollowUpCohort = { treated: [], heldOut: [], pendingTreated: 0, pendingHeldOut: 0, pendingEnds: [] };
  for (const a of assignments) {
    if (!a.heldOut && exclude.has(a.customerId)) continue;
    const from = a.assignedAt.getTime();
    const end = from + window;
    if (end > cut) {
      if (a.heldOut) cohort.pendingHeldOut++;
      else cohort.pendingTreated++;
      cohort.pendingEnds.push(end);
      continue;
    }
    let returned = false;
    let revenue = 0;
    for (const o of orders.get(a.customerId) ?? []) {
      if (o.at <= from || o.at > end) continue;
      returned = true;
      revenue += Number.isFinite(o.value) ? o.value : 0;
    }
    (a.heldOut ? cohort.heldOut : cohort.treated).push({ returned, revenue });
  }
  cohort.pendingEnds.sort((x, y) => x - y);
  return cohort;
}
