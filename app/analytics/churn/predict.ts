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
 * Ranges: each customer's are predictive, 80% (predictive.ts): the 10th and 90th percentiles of what they
 * will spend over H and over 12 months (orders from the matched purchase process, spend per order from
 * Gamma-Gamma's posterior) and of the first order's date given an order within H. The shop's totals over
 * H (orders, revenue, churn rate) get about 90% ranges from the customers' own chance (sum of
 * variances), a parameter bootstrap of BG/NBD (BOOTSTRAP_REPLICATES refits on resamples of at most
 * BOOTSTRAP_SAMPLE customers' (x, t_x, T), started at the estimate) and a model-error term
 * (TOTALS_MODEL_ERROR, CHURN_RATE_MODEL_ERROR).
 * The fits use at most MAX_FIT_CUSTOMERS customers, the training origins ORIGIN_SAMPLE (evenly spaced
 * samples in id order above that).
 */
import { bgnbdExpectedPurchasesIfAlive, bgnbdPAlive, bgnbdProbNoPurchase } from "../models/bgnbd";
import { customerFeatures, typicalShopGap, type CustomerFeatures } from "../data/features";
import { gammaGammaExpectedSpend } from "../models/gamma-gamma";
import { logit, sigmoid } from "../models/logistic";
import { lomaxWait, matchChurn, nextOrderWindow, pAliveKnownOf } from "../models/next-order";
import { sharedDayDates } from "../data/purchase-history";
import {
  type BgNbdParams,
  type ChurnModelName,
  type CustomerHistory,
  type CustomerPrediction,
  type PredictionResult,
} from "../types";
import {
  countMoments,
  firstOrderDayGivenOrder,
  orderCountPmf,
  orderValuePosterior,
  spendMoments,
  spendQuantiles,
} from "../models/predictive";
import { riskBaseline, riskCutoffs, riskBandOf } from "./bands";
import {
  clampProbability,
  MIN_REPEATERS,
  fitSample,
  bgnbdPrior,
  tryFitBgNbd,
  tryFitGammaGamma,
  FEATURE_NAMES,
  rowOf,
} from "./purchase-fit";
import { ChurnCorrection, ChurnTraining, trainOnPast } from "./training";
import { BOOTSTRAP_REPLICATES, bootstrapBgNbd, quantileOf } from "./bootstrap";

export * from "./bands";
export * from "./purchase-fit";
export * from "./calibration";
export * from "./training";
export * from "./bootstrap";

/**
 * The model's own error on a shop's totals, beyond the customers' chance and the parameters': what
 * the shop's season or trend does that a stationary purchase model cannot know. Standard deviations:
 * 5% of the expected orders and revenue, 1.5 points of churn rate (set on the CDNOW sample and the
 * Complete Journey sample at rolling origins: docs/numbers.md).
 */
export const TOTALS_MODEL_ERROR = 0.05;
export const CHURN_RATE_MODEL_ERROR = 0.015;
/** The per-customer predictive ranges are 80%: from the 10th to the 90th percentile. */
export const RANGE_LEVELS = [0.1, 0.9] as const;
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
  /** The shop's expected orders (purchase days) and revenue over H with about 90% ranges. */
  totalsRange: {
    orders: { expected: number; low: number; high: number };
    revenue: { expected: number; low: number; high: number };
  };
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
  // Sums over the customers of the orders' and spend's means and variances over H (shop totals' ranges).
  const totals = { orders: 0, ordersVar: 0, revenue: 0, revenueVar: 0 };
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
        spendLow: 0,
        spendHigh: 0,
        nextOrderLow: null,
        nextOrderHigh: null,
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
    // Predictive ranges (predictive.ts): the customer's own distribution of orders and spend.
    const m = bg.variant === "mbgnbd" ? 1 : 0;
    const process = { pEver, shape, rate, speed, dropA: bg.a, dropB: bg.b + f.repeats + m };
    const value = gg ? orderValuePosterior(gg, f.repeats, f.repeatMeanValue) : { fixed: spend };
    const pmfH = orderCountPmf(process, horizonDays);
    const pmf12 = orderCountPmf(process, 365);
    const [spendLow, spendHigh] = spendQuantiles(pmfH, value, RANGE_LEVELS);
    const [clv12mLow, clv12mHigh] = spendQuantiles(pmf12, value, RANGE_LEVELS);
    const ordersH = countMoments(pmfH);
    const spendH = spendMoments(pmfH, value);
    totals.orders += ordersH.mean;
    totals.ordersVar += ordersH.variance;
    totals.revenue += spendH.mean;
    totals.revenueVar += Number.isFinite(spendH.variance) ? spendH.variance : 0;
    return {
      customerId: f.customerId,
      churnProbability: churn,
      pAlive,
      pAliveKnown: pAliveKnownOf(f.occasions, pAlive),
      expectedOrders,
      expectedOrders12m,
      expectedSpend: spend,
      clv12m,
      clv12mLow,
      clv12mHigh,
      spendLow,
      spendHigh,
      nextOrderLow: dates(asOfDay + firstOrderDayGivenOrder(shape, rate, speed, horizonDays, RANGE_LEVELS[0])),
      nextOrderHigh: dates(asOfDay + firstOrderDayGivenOrder(shape, rate, speed, horizonDays, RANGE_LEVELS[1])),
      // Counted once: what the customer would bring in 12 months if active, times P(gone).
      valueAtRisk: (1 - pAlive) * ifActive12m * spend,
      typicalGapDays,
      nextOrderDate: day(next.central),
      nextOrderEarliest: day(next.earliest),
      nextOrderLatest: day(next.latest),
      riskBand: churn < cut.low ? "low" : churn < cut.medium ? "medium" : "high",
    };
  });

  // Ranges of the shop's totals over H: the customers' own chance (sum of variances) and the
  // parameters' (bootstrap), both about 90%.
  let churnRateRange = binomialRange(predictions);
  let ordersParamHalf = 0;
  const replicates = opts.replicates ?? BOOTSTRAP_REPLICATES;
  if (bg && replicates > 0 && features.length >= 2) {
    const rows = fitSample(features).map((f) => ({ x: f.repeats, tx: f.spanDays, T: f.tenureDays }));
    const reps = bootstrapBgNbd(rows, bg, bgnbdPrior(shopGap), replicates);
    // Relative change of the shop's churn and orders over H under each replicate, on an even sample.
    const step = Math.max(1, Math.floor(features.length / 2000));
    const probe = features.filter((_, i) => i % step === 0);
    const shopOrders = (p: BgNbdParams) =>
      probe.reduce(
        (s, f) => s + bgnbdExpectedPurchasesIfAlive(p, horizonDays, f.repeats, f.tenureDays) * pAliveOf(p, f),
        0,
      );
    const shopChurn = (p: BgNbdParams) =>
      probe.reduce((s, f) => s + bgnbdProbNoPurchase(p, horizonDays, f.repeats, f.spanDays, f.tenureDays), 0) /
      probe.length;
    const o0 = shopOrders(bg);
    const c0 = shopChurn(bg);
    if (reps.length >= 2) {
      const ratios = reps.map((p) => shopOrders(p) / Math.max(o0, 1e-12)).sort((x, y) => x - y);
      const shifts = reps.map((p) => shopChurn(p) - c0).sort((x, y) => x - y);
      const base = binomialRange(predictions);
      const mean = (base.low + base.high) / 2;
      const half = (base.high - base.low) / 2;
      // Both half-widths are of about 90% ranges: the customers' own chance and the parameters'.
      const halfParam = (quantileOf(shifts, 0.95) - quantileOf(shifts, 0.05)) / 2;
      const total = Math.sqrt(half * half + halfParam * halfParam + (1.645 * CHURN_RATE_MODEL_ERROR) ** 2);
      churnRateRange = { low: Math.max(0, mean - total), high: Math.min(1, mean + total) };
      ordersParamHalf = (quantileOf(ratios, 0.95) - quantileOf(ratios, 0.05)) / 2;
    }
  }
  const totalRange = (mean: number, variance: number) => {
    const half = Math.sqrt(
      1.645 ** 2 * variance + (ordersParamHalf * mean) ** 2 + (1.645 * TOTALS_MODEL_ERROR * mean) ** 2,
    );
    return { expected: mean, low: Math.max(0, mean - half), high: mean + half };
  };
  const totalsRange = {
    orders: totalRange(totals.orders, totals.ordersVar),
    revenue: totalRange(totals.revenue, totals.revenueVar),
  };
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
    totalsRange,
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
