/**
 * The parameter bootstrap of BG/NBD that gives the shop's churn-rate range and each customer's 12-month
 * value range (predict.ts, module comment, "Ranges").
 */
import { fitBgNbd, type BgNbdPrior, type RepeatSummary } from "../models/bgnbd";
import { type BgNbdParams } from "../types";

export const BOOTSTRAP_REPLICATES = 12;
export const BOOTSTRAP_SAMPLE = 3000;

/**
 * Parameter bootstrap of BG/NBD (module comment, "Ranges"): refits on resamples of the customers'
 * (x, t_x, T), started at the estimate. Returns the replicates' parameters.
 */
export function bootstrapBgNbd(
  rows: readonly RepeatSummary[],
  fit: BgNbdParams,
  prior: BgNbdPrior,
  replicates: number,
  sample = BOOTSTRAP_SAMPLE,
): BgNbdParams[] {
  if (replicates <= 0 || rows.length < 2) return [];
  let seed = 0x9e3779b9;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = Math.min(rows.length, sample);
  // A resample of n customers stands for the whole shop: its prior weighs n / total as much.
  const scaledPrior = { logMean: prior.logMean, logSd: prior.logSd * Math.sqrt(rows.length / n) };
  const start = [fit.r, fit.alpha, fit.a, fit.b].map(Math.log);
  const out: BgNbdParams[] = [];
  for (let b = 0; b < replicates; b++) {
    const draw: RepeatSummary[] = [];
    for (let i = 0; i < n; i++) draw.push(rows[Math.floor(rnd() * rows.length)]);
    const p = fitBgNbd(draw, 1, scaledPrior, start, fit.variant ?? "bgnbd");
    // The resample has n customers, the shop more: its spread is √(total / n) times too wide; shrink it.
    const k = Math.sqrt(n / rows.length);
    const shrink = (est: number, rep: number) => Math.exp(Math.log(est) + k * (Math.log(rep) - Math.log(est)));
    out.push({
      ...p,
      r: shrink(fit.r, p.r),
      alpha: shrink(fit.alpha, p.alpha),
      a: shrink(fit.a, p.a),
      b: shrink(fit.b, p.b),
    });
  }
  return out;
}

/** Value of `q` (0..1) in sorted numbers, by linear interpolation. */
export const quantileOf = (sorted: readonly number[], q: number) => {
  if (!sorted.length) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};
