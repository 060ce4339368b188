/**
 * RFM: recency, frequency and monetary scores 1-5 within the shop, and named segments.
 *
 * Scores are rank quintiles by mid-rank: score = 1 + ⌊5 · (below + tied / 2) / n⌋, capped at 5, with
 * `below` the customers strictly worse and `tied` the customers with the same value (themselves
 * included). Tied customers share one score, the middle of the range their group spans (not its
 * lowest: a large group of one-day buyers is not pushed to the bottom), and the result does not depend
 * on input order. "Worse" means a longer recency, fewer purchase occasions, a lower net total.
 *
 * Segments by R and FM = round((F + M) / 2) (the common 5×5 RFM grid, with monetary folded in):
 * | segment             | R    | FM   |
 * |---------------------|------|------|
 * | Champions           | 5    | 4-5  |
 * | Loyal               | 3-4  | 4-5  |
 * | Potential loyalists | 4-5  | 2-3  |
 * | New                 | 5    | 1    |
 * | Promising           | 4    | 1    |
 * | Need attention      | 3    | 3    |
 * | About to sleep      | 3    | 1-2  |
 * | Can't lose them     | 1-2  | 5    |
 * | At risk             | 1-2  | 3-4  |
 * | Hibernating         | 2    | 1-2  |
 * | Lost                | 1    | 1-2  |
 * Cost: O(n log n).
 */
import type { RfmScores } from "../types";

export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalists",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Can't lose them",
  "Hibernating",
  "Lost",
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * Rank-quintile scores of values where higher is better.
 * @example quintileScores([1, 2, 3, 4, 5]) // [1, 2, 3, 4, 5]
 */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const scores = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    // count of values strictly below values[i] (binary search for the first index ≥ value)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    let hi2 = lo;
    let top = n;
    while (hi2 < top) {
      const mid = (hi2 + top) >> 1;
      if (sorted[mid] <= values[i]) hi2 = mid + 1;
      else top = mid;
    }
    scores[i] = Math.min(5, 1 + Math.floor((5 * (lo + (hi2 - lo) / 2)) / n));
  }
  return scores;
}

/** R, F and M scores for customers given recency (days), occasions and monetary totals. */
export function rfmScores(
  recencyDays: readonly number[],
  frequency: readonly number[],
  monetary: readonly number[],
): RfmScores[] {
  const r = quintileScores(recencyDays.map((d) => -d));
  const f = quintileScores(frequency);
  const m = quintileScores(monetary);
  return r.map((rv, i) => ({ r: rv, f: f[i], m: m[i] }));
}

/**
 * The named segment of an RFM score (see the table above).
 * @example rfmSegment({ r: 5, f: 5, m: 4 }) // "Champions"
 */
export function rfmSegment({ r, f, m }: RfmScores): RfmSegment {
  const fm = Math.round((f + m) / 2);
  if (r === 5 && fm >= 4) return "Champions";
  if (r >= 3 && fm >= 4) return "Loyal";
  if (r >= 4 && fm >= 2) return "Potential loyalists";
  if (r === 5) return "New";
  if (r === 4) return "Promising";
  if (r === 3 && fm === 3) return "Need attention";
  if (r === 3) return "About to sleep";
  if (fm === 5) return "Can't lose them";
  if (fm >= 3) return "At risk";
  if (r === 2) return "Hibernating";
  return "Lost";
}

/** A URL-safe key for a name ("Can't lose them" → "cant-lose-them"). */
export const slugify = (name: string): string =>
  name
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
