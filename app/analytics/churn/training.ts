/**
 * Training at past origins (predict.ts, module comment, points 2-3): at cut = asOf − k·w the customers then,
 * their features and whether they bought in (cut, cut + w]; the logistic correction on BG/NBD's offset and
 * the calibration are fitted there.
 */
import { auc, logLoss } from "../evaluation/classification";
import { bgnbdProbNoPurchase } from "../models/bgnbd";
import { customerFeatures, typicalShopGap, type CustomerFeatures } from "../data/features";
import { fitLogistic, logit, predictLogistic, sigmoid, standardize, type LogisticModel } from "../models/logistic";
import { truncateHistories } from "../data/purchase-history";
import { type CustomerHistory } from "../types";
import {
  MIN_CLASS,
  MIN_REPEATERS,
  MIN_TRAIN,
  ORIGIN_SAMPLE,
  evenSample,
  BgVariant,
  tryFitBgNbd,
  rowOf,
} from "./purchase-fit";
import { PlattCalibration, CALIBRATION_LIMITS, fitShrunkCalibration, OriginLimits } from "./calibration";

/** Rolling origins used at most (cut = asOf − k·w, k = 1..MAX_ORIGINS). */
export const MAX_ORIGINS = 3;

export interface ChurnCorrection {
  model: LogisticModel;
  mean: number[];
  sd: number[];
  trainCustomers: number;
  /** Out of time at the most recent origin: the correction (trained on older origins) against BG/NBD alone. */
  validation: { auc: number; aucBgNbd: number; logLoss: number; logLossBgNbd: number };
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

const TRAIN_LIMITS: OriginLimits = { customers: MIN_TRAIN, repeaters: MIN_REPEATERS, perClass: MIN_CLASS };

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
