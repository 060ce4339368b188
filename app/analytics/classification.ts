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
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]]) {
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

