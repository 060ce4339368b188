/**
 * The shrunk calibration of the churn probabilities (predict.ts, module comment, point 3): a Platt map held
 * near "no change" by its prior, fitted out of time on the shop's own past.
 */
import { calibration as calibrationCurve } from "../evaluation/classification";
import { fitLogistic, logit, sigmoid } from "../models/logistic";

/** What an origin needs: customers then, repeat buyers among them, and customers with each label. */
export interface OriginLimits {
  customers: number;
  repeaters: number;
  perClass: number;
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

/**
 * The shrunk calibration (module comment, point 3) needs far less than the correction: it has three
 * weights held near "no change" by their prior, so a 50-customer shop's past can move it a little.
 */
export const CALIBRATION_LIMITS: OriginLimits = { customers: 30, repeaters: 5, perClass: 5 };
// Shops too small for any training origin are not calibrated on a relaxed one: a young shop's own past at
// as-of − w is too unlike the present (measured: docs/decisions/009).
/**
 * Prior precision of the calibration's weights (A, B − 1, C): λ = 4 is a normal prior with sd 0.5 on the
 * logit scale, so a shift of one logit (e.g. 0.73 → 0.5) needs the evidence of a few dozen customers of
 * the shop's own past, and 2,000 customers' past decides it nearly alone.
 */
export const CALIBRATION_PRIOR_PRECISION = 4;

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
