/**
 * The empirical churn model, used when a shop has too few repeat buyers for a stable BG/NBD fit.
 * A customer returns at all with probability q (the share of customers who made another purchase after
 * their n-th, n = 1 for one-time buyers, n ≥ 2 for repeat buyers); if they return, the gap to the next
 * purchase follows the shop's distribution of gaps F. Having seen no purchase for R days:
 *   P(no purchase in (R, R + H]) = 1 − q (F(R + H) − F(R)) / (1 − q F(R)).
 * With no gaps at all (nobody bought twice) the timing is unknown: P(alive) = q and half of the
 * returners are assumed to come back within the horizon.
 * Cost: O(gaps · log gaps) to build, O(log gaps) per customer.
 */
import type { CustomerFeatures } from "./features";
import type { CustomerHistory } from "./types";

export interface EmpiricalChurnModel {
  /** P(no purchase within `horizon` days) for a customer with these features. */
  churn(f: CustomerFeatures, horizon: number): number;
  /** P(the customer will ever buy again). */
  pAlive(f: CustomerFeatures): number;
  qFirst: number;
  qRepeat: number;
  gaps: number;
}

/** Share of sorted values ≤ v. */
function cdf(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length ? lo / sorted.length : 0;
}

export function fitEmpiricalChurn(histories: readonly CustomerHistory[]): EmpiricalChurnModel {
  const gapList: number[] = [];
  let one = 0;
  let oneReturned = 0;
  let many = 0;
  let manyReturned = 0;
  for (const h of histories) {
    const n = h.occasionDays.length;
    for (let i = 1; i < n; i++) gapList.push(h.occasionDays[i] - h.occasionDays[i - 1]);
    one++;
    if (n >= 2) {
      oneReturned++;
      many++;
      if (n >= 3) manyReturned++;
    }
  }
  const sorted = Float64Array.from(gapList).sort();
  // Beta(1, 1) prior so that small shops never get exactly 0 or 1.
  const qFirst = (oneReturned + 1) / (one + 2);
  const qRepeat = (manyReturned + 1) / (many + 2);
  const pReturn = (f: CustomerFeatures) => (f.repeats > 0 ? qRepeat : qFirst);
  const alive = (f: CustomerFeatures) => {
    const q = pReturn(f);
    if (!sorted.length) return q;
    const F = cdf(sorted, f.recencyDays);
    return (q * (1 - F)) / (1 - q * F);
  };
  return {
    qFirst,
    qRepeat,
    gaps: sorted.length,
    pAlive: alive,
    churn(f, horizon) {
      if (!sorted.length) return 1 - pReturn(f) * 0.5;
      const q = pReturn(f);
      const F0 = cdf(sorted, f.recencyDays);
      const F1 = cdf(sorted, f.recencyDays + horizon);
      return 1 - (q * (F1 - F0)) / (1 - q * F0);
    },
  };
}
