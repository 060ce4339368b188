/**
 * The purchase-model fits the churn model stands on: BG/NBD (or MBG/NBD) with its prior, Gamma-Gamma, the
 * even samples the fits use, and the correction's feature row.
 */
import { fitBgNbd, type BgNbdPrior } from "../models/bgnbd";
import { typicalShopGap, type CustomerFeatures } from "../data/features";
import { fitGammaGamma } from "../models/gamma-gamma";
import { logit } from "../models/logistic";
import { type BgNbdParams, type GammaGammaParams } from "../types";

/** What training at a past origin needs: customers, repeat buyers among them, customers with each label. */
export const MIN_REPEATERS = 20;
export const MIN_TRAIN = 100;
export const MIN_CLASS = 20;

/** Probabilities shown are kept inside [PROB_MIN, 1 − PROB_MIN]: never exactly 0 or 1. */
export const PROB_MIN = 0.001;
export const clampProbability = (p: number) => Math.min(1 - PROB_MIN, Math.max(PROB_MIN, Number.isFinite(p) ? p : 0.5));

const sane = (v: number) => Number.isFinite(v) && v > 1e-6 && v < 1e6;

/** Largest sample the model fits use: every ⌈n / MAX_FIT_CUSTOMERS⌉-th customer in id order above it. */
export const MAX_FIT_CUSTOMERS = 25_000;
/** Customers per training origin (an even sample above it: 8 weights need far fewer). */
export const ORIGIN_SAMPLE = 10_000;
export function evenSample<T>(rows: readonly T[], max: number): readonly T[] {
  if (rows.length <= max) return rows;
  const step = Math.ceil(rows.length / max);
  return rows.filter((_, i) => i % step === 0);
}
export const fitSample = <T>(rows: readonly T[]): readonly T[] => evenSample(rows, MAX_FIT_CUSTOMERS);

/**
 * Prior sd of the log-parameters: wide, so the CDNOW sample's fit stays on the paper's values (a tighter
 * prior was measured and not kept: docs/decisions/009).
 */
export const PRIOR_LOG_SD = 1.5;

/** The prior of the MAP fit (module comment, point 1). */
export function bgnbdPrior(shopGapDays: number | null): BgNbdPrior {
  const gap = shopGapDays && shopGapDays > 0 ? shopGapDays : 90;
  return { logMean: [Math.log(0.5), Math.log(0.5 * gap), 0, Math.log(3)], logSd: PRIOR_LOG_SD };
}

export type BgVariant = "bgnbd" | "mbgnbd";

/**
 * BG/NBD in days, maximum a posteriori, in the given variant(s) (the higher likelihood wins when
 * several): BG/NBD or the modified BG/NBD (MBG/NBD, one-time buyers may have dropped out). Null only
 * when there is no customer or the fits fail.
 */
export function tryFitBgNbd(
  features: readonly CustomerFeatures[],
  shopGapDays: number | null = typicalShopGap(features),
  variants: ReadonlyArray<BgVariant> = ["bgnbd"],
): BgNbdParams | null {
  if (features.length === 0) return null;
  const rows = fitSample(features).map((f) => ({ x: f.repeats, tx: f.spanDays, T: f.tenureDays }));
  let best: BgNbdParams | null = null;
  for (const variant of variants) {
    try {
      const p = fitBgNbd(rows, 1, bgnbdPrior(shopGapDays), undefined, variant);
      const ok = [p.r, p.alpha, p.a, p.b].every(sane) && Number.isFinite(p.logLikelihood);
      if (ok && (!best || p.logLikelihood > best.logLikelihood)) best = p;
    } catch (error) {
      console.warn(`${variant} fit failed on ${rows.length} customers: ${(error as Error).message}`);
    }
  }
  return best;
}

/** Gamma-Gamma on repeat buyers with positive spend, when there are enough and q > 1; else null. */
export function tryFitGammaGamma(features: readonly CustomerFeatures[]): GammaGammaParams | null {
  const rows = fitSample(features.filter((f) => f.repeats > 0 && f.repeatMeanValue > 0)).map((f) => ({
    x: f.repeats,
    zbar: f.repeatMeanValue,
  }));
  if (rows.length < MIN_REPEATERS) return null;
  try {
    const p = fitGammaGamma(rows);
    return [p.p, p.gamma].every(sane) && p.q > 1 && p.q < 1e6 ? p : null;
  } catch (error) {
    console.warn(`Gamma-Gamma fit failed on ${rows.length} repeat buyers: ${(error as Error).message}`);
    return null;
  }
}

export const FEATURE_NAMES = ["recency", "repeats", "monetary", "tenure", "overdue", "oneTime", "bgnbd"] as const;

/** The logistic model's inputs for one customer (before standardisation). */
export function rowOf(f: CustomerFeatures, shopGap: number, bgChurn: number): number[] {
  const gap = f.meanGapDays && f.meanGapDays > 0 ? f.meanGapDays : shopGap;
  return [
    Math.log1p(f.recencyDays),
    Math.log1p(f.repeats),
    Math.log1p(Math.max(0, f.monetary)),
    Math.log1p(f.tenureDays),
    Math.log1p(f.recencyDays / Math.max(1, gap)),
    f.repeats === 0 ? 1 : 0,
    logit(bgChurn),
  ];
}
