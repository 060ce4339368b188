/**
 * Churn likelihood: P(no purchase in (asOf, asOf + H]) for every customer, with P(alive), the next-order
 * window, expected purchases, spend and 12-month value, all from ONE purchase model so they agree.
 *
 * 1. Purchase model: BG/NBD in days (bgnbd.ts), fitted maximum a posteriori with a weak prior on the
 *    log-parameters (BgNbdPrior: r 0.5, a 1, b 3, α such that a customer's mean gap is the shop's typical
 *    gap, else 90 days; sd 1.5). Large shops: the data decides (the paper's CDNOW fit is reproduced);
 *    small and young shops (few customers, few who had time to return): the prior keeps the fit sensible,
 *    where the old empirical fallback pinned everyone at 0.9975 or 1. MBG/NBD (one-time buyers may have
 *    dropped out) is used instead when it has the lower log loss out of time at the first training origin.
 * 2. Correction, trained on the shop's own past at rolling origins: at cut_k = asOf − k·w (k = 1..3) the
 *    histories are truncated, BG/NBD is refitted and the label is "no purchase in (cut_k, cut_k + w]".
 *    w = H when two origins of at least MIN_TRAIN customers (MIN_CLASS of each label, MIN_REPEATERS repeat
 *    buyers) fit in the history, else the longest of H/1.5, H/2, H/3, H/4 that does (said in the notes).
 *    A shorter window is only for a history too short for H: when the origin at H has the customers but
 *    one outcome is too rare there (nearly everyone bought again within H, or no one), that is the
 *    answer at H, and the model is BG/NBD alone, calibrated at H when each outcome has a few customers
 *    (a shorter window would learn the shop's rhythm and carry it to H as dropout).
 *    A ridge logistic model on logit(BG/NBD churn over w) + w0 + w·z (z = log recency, log repeats, log
 *    monetary, log tenure, log(recency / usual gap), one-time buyer, logit(BG/NBD churn), standardised)
 *    is trained on origins k ≥ 2 and kept only when it beats BG/NBD alone at origin 1, out of time, on
 *    BOTH AUC and log loss; then it is refitted on all origins.
 * 3. Calibration out of time, shrunk Platt: logit p' = A + B · logit p + C · [one-time buyer], MAP with
 *    the prior A = 0, B = 1, C = 0 (sd 0.5), so a small past moves it a little and a large one decides it.
 *    Fitted on the corrected predictions at origin 1 (the correction was trained on older origins), or
 *    without a correction on BG/NBD's predictions at every origin k = 1..3 pooled (BG/NBD is refitted at
 *    each, so all are out of time; origins k ≥ 2 need only CALIBRATION_LIMITS). The C term lets the
 *    shop's past fix BG/NBD's treatment of one-time buyers (always "alive") against repeat buyers.
 * 4. From window w to the horizon H (when w < H): one monotone curve for the shop, logit c_H = u + v ·
 *    logit c_w, BG/NBD's own relation between its churn over w and over H across the customers (least
 *    squares), applied to the corrected, calibrated churn over w: the ranking learned at w is kept and
 *    the level at H is the purchase model's. When w = H it is the calibrated probability itself.
 *    P(ever orders again) π and the next order then follow from the churn over H and the model's wait
 *    (next-order.ts matchChurn), so churn, P(alive), next order and value tell one story.
 * Probabilities are kept within [PROB_MIN, 1 − PROB_MIN]: never exactly 0 or 1.
 * Risk bands are relative to the horizon and the shop: an active customer buying at the shop's typical
 * pace g would still buy nothing in H with probability b = e^(−H/g) (the baseline); low below
 * b + 0.4 (1 − b), medium below b + 0.7 (1 − b), high above (riskCutoffs). With the default horizon
 * H = 2g, b = 0.14 and the cut-offs are 0.48 and 0.74; a 30-day horizon in a 90-day-cycle shop moves
 * them to 0.83 and 0.92 instead of calling most customers "high".
 * Ranges: a parameter bootstrap of BG/NBD (BOOTSTRAP_REPLICATES refits on resamples of at most
 * BOOTSTRAP_SAMPLE customers' (x, t_x, T), started at the estimate) gives the shop's churn-rate range;
 * each customer's 12-month value range comes from the replicates at the 10th and 90th percentiles of the
 * shop's total, evaluated once per cell of similar customers (x, 14-day tenure and recency bins), so
 * there are no per-customer refits or evaluations.
 * The fits use at most MAX_FIT_CUSTOMERS customers, the training origins ORIGIN_SAMPLE (evenly spaced
 * samples in id order above that).
 */
import { auc, calibration as calibrationCurve, logLoss } from "../evaluation/classification";
import {
  bgnbdExpectedPurchasesIfAlive,
  bgnbdPAlive,
  bgnbdProbNoPurchase,
  fitBgNbd,
  type BgNbdPrior,
  type RepeatSummary,
} from "../models/bgnbd";
import { customerFeatures, typicalShopGap, type CustomerFeatures } from "../data/features";
import { fitGammaGamma, gammaGammaExpectedSpend } from "../models/gamma-gamma";
import { fitLogistic, logit, predictLogistic, sigmoid, standardize, type LogisticModel } from "../models/logistic";
import { lomaxWait, matchChurn, nextOrderWindow, pAliveKnownOf } from "../models/next-order";
import { sharedDayDates, truncateHistories } from "../data/purchase-history";
import type {
  BgNbdParams,
  ChurnModelName,
  CustomerHistory,
  CustomerPrediction,
  GammaGammaParams,
  PredictionResult,
  RiskBand,
} from "../types";

export const MIN_REPEATERS = 20;
export const MIN_TRAIN = 100;
export const MIN_CLASS = 20;
/** Rolling origins used at most (cut = asOf − k·w, k = 1..MAX_ORIGINS). */
export const MAX_ORIGINS = 3;
/** Relative risk cut-offs on the excess churn (churn − b) / (1 − b): see the module comment. */
export const RISK_THRESHOLDS = { low: 0.4, medium: 0.7 } as const;
export const BOOTSTRAP_REPLICATES = 12;
export const BOOTSTRAP_SAMPLE = 3000;

/** Churn over H of an active customer buying at the shop's typical pace (0 when unknown). */
export function riskBaseline(horizonDays: number, shopGapDays: number | null): number {
  return shopGapDays && shopGapDays > 0 ? Math.exp(-horizonDays / shopGapDays) : 0;
}

/** Churn probability cut-offs of the risk bands for a baseline b (see the module comment). */
export function riskCutoffs(baseline = 0): { low: number; medium: number } {
  return {
    low: baseline + (1 - baseline) * RISK_THRESHOLDS.low,
    medium: baseline + (1 - baseline) * RISK_THRESHOLDS.medium,
  };
}

export function riskBandOf(churn: number, baseline = 0): RiskBand {
  const c = riskCutoffs(baseline);
  if (churn < c.low) return "low";
  if (churn < c.medium) return "medium";
  return "high";
}

/**
 * The default horizon from the shop's typical gap between purchases g (median of repeat buyers' mean
 * gaps): 2 g rounded to whole weeks, clamped to [30, 365] days; 90 days when nobody bought twice.
 */
export function defaultHorizonDays(features: readonly CustomerFeatures[]): number {
  const gap = typicalShopGap(features);
  if (gap === null) return 90;
  return Math.min(365, Math.max(30, Math.round((2 * gap) / 7) * 7));
}

/** Probabilities shown are kept inside [PROB_MIN, 1 − PROB_MIN]: never exactly 0 or 1. */
export const PROB_MIN = 0.001;
export const clampProbability = (p: number) => Math.min(1 - PROB_MIN, Math.max(PROB_MIN, Number.isFinite(p) ? p : 0.5));

const sane = (v: number) => Number.isFinite(v) && v > 1e-6 && v < 1e6;

/** Largest sample the model fits use: every ⌈n / MAX_FIT_CUSTOMERS⌉-th customer in id order above it. */
export const MAX_FIT_CUSTOMERS = 25_000;
/** Customers per training origin (an even sample above it: 8 weights need far fewer). */
export const ORIGIN_SAMPLE = 10_000;
function evenSample<T>(rows: readonly T[], max: number): readonly T[] {
  if (rows.length <= max) return rows;
  const step = Math.ceil(rows.length / max);
  return rows.filter((_, i) => i % step === 0);
}
const fitSample = <T>(rows: readonly T[]): readonly T[] => evenSample(rows, MAX_FIT_CUSTOMERS);

/**
 * Prior sd of the log-parameters. Measured and not kept: 0.5 steadies small fits (pooled 16 × 50 shops
 * AUC 0.736 → 0.741, 16 × 200 0.762 → 0.765) but pulls the CDNOW sample's fit 7% off the paper's a.
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
function rowOf(f: CustomerFeatures, shopGap: number, bgChurn: number): number[] {
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

export interface ChurnCorrection {
  model: LogisticModel;
  mean: number[];
  sd: number[];
  trainCustomers: number;
  /** Out of time at the most recent origin: the correction (trained on older origins) against BG/NBD alone. */
  validation: { auc: number; aucBgNbd: number; logLoss: number; logLossBgNbd: number };
}

/** Shrunk Platt scaling with a one-time-buyer term: p' = σ(A + B · logit p + C · [one-time buyer]). */
export interface PlattCalibration {
  A: number;
  B: number;
  C: number;
  customers: number;
  /** Out-of-time ECE (10 bins) at the most recent origin, before and after (in sample for the map). */
  eceBefore: number;
  eceAfter: number;
}

/** How the model was trained on the shop's past (ChurnResult.training). */
export interface ChurnTraining {
  /** Window of the training labels (days): H when the history allows, else shorter. */
  windowDays: number;
  /** The purchase model that did better out of time at the first origin. */
  variant: BgVariant;
  origins: Array<{ cut: number; customers: number; churned: number }>;
  correction: ChurnCorrection | null;
  calibration: PlattCalibration | null;
}

interface OriginData {
  cut: number;
  feats: CustomerFeatures[];
  labels: Float64Array;
  offsets: number[];
  raw: number[][];
}

/** What an origin needs: customers then, repeat buyers among them, and customers with each label. */
interface OriginLimits {
  customers: number;
  repeaters: number;
  perClass: number;
}
const TRAIN_LIMITS: OriginLimits = { customers: MIN_TRAIN, repeaters: MIN_REPEATERS, perClass: MIN_CLASS };
/**
 * The shrunk calibration (module comment, point 3) needs far less than the correction: it has three
 * weights held near "no change" by their prior, so a 50-customer shop's past can move it a little.
 */
export const CALIBRATION_LIMITS: OriginLimits = { customers: 30, repeaters: 5, perClass: 5 };
// Measured and not kept: calibrating shops too small for any training origin (50 customers) on one
// relaxed origin made the pooled 16 × 50 shops worse (AUC 0.741 → 0.730, mean 0.739 → 0.772): a young
// shop's own past at as-of − w is too unlike the present.
/**
 * Prior precision of the calibration's weights (A, B − 1, C): λ = 4 is a normal prior with sd 0.5 on the
 * logit scale, so a shift of one logit (e.g. 0.73 → 0.5) needs the evidence of a few dozen customers of
 * the shop's own past, and 2,000 customers' past decides it nearly alone.
 */
export const CALIBRATION_PRIOR_PRECISION = 4;

/** Features, labels and BG/NBD offsets at one origin, or null when it is not usable. */
function originData(
  histories: readonly CustomerHistory[],
  byId: Map<string, CustomerHistory>,
  cut: number,
  w: number,
  variant: BgVariant,
  limits: OriginLimits = TRAIN_LIMITS,
): OriginData | null {
  const past = evenSample(truncateHistories(histories, cut), ORIGIN_SAMPLE);
  if (past.length < limits.customers) return null;
  const feats = past.map((h) => customerFeatures(h, cut));
  if (feats.filter((f) => f.repeats > 0).length < limits.repeaters) return null;
  const labels = new Float64Array(past.length);
  let churned = 0;
  past.forEach((h, i) => {
    const full = byId.get(h.customerId)!;
    labels[i] = full.occasionDays.some((d) => d > cut && d <= cut + w) ? 0 : 1;
    churned += labels[i];
  });
  if (churned < limits.perClass || past.length - churned < limits.perClass) return null;
  const gap = typicalShopGap(feats);
  const bg = tryFitBgNbd(feats, gap, [variant]);
  if (!bg) return null;
  const offsets = feats.map((f) => logit(bgnbdProbNoPurchase(bg, w, f.repeats, f.spanDays, f.tenureDays)));
  const raw = feats.map((f, i) => rowOf(f, gap ?? 30, sigmoid(offsets[i])));
  return { cut, feats, labels, offsets, raw };
}

const concat = <T>(parts: readonly (readonly T[])[]): T[] => parts.flatMap((p) => [...p]);

/**
 * Customers at `cut` and how many of them bought nothing in (cut, cut + w], when the history there is
 * long enough to train on (MIN_TRAIN customers, MIN_REPEATERS repeat buyers) but one outcome has fewer
 * than MIN_CLASS customers; else null.
 */
function oneSidedOrigin(
  histories: readonly CustomerHistory[],
  byId: Map<string, CustomerHistory>,
  cut: number,
  w: number,
): { customers: number; churned: number } | null {
  const past = evenSample(truncateHistories(histories, cut), ORIGIN_SAMPLE);
  if (past.length < MIN_TRAIN) return null;
  let repeaters = 0;
  let churned = 0;
  for (const h of past) {
    if (h.occasionDays.length > 1) repeaters++;
    if (!byId.get(h.customerId)!.occasionDays.some((d) => d > cut && d <= cut + w)) churned++;
  }
  if (repeaters < MIN_REPEATERS) return null;
  return churned < MIN_CLASS || past.length - churned < MIN_CLASS ? { customers: past.length, churned } : null;
}

/**
 * The shrunk calibration map p' = σ(A + B · logit p + C · [one-time buyer]) fitted out of time on
 * (score, one-time buyer, label) rows, MAP with the prior A = 0, B = 1, C = 0 (CALIBRATION_PRIOR_PRECISION).
 */
export function fitShrunkCalibration(
  scores: readonly number[],
  oneTime: readonly number[],
  labels: ArrayLike<number>,
): PlattCalibration {
  const offsets = scores.map((p) => logit(p));
  const x = offsets.map((o, i) => [o, oneTime[i]]);
  const lambda = CALIBRATION_PRIOR_PRECISION;
  const fit = fitLogistic(x, labels, offsets, lambda, 50, lambda);
  const [A, b1, C] = fit.weights;
  const after = scores.map((p, i) => sigmoid(A + (1 + b1) * logit(p) + C * oneTime[i]));
  return {
    A,
    B: 1 + b1,
    C,
    customers: scores.length,
    eceBefore: calibrationCurve(scores, labels).ece,
    eceAfter: calibrationCurve(after, labels).ece,
  };
}

/** Trains the correction and the calibration on rolling origins (module comment, points 2-3). */
export function trainOnPast(
  histories: readonly CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: { correction?: boolean; calibrate?: boolean; lambda?: number } = {},
): { training: ChurnTraining | null; notes: string[]; variant: BgVariant } {
  let variant: BgVariant = "bgnbd";
  const notes: string[] = [];
  const byId = new Map(histories.map((h) => [h.customerId, h]));
  const windows = [...new Set([1, 1.5, 2, 3, 4].map((k) => Math.round(horizonDays / k)))].filter((w) => w >= 7);
  // The first origin at window w, in the variant (BG/NBD or MBG/NBD) with the lower log loss out of time.
  const firstOrigin = (w: number, limits: OriginLimits): OriginData | null => {
    const plain = originData(histories, byId, asOfDay - w, w, "bgnbd", limits);
    if (!plain) return null;
    const alt = originData(histories, byId, asOfDay - w, w, "mbgnbd", limits);
    const useAlt =
      !!alt && logLoss(alt.offsets.map(sigmoid), alt.labels) < logLoss(plain.offsets.map(sigmoid), plain.labels);
    variant = useAlt ? "mbgnbd" : "bgnbd";
    return useAlt ? alt : plain;
  };
  let chosen: { w: number; origins: OriginData[] } | null = null;
  let single: { w: number; origins: OriginData[] } | null = null;
  let singleVariant: BgVariant = "bgnbd";
  let oneSided: { customers: number; churned: number } | null = null;
  for (const w of windows) {
    const first = firstOrigin(w, TRAIN_LIMITS);
    if (!first && w === horizonDays) {
      // A shorter window is for a history too short for H, not for a past where nearly everyone (or
      // no one) bought again within H: that is the answer at H, and a shorter window would learn the
      // shop's rhythm instead (a regular buyer who has just bought does not buy within 60 days) and
      // carry it to H as dropout.
      oneSided = oneSidedOrigin(histories, byId, asOfDay - w, w);
      if (oneSided) break;
    }
    if (!first) continue;
    const second = originData(histories, byId, asOfDay - 2 * w, w, variant);
    if (!second) {
      if (!single) {
        single = { w, origins: [first] };
        singleVariant = variant;
      }
      continue;
    }
    const origins = [first, second];
    for (let k = 3; k <= MAX_ORIGINS; k++) {
      const more = originData(histories, byId, asOfDay - k * w, w, variant);
      if (!more) break;
      origins.push(more);
    }
    chosen = { w, origins };
    break;
  }
  if (!chosen && single) variant = singleVariant;
  if (oneSided) {
    // Calibrated at H on the shop's past when each outcome has a few customers there (the shrunk map
    // needs far less than the correction), else BG/NBD alone.
    const o = originData(histories, byId, asOfDay - horizonDays, horizonDays, "bgnbd", CALIBRATION_LIMITS);
    const what = `at as-of − ${horizonDays} days ${oneSided.churned} of ${oneSided.customers} customers did not buy again within ${horizonDays} days: too one-sided to train a correction on`;
    if (!o || opts.calibrate === false) {
      notes.push(`${what}; BG/NBD alone, not calibrated`);
      return { training: null, notes, variant: "bgnbd" };
    }
    notes.push(`${what}; BG/NBD alone, calibrated at ${horizonDays} days`);
    variant = "bgnbd";
    chosen = null;
    single = { w: horizonDays, origins: [o] };
  }
  const use = chosen ?? single;
  if (!use) {
    variant = "bgnbd";
    notes.push(
      `history too short to train on the shop's past (needs ${MIN_TRAIN} customers, ${MIN_REPEATERS} repeat buyers and both outcomes at as-of − window): BG/NBD alone, not calibrated`,
    );
    return { training: null, notes, variant };
  }
  const { w, origins } = use;
  if (w !== horizonDays)
    notes.push(
      `trained on ${w}-day windows (the history is too short for ${horizonDays}-day ones); extended to ${horizonDays} days through BG/NBD`,
    );
  const [recent, ...older] = origins;
  let correction: ChurnCorrection | null = null;
  let recentScores = recent.offsets.map(sigmoid);
  if (opts.correction !== false && older.length) {
    const raw = concat(older.map((o) => o.raw));
    const { mean, sd } = standardize(raw);
    const z = (r: number[]) => r.map((v, j) => (v - mean[j]) / sd[j]);
    const trial = fitLogistic(
      raw.map(z),
      Float64Array.from(concat(older.map((o) => [...o.labels]))),
      concat(older.map((o) => o.offsets)),
      opts.lambda ?? 1,
    );
    const val = recent.raw.map((r, i) => predictLogistic(trial, z(r), recent.offsets[i]));
    const base = recent.offsets.map(sigmoid);
    const v = {
      auc: auc(val, recent.labels),
      aucBgNbd: auc(base, recent.labels),
      logLoss: logLoss(val, recent.labels),
      logLossBgNbd: logLoss(base, recent.labels),
    };
    if (v.auc > v.aucBgNbd && v.logLoss < v.logLossBgNbd) {
      const allRaw = concat(origins.map((o) => o.raw));
      const all = standardize(allRaw);
      const model = fitLogistic(
        allRaw.map((r) => r.map((x, j) => (x - all.mean[j]) / all.sd[j])),
        Float64Array.from(concat(origins.map((o) => [...o.labels]))),
        concat(origins.map((o) => o.offsets)),
        opts.lambda ?? 1,
      );
      correction = { model, mean: all.mean, sd: all.sd, trainCustomers: allRaw.length, validation: v };
      recentScores = val;
    } else {
      notes.push(
        `the correction did not beat BG/NBD out of time (AUC ${v.auc.toFixed(3)} vs ${v.aucBgNbd.toFixed(3)}, log loss ${v.logLoss.toFixed(4)} vs ${v.logLossBgNbd.toFixed(4)}): BG/NBD alone`,
      );
    }
  } else if (opts.correction !== false && !oneSided)
    notes.push("only one training origin: the correction cannot be checked out of time, so BG/NBD alone");
  let calibration: PlattCalibration | null = null;
  if (opts.calibrate !== false) {
    // Out of time: with the correction, only its predictions at the most recent origin are (it was
    // trained on the older ones); BG/NBD alone is refitted at every origin, so all of them pool, and
    // more origins are taken (down to the calibration's own limits) when the shop's past has them.
    const rows = {
      scores: [...recentScores],
      oneTime: recent.feats.map((f) => (f.repeats === 0 ? 1 : 0)),
      labels: [...recent.labels],
    };
    if (!correction) {
      for (let k = 2; k <= MAX_ORIGINS; k++) {
        const o = origins[k - 1] ?? originData(histories, byId, asOfDay - k * w, w, variant, CALIBRATION_LIMITS);
        if (!o) break;
        rows.scores.push(...o.offsets.map(sigmoid));
        rows.oneTime.push(...o.feats.map((f) => (f.repeats === 0 ? 1 : 0)));
        rows.labels.push(...o.labels);
      }
    }
    calibration = fitShrunkCalibration(rows.scores, rows.oneTime, Float64Array.from(rows.labels));
    if (!(calibration.B > 0)) {
      notes.push("calibration map not increasing: not used");
      calibration = null;
    }
  }
  return {
    variant,
    training: {
      windowDays: w,
      variant,
      origins: origins.map((o) => ({
        cut: o.cut,
        customers: o.labels.length,
        churned: o.labels.reduce((a, b) => a + b, 0),
      })),
      correction,
      calibration,
    },
    notes,
  };
}

export interface ChurnOptions {
  /** Try the logistic correction (default true). */
  correction?: boolean;
  /** Calibrate out of time (default true). */
  calibrate?: boolean;
  /** Bootstrap replicates for the ranges (default BOOTSTRAP_REPLICATES; 0 = none). */
  replicates?: number;
}

export interface ChurnResult extends PredictionResult {
  features: CustomerFeatures[];
  shopGapDays: number | null;
  correction: ChurnCorrection | null;
  training: ChurnTraining | null;
  /** Risk baseline b and the cut-offs used for the bands. */
  risk: { baseline: number; low: number; medium: number };
  /** Range of the shop's predicted churn rate (about 90%). */
  churnRateRange: { low: number; high: number };
  /** Per customer: the purchase model's and the correction's contribution of each input (logit scale), for the reasons. */
  contributions: Contributions;
  /** Why a simpler model was used, when it was. */
  notes: string[];
}

/** The names a contribution can have: the purchase model's two, then the correction's inputs. */
export const CONTRIBUTION_NAMES = ["modelRecency", "modelRepeats", ...FEATURE_NAMES] as const;
export type ContributionName = (typeof CONTRIBUTION_NAMES)[number];

/**
 * Each customer's log-odds contributions (reasons.ts), one Float64Array per name instead of one record
 * per customer (a record of nine numbers costs about 270 bytes, its column entries 72). `at(i)` makes
 * customer i's record when it is read: null when none was set (no purchase model).
 */
export class Contributions {
  private readonly columns = new Map<ContributionName, Float64Array>();
  constructor(readonly length: number) {}

  set(name: ContributionName, i: number, value: number): void {
    let column = this.columns.get(name);
    if (!column) this.columns.set(name, (column = new Float64Array(this.length).fill(NaN)));
    column[i] = value;
  }

  at(i: number): Record<string, number> | null {
    let out: Record<string, number> | null = null;
    for (const name of CONTRIBUTION_NAMES) {
      const v = this.columns.get(name)?.[i];
      if (v === undefined || Number.isNaN(v)) continue;
      (out ??= {})[name] = v;
    }
    return out;
  }
}

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
const quantileOf = (sorted: readonly number[], q: number) => {
  if (!sorted.length) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};

/**
 * Predicts churn, P(alive), the next-order window, expected purchases, spend and 12-month value (with
 * ranges) for every history at asOfDay.
 * @example predictChurn(histories, dayOf(new Date("1997-09-30")), 273).model // "bgnbd+logistic"
 */
export function predictChurn(
  histories: readonly CustomerHistory[],
  asOfDay: number,
  horizonDays: number,
  opts: ChurnOptions = {},
): ChurnResult {
  if (!(horizonDays > 0)) throw new Error("predictChurn requires horizonDays > 0");
  const features = histories.map((h) => customerFeatures(h, asOfDay));
  const shopGap = typicalShopGap(features);
  const notes: string[] = [];
  const wantTraining = features.length > 0 && (opts.correction !== false || opts.calibrate !== false);
  const trained = wantTraining
    ? trainOnPast(histories, asOfDay, horizonDays, opts)
    : { training: null, notes: [], variant: "bgnbd" as const };
  const bg = tryFitBgNbd(features, shopGap, [trained.variant]);
  const gg = tryFitGammaGamma(features);
  const repeaters = features.filter((f) => f.repeats > 0).length;
  if (bg && (features.length < 200 || repeaters < MIN_REPEATERS)) {
    notes.push(
      `small shop (${features.length} customers, ${repeaters} repeat buyers): BG/NBD leans on its prior (typical values) where the data is thin`,
    );
  }
  notes.push(...trained.notes);
  const training = trained.training;
  const correction = training?.correction ?? null;
  const platt = training?.calibration ?? null;
  const w = training?.windowDays ?? horizonDays;
  const model: ChurnModelName = correction ? "bgnbd+logistic" : "bgnbd";
  if (!gg) notes.push("Gamma-Gamma not fitted: expected spend is the customer's own average, shrunk to the shop's");
  let shopAov = 0;
  for (const f of features) shopAov += f.aov / Math.max(1, features.length);
  const baseline = riskBaseline(horizonDays, shopGap);
  const cut = riskCutoffs(baseline);
  const gapForRows = shopGap ?? 30;

  // Pass 1: P(no purchase within the training window w), corrected and calibrated.
  const contributions = new Contributions(features.length);
  const churnW = new Float64Array(features.length);
  const baseW = new Float64Array(features.length);
  const baseH = new Float64Array(features.length);
  if (bg) {
    features.forEach((f, i) => {
      const base = bgnbdProbNoPurchase(bg, w, f.repeats, f.spanDays, f.tenureDays);
      let eta = logit(base);
      // The purchase model's own inputs, as log-odds effects (reasons.ts): the time since the last
      // purchase (against having just bought) and the repeat purchases (against a one-time buyer as recent).
      const lb = (x: number, tx: number, T: number) => logit(bgnbdProbNoPurchase(bg, w, x, tx, T));
      contributions.set(
        "modelRecency",
        i,
        f.repeats > 0 ? eta - lb(f.repeats, f.tenureDays, f.tenureDays) : eta - lb(0, 0, 0),
      );
      contributions.set("modelRepeats", i, f.repeats > 0 ? eta - lb(0, 0, f.recencyDays) : 0);
      if (correction) {
        const raw = rowOf(f, gapForRows, base);
        let z = correction.model.weights[0];
        raw.forEach((v, j) => {
          const c = correction.model.weights[j + 1] * ((v - correction.mean[j]) / correction.sd[j]);
          contributions.set(FEATURE_NAMES[j], i, c);
          z += c;
        });
        eta += z;
      }
      let p = sigmoid(eta);
      if (platt) p = sigmoid(platt.A + platt.B * logit(p) + platt.C * (f.repeats === 0 ? 1 : 0));
      churnW[i] = clampProbability(p);
      baseW[i] = clampProbability(base);
      baseH[i] = clampProbability(bgnbdProbNoPurchase(bg, horizonDays, f.repeats, f.spanDays, f.tenureDays));
    });
  }
  // When w < H, the extension is one monotone curve for the shop, logit c_H = u + v · logit c_w, the
  // purchase model's own relation between the two windows (least squares over the customers of BG/NBD's
  // churn over w and over H): the ranking learned at w is kept (per-customer timing would reorder
  // customers on the model's weakest part), the level and spread at H are the purchase model's.
  let u = 0;
  let v = 1;
  if (bg && w !== horizonDays && features.length > 1) {
    let sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0;
    const n = features.length;
    for (let i = 0; i < n; i++) {
      const x = logit(baseW[i]);
      const y = logit(baseH[i]);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const slope = (sxy - (sx * sy) / n) / Math.max(1e-12, sxx - (sx * sx) / n);
    if (slope > 0 && Number.isFinite(slope)) {
      v = slope;
      u = (sy - slope * sx) / n;
    }
  }
  const dates = sharedDayDates();
  const predictions: CustomerPrediction[] = features.map((f, i) => {
    const spend = gg
      ? gammaGammaExpectedSpend(gg, f.repeats, f.repeatMeanValue)
      : (f.occasions * f.aov + 2 * shopAov) / (f.occasions + 2);
    const typicalGapDays = f.meanGapDays ?? shopGap;
    if (!bg) {
      return {
        customerId: f.customerId,
        churnProbability: 0.5,
        pAlive: 0.5,
        pAliveKnown: false,
        expectedOrders: 0,
        expectedOrders12m: 0,
        expectedSpend: spend,
        clv12m: 0,
        clv12mLow: 0,
        clv12mHigh: 0,
        valueAtRisk: 0,
        typicalGapDays,
        nextOrderDate: null,
        nextOrderEarliest: null,
        nextOrderLatest: null,
        riskBand: riskBandOf(0.5, baseline),
      };
    }
    const shape = bg.r + f.repeats;
    const rate = bg.alpha + f.tenureDays;
    const churn = w === horizonDays ? churnW[i] : clampProbability(sigmoid(u + v * logit(churnW[i])));
    const { pEver, speed } = matchChurn(churn, shape, rate, horizonDays);
    const wait = lomaxWait(pEver, shape, rate, speed);
    const ifActive12m = bgnbdExpectedPurchasesIfAlive(bg, 365 * speed, f.repeats, f.tenureDays);
    const expectedOrders = pEver * bgnbdExpectedPurchasesIfAlive(bg, horizonDays * speed, f.repeats, f.tenureDays);
    const pAlive = clampProbability(pEver);
    const expectedOrders12m = pAlive * ifActive12m;
    const clv12m = expectedOrders12m * spend;
    const next = nextOrderWindow(wait, churn);
    const day = (d: number | null) => (d === null ? null : dates(asOfDay + d));
    return {
      customerId: f.customerId,
      churnProbability: churn,
      pAlive,
      pAliveKnown: pAliveKnownOf(f.occasions, pAlive),
      expectedOrders,
      expectedOrders12m,
      expectedSpend: spend,
      clv12m,
      clv12mLow: clv12m,
      clv12mHigh: clv12m,
      // Counted once: what the customer would bring in 12 months if active, times P(gone).
      valueAtRisk: (1 - pAlive) * ifActive12m * spend,
      typicalGapDays,
      nextOrderDate: day(next.central),
      nextOrderEarliest: day(next.earliest),
      nextOrderLatest: day(next.latest),
      riskBand: churn < cut.low ? "low" : churn < cut.medium ? "medium" : "high",
    };
  });

  // Ranges: parameter bootstrap (module comment).
  let churnRateRange = binomialRange(predictions);
  const replicates = opts.replicates ?? BOOTSTRAP_REPLICATES;
  if (bg && replicates > 0 && features.length >= 2) {
    const rows = fitSample(features).map((f) => ({ x: f.repeats, tx: f.spanDays, T: f.tenureDays }));
    const reps = bootstrapBgNbd(rows, bg, bgnbdPrior(shopGap), replicates);
    // Relative change of the shop's churn and 12-month value under each replicate, on an even sample.
    const step = Math.max(1, Math.floor(features.length / 2000));
    const probe = features.filter((_, i) => i % step === 0);
    const shopValue = (p: BgNbdParams) =>
      probe.reduce((s, f) => s + bgnbdExpectedPurchasesIfAlive(p, 365, f.repeats, f.tenureDays) * pAliveOf(p, f), 0);
    const shopChurn = (p: BgNbdParams) =>
      probe.reduce((s, f) => s + bgnbdProbNoPurchase(p, horizonDays, f.repeats, f.spanDays, f.tenureDays), 0) /
      probe.length;
    const v0 = shopValue(bg);
    const c0 = shopChurn(bg);
    const scored = reps
      .map((p) => ({ p, value: shopValue(p) / Math.max(v0, 1e-12), churn: shopChurn(p) - c0 }))
      .sort((a, b) => a.value - b.value);
    if (scored.length >= 2) {
      const lo = scored[Math.floor(0.1 * (scored.length - 1))].p;
      const hi = scored[Math.ceil(0.9 * (scored.length - 1))].p;
      const shifts = scored.map((s) => s.churn).sort((a, b) => a - b);
      const base = binomialRange(predictions);
      const mean = (base.low + base.high) / 2;
      const half = (base.high - base.low) / 2;
      // Both half-widths are of about 90% ranges: the customers' own chance and the parameters'.
      const halfParam = (quantileOf(shifts, 0.95) - quantileOf(shifts, 0.05)) / 2;
      const total = Math.sqrt(half * half + halfParam * halfParam);
      churnRateRange = { low: Math.max(0, mean - total), high: Math.min(1, mean + total) };
      // The ratio of a customer's 12-month purchases under the two replicates to the estimate depends on
      // (x, T, recency) smoothly: computed once per cell of 14 days × 14 days × x (exact for the cell's
      // first customer), so a million customers cost a few thousand model evaluations, not millions.
      const cells = new Map<string, [number, number]>();
      features.forEach((f, i) => {
        const p = predictions[i];
        const key = `${Math.min(f.repeats, 50)}|${Math.floor(f.tenureDays / 14)}|${Math.floor(f.recencyDays / 14)}`;
        let ratio = cells.get(key);
        if (!ratio) {
          const own = bgnbdExpectedPurchasesIfAlive(bg, 365, f.repeats, f.tenureDays) * pAliveOf(bg, f);
          ratio =
            own > 0
              ? [
                  (bgnbdExpectedPurchasesIfAlive(lo, 365, f.repeats, f.tenureDays) * pAliveOf(lo, f)) / own,
                  (bgnbdExpectedPurchasesIfAlive(hi, 365, f.repeats, f.tenureDays) * pAliveOf(hi, f)) / own,
                ]
              : [1, 1];
          cells.set(key, ratio);
        }
        p.clv12mLow = p.clv12m * Math.min(1, ratio[0], ratio[1]);
        p.clv12mHigh = p.clv12m * Math.max(1, ratio[0], ratio[1]);
      });
    }
  }
  return {
    model,
    horizonDays,
    bgnbd: bg,
    gammaGamma: gg,
    predictions,
    features,
    shopGapDays: shopGap,
    correction,
    training,
    risk: { baseline, ...cut },
    churnRateRange,
    contributions,
    notes,
  };
}

/** BG/NBD P(alive) of a customer (1 for x = 0). */
const pAliveOf = (p: BgNbdParams, f: CustomerFeatures): number => bgnbdPAlive(p, f.repeats, f.spanDays, f.tenureDays);

/** About 90% range of the share of customers who will not order, each independently with their probability. */
function binomialRange(predictions: readonly { churnProbability: number }[]) {
  const n = predictions.length;
  if (!n) return { low: 0, high: 0 };
  let mean = 0;
  let variance = 0;
  for (const p of predictions) {
    mean += p.churnProbability / n;
    variance += (p.churnProbability * (1 - p.churnProbability)) / (n * n);
  }
  const half = 1.645 * Math.sqrt(variance);
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}
