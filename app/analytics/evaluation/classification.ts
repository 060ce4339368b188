/** Scores of probabilistic classifiers: AUC and Brier score. */

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative
 * (ties count half), by the Mann-Whitney rank sum. NaN when a class is empty.
 * Cost: O(n log n).
 * @example auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // 0.75
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[idx[k]]) {
        pos++;
        rankSum += midRank;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Brier score: mean squared difference between predicted probability and outcome (0 is perfect).
 * @example brier([0.9, 0.2], [1, 0]) // 0.025
 */
export function brier(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += (predicted[i] - labels[i]) ** 2;
  return s / predicted.length;
}

export interface CalibrationBin {
  /** Bin bounds [from, to) of the predicted probability (the last bin includes 1). */
  from: number;
  to: number;
  customers: number;
  meanPredicted: number | null;
  observed: number | null;
}

/**
 * Reliability curve on `bins` equal-width bins of the predicted probability, and the expected
 * calibration error ECE = Σ_b (n_b / n) · |mean predicted_b − observed rate_b|.
 * @example calibration([0.1, 0.9], [0, 1]).ece // ≈ 0.1
 */
export function calibration(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): { ece: number; bins: CalibrationBin[] } {
  const n = predicted.length;
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(predicted[i] * bins)));
    count[b]++;
    sumP[b] += predicted[i];
    sumY[b] += labels[i];
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    if (c) ece += (c / n) * Math.abs(sumP[b] / c - sumY[b] / c);
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      customers: c,
      meanPredicted: c ? sumP[b] / c : null,
      observed: c ? sumY[b] / c : null,
    });
  }
  return { ece: n ? ece : NaN, bins: out };
}

/** Mean log loss (natural log), probabilities kept within [1e-12, 1 − 1e-12]. */
export function logLoss(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, predicted[i]));
    s -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / predicted.length;
}

/**
 * Top-decile lift: the positive rate among the 10% highest scores over the overall positive rate.
 * @example topDecileLift([0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.05], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]) // 10
 */
export function topDecileLift(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[j] - scores[i] || i - j);
  const top = Math.max(1, Math.round(n / 10));
  let hits = 0;
  let all = 0;
  for (let i = 0; i < n; i++) all += labels[i];
  for (let i = 0; i < top; i++) hits += labels[idx[i]];
  return all ? hits / top / (all / n) : NaN;
}
