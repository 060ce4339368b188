/**
 * Predictive ranges: what one customer will do, not the uncertainty of an average.
 *
 * Number of orders N in the next t days. Given alive, BG/NBD buys at Poisson rate λ and drops out after
 * each purchase with probability p, independently; a posteriori λ ~ Gamma(r + x, α + T) and p ~ Beta(a,
 * b + x) (MBG/NBD: b + x + 1, one more dropout chance survived). A customer alive at as-of makes at least
 * n orders when the Poisson clock ticks n times and they survive the first n − 1 of them:
 *   P(N ≥ n | alive) = P(NBD(t) ≥ n) · E[(1 − p)^(n − 1)],   E[(1 − p)^k] = Π_{j<k} (b' + j) / (a + b' + j),
 * where NBD(t) is the negative binomial count of a Gamma(shape, rate) mixture of Poisson processes. The
 * churn probability is matched as in next-order.ts: P(N ≥ 1) = π · (1 − S(t)) with π and the clock
 * speed from matchChurn, so P(N = 0) over H is the churn probability itself.
 *
 * Spend. Gamma-Gamma: each order's value is Gamma(p, ν), a posteriori ν ~ Gamma(q + p x, γ + x z̄). The
 * total of n orders is then γ' · B with B ~ BetaPrime(n p, q'), so P(S ≤ s | n) = I_{s / (s + γ')}(n p, q'),
 * and the spend over t is the mixture over n of those, with an atom P(N = 0) at 0. Its 10th and 90th
 * percentiles are the customer's 80% range; the 10th is 0 when P(N = 0) ≥ 10%.
 *
 * The first order's date given an order within H: F(t) / F(H) with F(t) = π · G(t) (next-order.ts), so
 * its u-quantile solves G(t) = u · G(H) and does not depend on π.
 * Cost: O(terms of N) per probability, a few dozen bisection steps per quantile.
 */
import { betaInc, lgamma } from "../math/special-functions";

/** The purchase process of one customer as the predictions see it (next-order.ts, predictive ranges). */
export interface OrderProcess {
  /** P(the customer is alive and ever orders again), matched to the churn probability. */
  pEver: number;
  /** Gamma posterior of the purchase rate (per day): shape r + x, rate α + T. */
  shape: number;
  rate: number;
  /** Clock speed from matchChurn (1 = the model's own timing). */
  speed: number;
  /** Beta posterior of the dropout probability given alive: (a, b'). */
  dropA: number;
  dropB: number;
}

/** Largest number of orders the distribution is carried to (the remaining tail is lumped there). */
const MAX_TERMS = 400;
const TAIL = 1e-6;

/**
 * P(N = n) for n = 0, 1, …: the distribution of the number of orders in the next t days.
 * @example orderCountPmf({ pEver: 1, shape: 1, rate: 10, speed: 1, dropA: 1, dropB: 1e9 }, 10)[0] // 0.5
 */
export function orderCountPmf(m: OrderProcess, t: number): Float64Array {
  const beta = m.rate / m.speed;
  const q = beta / (beta + t);
  // NBD survival P(NBD ≥ n), built from its pmf by the recurrence p_n = p_{n−1} (s + n − 1) / n (1 − q).
  let nbd = Math.exp(m.shape * Math.log(q));
  let nbdAtLeast = 1 - nbd; // P(NBD ≥ 1)
  let survive = 1; // E[(1 − p)^(n − 1)] at n = 1
  const atLeast: number[] = [1, m.pEver * nbdAtLeast];
  for (let n = 2; n <= MAX_TERMS; n++) {
    nbd *= ((m.shape + n - 2) / (n - 1)) * (1 - q);
    nbdAtLeast = Math.max(0, nbdAtLeast - nbd);
    survive *= (m.dropB + n - 2) / (m.dropA + m.dropB + n - 2);
    const p = m.pEver * nbdAtLeast * survive;
    atLeast.push(p);
    if (p < TAIL) break;
  }
  const pmf = new Float64Array(atLeast.length);
  for (let n = 0; n < atLeast.length; n++) pmf[n] = atLeast[n] - (n + 1 < atLeast.length ? atLeast[n + 1] : 0);
  return pmf;
}

/** Mean and variance of a count distribution. */
export function countMoments(pmf: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  let second = 0;
  for (let n = 1; n < pmf.length; n++) {
    mean += n * pmf[n];
    second += n * n * pmf[n];
  }
  return { mean, variance: Math.max(0, second - mean * mean) };
}

/**
 * The value of one order: Gamma-Gamma's posterior (shape p per order, ν ~ Gamma(q', γ')), or a fixed
 * amount when the shop has no Gamma-Gamma fit.
 */
export type OrderValue = { p: number; q: number; gamma: number } | { fixed: number };

/** Gamma-Gamma's posterior for a customer with x repeat orders of mean value zbar. */
export function orderValuePosterior(gg: { p: number; q: number; gamma: number }, x: number, zbar: number): OrderValue {
  return { p: gg.p, q: gg.q + gg.p * x, gamma: gg.gamma + x * zbar };
}

/** Mean and variance of the spend over the window (orders × value, with the value's shared ν). */
export function spendMoments(pmf: ArrayLike<number>, value: OrderValue): { mean: number; variance: number } {
  const { mean: n1, variance: nv } = countMoments(pmf);
  if ("fixed" in value) return { mean: n1 * value.fixed, variance: nv * value.fixed * value.fixed };
  const { p, q, gamma } = value;
  let mean = 0;
  let second = 0;
  for (let n = 1; n < pmf.length; n++) {
    const a = n * p;
    const m = (gamma * a) / (q - 1);
    // E[S² | n] of γ' · BetaPrime(a, q'): γ'² a (a + 1) / ((q' − 1)(q' − 2)); infinite when q' ≤ 2.
    const s2 = q > 2 ? (gamma * gamma * a * (a + 1)) / ((q - 1) * (q - 2)) : Infinity;
    mean += pmf[n] * m;
    second += pmf[n] * s2;
  }
  return { mean, variance: Math.max(0, second - mean * mean) };
}

/**
 * The spend distribution's quantiles at `levels` (each in (0, 1)): 0 where the level is at or below
 * P(N = 0), else the s with P(S ≤ s) = level, by bisection on log s.
 */
export function spendQuantiles(pmf: ArrayLike<number>, value: OrderValue, levels: readonly number[]): number[] {
  const p0 = pmf[0];
  if ("fixed" in value) {
    // Orders of a fixed value: the count's own quantiles times the value.
    return levels.map((u) => {
      let cum = 0;
      for (let n = 0; n < pmf.length; n++) {
        cum += pmf[n];
        if (cum >= u - 1e-12) return n * value.fixed;
      }
      return (pmf.length - 1) * value.fixed;
    });
  }
  const { p, q, gamma } = value;
  const terms: number[] = [];
  const lnB: number[] = [];
  for (let n = 1; n < pmf.length; n++) {
    if (pmf[n] < 1e-8) continue;
    terms.push(n);
    lnB.push(lgamma(n * p) + lgamma(q) - lgamma(n * p + q));
  }
  const cdf = (s: number) => {
    const y = s / (s + gamma);
    let total = p0;
    // I_y(n p, q') falls as n grows (more orders, more spend): once it is negligible, so are the rest.
    for (let k = 0; k < terms.length; k++) {
      const share = betaInc(terms[k] * p, q, y, lnB[k]);
      total += pmf[terms[k]] * share;
      if (share < 1e-9) break;
    }
    return total;
  };
  // A first guess from a lognormal with the spend's moments given an order, then regula falsi
  // (Illinois) on log s inside a bracket: a handful of evaluations of the mixture's distribution.
  const moments = spendMoments(pmf, value);
  const pos = Math.max(1e-9, 1 - p0);
  const mean = Math.max(1e-9, moments.mean / pos);
  const second = Number.isFinite(moments.variance) ? (moments.variance + moments.mean ** 2) / pos : 4 * mean * mean;
  const sigma = Math.sqrt(Math.max(1e-4, Math.log(Math.max(1 + 1e-4, second / (mean * mean)))));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return levels.map((u) => {
    if (u <= p0 || terms.length === 0) return 0;
    const target = (u - p0) / pos; // the level within the spend given an order
    const guess = mu + sigma * normalQuantile(Math.min(0.999, Math.max(0.001, target)));
    const g = (x: number) => cdf(Math.exp(x)) - u;
    let lo = guess - 0.5 * sigma - 0.05;
    let hi = guess + 0.5 * sigma + 0.05;
    let flo = g(lo);
    let fhi = g(hi);
    for (let k = 0; flo > 0 && k < 60; k++) flo = g((lo -= 1 + k));
    for (let k = 0; fhi < 0 && k < 60; k++) fhi = g((hi += 1 + k));
    let side = 0;
    for (let i = 0; i < 60 && hi - lo > 1e-4; i++) {
      const x = (lo * fhi - hi * flo) / (fhi - flo);
      const fx = g(x);
      if (Math.abs(fx) < 1e-5) return Math.exp(x);
      if (fx < 0) {
        lo = x;
        flo = fx;
        if (side === -1) fhi /= 2;
        side = -1;
      } else {
        hi = x;
        fhi = fx;
        if (side === 1) flo /= 2;
        side = 1;
      }
    }
    return Math.exp((lo + hi) / 2);
  });
}

/** Standard normal quantile (Acklam's rational approximation, relative error about 1e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * Days after as-of by which a customer who orders within `horizonDays` has placed the first order with
 * probability u: G(t · speed) = u · G(H · speed), G the Lomax wait (never before day 1, never after H).
 */
export function firstOrderDayGivenOrder(
  shape: number,
  rate: number,
  speed: number,
  horizonDays: number,
  u: number,
): number {
  const gH = 1 - Math.exp(shape * Math.log(rate / (rate + horizonDays * speed)));
  const g = u * gH;
  const t = (rate * (Math.pow(1 - g, -1 / shape) - 1)) / speed;
  if (!Number.isFinite(t)) return horizonDays;
  return Math.min(horizonDays, Math.max(1, Math.ceil(t)));
}
