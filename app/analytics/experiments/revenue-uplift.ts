/**
 * Uplift in revenue per customer (treated minus held out), net of the incentive's cost, with an interval
 * that copes with heavy tails. Pure: plain numbers in and out.
 *
 * Revenue per customer is heavy-tailed: most customers spend nothing in the window, a few spend a lot, and
 * one large order moves a mean-and-standard-error interval far from where the truth is. The interval here
 * is a percentile bootstrap of the difference of means (Efron and Tibshirani 1993, "An Introduction to
 * the Bootstrap", ch. 13), resampling each group at its own size (stratified), seeded so the same data
 * give the same interval. It follows the skew of the data instead of assuming a symmetric normal.
 *
 * Read weekly, a 95% interval would claim effects that are not there, so the level is the one the
 * confidence sequence uses at this sample size (confidence-sequence.ts): the bootstrap quantiles at
 * Φ(−c(t)) and Φ(c(t)), where diff ± c(t)·se is the sequence. For large groups this is the sequence
 * itself (the bootstrap distribution of a mean tends to the normal); for small ones the bootstrap's shape.
 *
 * Net of cost: the merchant may enter what the campaign costs per treated customer (a discount, a
 * voucher); the net uplift is the revenue uplift minus that cost (a known constant, so the interval moves
 * by it too).
 */
import { DEFAULT_ALPHA, sequenceMultiplier } from "./confidence-sequence";

export interface RevenueUpliftOptions {
  /** Cost of the incentive per treated customer, in the shop's currency (0 when not entered). */
  costPerTreated?: number;
  alpha?: number;
  optimizeAt?: number;
  resamples?: number;
  seed?: number;
  /** Customers needed in each group before an interval is given (default 20). */
  minPerGroup?: number;
}

export interface RevenueUplift {
  /** mean(treated) − mean(held out), before cost. */
  gross: number;
  /** gross − cost per treated customer. */
  net: number;
  cost: number;
  /** Interval of the net uplift (null while a group is too small). */
  low: number | null;
  high: number | null;
  /** Two-sided level of the interval at this look (the sequence's per-look level). */
  level: number | null;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal CDF (Zelen and Severo 1964, 26.2.17 of Abramowitz and Stegun; |error| < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z > 0 ? 1 - p : p;
}

function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = Math.min(sorted.length - 1, Math.max(0, (sorted.length - 1) * q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const clean = (v: ArrayLike<number>) =>
  Float64Array.from({ length: v.length }, (_, i) => (Number.isFinite(v[i]) ? v[i] : 0));

export function revenueUplift(
  treated: ArrayLike<number>,
  heldOut: ArrayLike<number>,
  options: RevenueUpliftOptions = {},
): RevenueUplift {
  const cost = Math.max(0, Number.isFinite(options.costPerTreated) ? options.costPerTreated! : 0);
  const a = clean(treated);
  const b = clean(heldOut);
  const mean = (v: Float64Array) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0);
  const gross = mean(a) - mean(b);
  const result: RevenueUplift = { gross, net: gross - cost, cost, low: null, high: null, level: null };
  const minPerGroup = Math.max(2, options.minPerGroup ?? 20);
  if (a.length < minPerGroup || b.length < minPerGroup) return result;
  const c = sequenceMultiplier(a.length + b.length, options.alpha ?? DEFAULT_ALPHA, options.optimizeAt);
  const tail = normalCdf(-c);
  // Enough resamples that the tail quantile rests on at least ~10 resamples.
  // (capped so a page with many customers still answers quickly).
  const n = a.length + b.length;
  const resamples =
    options.resamples ?? Math.max(1000, Math.min(40_000, Math.ceil(10 / tail), Math.floor(40_000_000 / n)));
  const rand = seeded(options.seed ?? 28);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sa = 0;
    for (let i = 0; i < a.length; i++) sa += a[Math.floor(rand() * a.length)];
    let sb = 0;
    for (let i = 0; i < b.length; i++) sb += b[Math.floor(rand() * b.length)];
    diffs[r] = sa / a.length - sb / b.length;
  }
  diffs.sort();
  result.low = quantileSorted(diffs, tail) - cost;
  result.high = quantileSorted(diffs, 1 - tail) - cost;
  result.level = 1 - 2 * tail;
  return result;
}
