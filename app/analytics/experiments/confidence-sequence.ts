/**
 * Anytime-valid confidence sequence for a difference of two means (treated minus held out), so a result
 * read every week is as trustworthy as one read once at a fixed horizon. Pure: plain numbers in and out.
 *
 * Method: the two-sided normal-mixture boundary of Robbins (1970) in the form of Howard, Ramdas,
 * McAuliffe and Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals
 * of Statistics 49(2), the normal mixture with a Gaussian mixing distribution), used asymptotically as in
 * Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2024, "Time-uniform central limit theory and
 * asymptotic confidence sequences", Annals of Statistics): with S the sum of centred observations and V
 * its variance, the mixture martingale sqrt(ρ/(V+ρ))·exp(S²/(2(V+ρ))) crosses 1/α with probability at
 * most α over all time (Ville's inequality), so
 *
 *     |S| < sqrt((V + ρ) · log((V + ρ) / (ρ α²)))      at every look, with probability ≥ 1 − α.
 *
 * For a difference of means from t = n₁ + n₂ customers, with W = s₁²/n₁ + s₂²/n₂ the (Welch) variance of
 * the difference and ρ = t·W·m (m customers: the "intrinsic time" the boundary is tightest around), the
 * half-width of the sequence is
 *
 *     h(t) = sqrt(W · (1 + m/t) · log((t + m) / (m α²))).
 *
 * m is chosen from the sample size the answer is wanted at (`optimizeAt`), as Howard et al. (2021) tune
 * it: ρ = V_opt / (−2 log α + log(1 − 2 log α)). Compared with a fixed 95% interval (1.96·√W) the sequence
 * is about 1.5 times wider near `optimizeAt`; that is the price of looking every week.
 *
 * Small groups: the variance of a rate is estimated from (x + 1)/(n + 2) (Agresti-Caffo style) so a group
 * with no returns yet does not read as certainty, and nothing is claimed before each group has
 * `minPerGroup` customers.
 */

export interface SequenceOptions {
  /** 1 − confidence (default 0.05): the chance that the sequence ever misses the truth. */
  alpha?: number;
  /** Customers (both groups) at which the boundary is tightest (default 500). */
  optimizeAt?: number;
  /** Customers needed in each group before the sequence says anything (default 20). */
  minPerGroup?: number;
}

export interface GroupMoments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator). */
  variance: number;
}

export interface SequenceInterval {
  diff: number;
  low: number;
  high: number;
  halfWidth: number;
  /** Variance of the difference (Welch), W. */
  variance: number;
  /** True once each group has minPerGroup customers; before that low/high are ±Infinity. */
  ready: boolean;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_OPTIMIZE_AT = 500;

/** The mixture's intrinsic time m (in customers) for a boundary tightest at `optimizeAt` customers. */
export function mixtureScale(alpha = DEFAULT_ALPHA, optimizeAt = DEFAULT_OPTIMIZE_AT): number {
  const l = -2 * Math.log(alpha);
  return optimizeAt / (l + Math.log(1 + l));
}

/**
 * Multiplier c(t) of √W: the sequence is diff ± c(t)·√W. With t customers so far.
 * (For comparison a fixed-horizon 95% interval uses 1.96 at every t.)
 */
export function sequenceMultiplier(t: number, alpha = DEFAULT_ALPHA, optimizeAt = DEFAULT_OPTIMIZE_AT): number {
  if (!(t > 0)) return Infinity;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1) (got ${alpha})`);
  const m = mixtureScale(alpha, optimizeAt);
  return Math.sqrt((1 + m / t) * Math.log((t + m) / (m * alpha * alpha)));
}

/** Moments of a 0/1 outcome with the (x + 1)/(n + 2) variance floor. */
export function rateMoments(returned: number, n: number): GroupMoments {
  if (!(n >= 0) || returned < 0 || returned > n)
    throw new Error(`rateMoments needs 0 <= returned <= n (got ${returned}, ${n})`);
  const mean = n > 0 ? returned / n : 0;
  const p = (returned + 1) / (n + 2);
  return { n, mean, variance: p * (1 - p) };
}

/** Moments of a list of numbers (non-finite values count as 0). */
export function moments(values: ArrayLike<number>): GroupMoments {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += Number.isFinite(values[i]) ? values[i] : 0;
  mean = n ? mean / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((Number.isFinite(values[i]) ? values[i] : 0) - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}

/** The confidence sequence's interval at this look, for mean(treated) − mean(held out). */
export function differenceSequence(
  treated: GroupMoments,
  heldOut: GroupMoments,
  options: SequenceOptions = {},
): SequenceInterval {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const minPerGroup = Math.max(2, options.minPerGroup ?? 20);
  const diff = treated.mean - heldOut.mean;
  const ready = treated.n >= minPerGroup && heldOut.n >= minPerGroup;
  const variance =
    treated.n > 0 && heldOut.n > 0 ? treated.variance / treated.n + heldOut.variance / heldOut.n : Infinity;
  if (!ready || !Number.isFinite(variance))
    return { diff, low: -Infinity, high: Infinity, halfWidth: Infinity, variance, ready: false };
  const half = sequenceMultiplier(treated.n + heldOut.n, alpha, options.optimizeAt) * Math.sqrt(variance);
  return { diff, low: diff - half, high: diff + half, halfWidth: half, variance, ready: true };
}

/**
 * Customers (both groups) the sequence needs before its half-width falls under `target`, if the
 * per-customer variance stays what it is now (W·t constant); Infinity when it never does within 10⁷.
 */
export function customersUntilHalfWidth(
  current: { t: number; variance: number },
  target: number,
  options: SequenceOptions = {},
): number {
  if (!(target > 0) || !Number.isFinite(current.variance) || !(current.t > 0)) return Infinity;
  const perCustomer = current.variance * current.t;
  const width = (t: number) => sequenceMultiplier(t, options.alpha, options.optimizeAt) * Math.sqrt(perCustomer / t);
  if (width(current.t) <= target) return current.t;
  let hi = current.t;
  while (width(hi) > target) {
    hi *= 2;
    if (hi > 1e7) return Infinity;
  }
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (width(mid) > target) lo = mid;
    else hi = mid;
  }
  return Math.ceil(hi);
}
