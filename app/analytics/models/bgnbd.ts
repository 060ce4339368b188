/**
 * The BG/NBD model of repeat purchasing ("beta-geometric / negative binomial distribution"):
 * while alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
 * Marketing Science 24(2): https://brucehardie.com/papers/018/fader_et_al_mksc_05.pdf
 *
 * A customer is summarised by x (repeat purchases: purchase occasions after the first), t_x (time of the
 * last purchase since the first) and T (as-of time since the first), all in one time unit.
 * The fit maximises the likelihood (equation 6) over log-parameters with Nelder-Mead; identical
 * (x, t_x, T) rows are grouped, so the cost is O(distinct rows) per evaluation.
 */
import { hyp2f1, lgamma } from "../math/special-functions";
import { minimize } from "../math/optimize";
import type { BgNbdParams } from "../types";

export interface RepeatSummary {
  /** Repeat purchases (occasions after the first). */
  x: number;
  /** Time of the last purchase since the first one. */
  tx: number;
  /** Time from the first purchase to the as-of date. */
  T: number;
}

interface Grouped {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Distinct x values and, per row, the index of its x among them (the lgamma terms depend on x only). */
  xs: Float64Array;
  xIndex: Int32Array;
}

function group(data: readonly RepeatSummary[]): Grouped {
  const counts = new Map<string, { row: RepeatSummary; n: number }>();
  for (const row of data) {
    const key = `${row.x}|${row.tx}|${row.T}`;
    const hit = counts.get(key);
    if (hit) hit.n++;
    else counts.set(key, { row, n: 1 });
  }
  const n = counts.size;
  const g: Grouped = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    weight: new Float64Array(n),
    xs: new Float64Array(0),
    xIndex: new Int32Array(n),
  };
  const xPos = new Map<number, number>();
  let i = 0;
  for (const { row, n: w } of counts.values()) {
    g.x[i] = row.x;
    g.tx[i] = row.tx;
    g.T[i] = row.T;
    g.weight[i] = w;
    let k = xPos.get(row.x);
    if (k === undefined) xPos.set(row.x, (k = xPos.size));
    g.xIndex[i] = k;
    i++;
  }
  g.xs = Float64Array.from(xPos.keys());
  return g;
}

function logLikelihoodGrouped(r: number, alpha: number, a: number, b: number, g: Grouped, modified = false): number {
  const base = lgamma(a + b) - lgamma(b) - lgamma(r) + r * Math.log(alpha);
  const byX = new Float64Array(g.xs.length);
  const logA = Math.log(a);
  // MBG/NBD: a customer may also drop out right after the first purchase (one more dropout chance).
  const extra = modified ? 1 : 0;
  for (let k = 0; k < g.xs.length; k++) {
    const x = g.xs[k];
    byX[k] = lgamma(r + x) + base + lgamma(b + x + extra) - lgamma(a + b + x + extra);
  }
  let total = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i];
    const a1 = byX[g.xIndex[i]];
    const a3 = -(r + x) * Math.log(alpha + g.T[i]);
    const a4 = x > 0 || modified ? logA - Math.log(b + x - 1 + extra) - (r + x) * Math.log(alpha + g.tx[i]) : -Infinity;
    // ln(e^a3 + e^a4), inlined (the hot loop of the fit)
    const m = a3 > a4 ? a3 : a4;
    total += g.weight[i] * (a1 + (a4 === -Infinity ? a3 : m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m))));
  }
  return total;
}

/**
 * Log-likelihood of BG/NBD parameters on a sample (the paper's equation 6, summed).
 * @example bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, cdnowWeeks) // ≈ −9582.4
 */
export function bgnbdLogLikelihood(
  params: Pick<BgNbdParams, "r" | "alpha" | "a" | "b">,
  data: readonly RepeatSummary[],
): number {
  return logLikelihoodGrouped(params.r, params.alpha, params.a, params.b, group(data));
}

/**
 * Log-parameters are kept within ±LOG_PARAM_BOUND (parameters in [6e-6, 1.6e5]): when the dropout
 * process is degenerate (a, b → ∞ with a fixed ratio: every customer drops out with about the same
 * probability) the likelihood keeps creeping up towards infinity, and the bound stops the search at
 * an equivalent finite point.
 */
export const LOG_PARAM_BOUND = 12;

/**
 * Maximum-likelihood fit (maximum a posteriori with `prior`). Starts from r = a = b = 1 and α = mean T
 * (the prior's centre with a prior, `start` when given: a short refit, as the bootstrap does);
 * `timeUnitDays` only labels the unit the data is in. Throws when the sample has no customers.
 * Cost: O(distinct (x, t_x, T) rows · evaluations), a few thousand evaluations.
 */
export function fitBgNbd(
  data: readonly RepeatSummary[],
  timeUnitDays = 1,
  prior?: BgNbdPrior,
  start?: number[],
  variant: "bgnbd" | "mbgnbd" = "bgnbd",
): BgNbdParams {
  const modified = variant === "mbgnbd";
  if (data.length === 0) throw new Error("fitBgNbd requires at least 1 customer");
  const g = group(data);
  let meanT = 0;
  for (const row of data) meanT += row.T / data.length;
  const penalty = (p: number[]) => {
    if (!prior) return 0;
    let s = 0;
    for (let j = 0; j < 4; j++) s += (p[j] - prior.logMean[j]) ** 2;
    return s / (2 * prior.logSd * prior.logSd);
  };
  const f = (p: number[]) =>
    p.some((v) => Math.abs(v) > LOG_PARAM_BOUND)
      ? Infinity
      : -logLikelihoodGrouped(Math.exp(p[0]), Math.exp(p[1]), Math.exp(p[2]), Math.exp(p[3]), g, modified) + penalty(p);
  const from = start ?? prior?.logMean ?? [0, Math.log(Math.max(meanT, 1e-3)), 0, 0];
  const best = minimize(
    f,
    from,
    start
      ? { tolerance: 1e-8, maxIterations: 400, maxRestarts: 1, step: 0.2 }
      : { tolerance: 1e-10, maxIterations: 1500, maxRestarts: 3 },
  );
  const [r, alpha, a, b] = best.x.map(Math.exp);
  return {
    r,
    alpha,
    a,
    b,
    timeUnitDays,
    logLikelihood: -(best.value - penalty(best.x)),
    ...(modified ? { variant } : {}),
  };
}

/**
 * A weak normal prior on the log-parameters (log r, log α, log a, log b), for maximum a posteriori
 * fits of small shops: with few customers or few repeat buyers the likelihood alone is flat or runs off
 * to a boundary, and the prior keeps the fit at sensible values; with many customers it is negligible.
 */
export interface BgNbdPrior {
  logMean: number[];
  logSd: number;
}

/**
 * The parameters the predictions need; `variant: "mbgnbd"` is the modified BG/NBD (Batislam, Denizel &
 * Filiztekin 2007): a customer may drop out right after the first purchase too, so a one-time buyer's
 * P(alive) is below 1 and falls with time, P(alive) = 1 / (1 + a / (b + x) · ((α + T) / (α + t_x))^(r + x)),
 * and E[Y(t) | alive] uses 2F1(r + x, b + x + 1; a + b + x; ·) with the factor (a + b + x) / (a − 1).
 */
export type BgNbdShape = Pick<BgNbdParams, "r" | "alpha" | "a" | "b" | "variant">;

/**
 * P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)).
 * @example bgnbdPAlive(cdnowParams, 0, 0, 38.86) // 1
 */
export function bgnbdPAlive(p: BgNbdShape, x: number, tx: number, T: number): number {
  const m = p.variant === "mbgnbd" ? 1 : 0;
  if (x === 0 && !m) return 1;
  const logRatio = Math.log(p.a / (p.b + x - 1 + m)) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/**
 * Expected purchases in (T, T + t] given the history (the paper's equation 10).
 * @example bgnbdExpectedPurchases(cdnowParams, 39, 2, 30.43, 38.86) // ≈ 1.226
 */
export function bgnbdExpectedPurchases(
  p: Pick<BgNbdParams, "r" | "alpha" | "a" | "b">,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const powTerm = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  let f21: number;
  try {
    f21 = hyp2f1(r + x, b + x, a + b + x - 1, z);
  } catch {
    // Series did not converge (extreme parameters): fall back to P(alive) · E[λ | alive] · t, the
    // expected purchases if the customer stayed alive at the posterior mean rate over the horizon.
    return bgnbdPAlive(p, x, tx, T) * ((r + x) / (alpha + T)) * t;
  }
  const bracket = 1 - powTerm * f21;
  const head = (a + b + x - 1) / (a - 1);
  const denom = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  const value = (head * bracket) / denom;
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Expected purchases in (T, T + t] of a customer who is alive at T: equation (10) without its P(alive)
 * factor, so that E[Y(t)] = P(alive) · E[Y(t) | alive] (stable when P(alive) is tiny).
 */
export function bgnbdExpectedPurchasesIfAlive(p: BgNbdShape, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const m = p.variant === "mbgnbd" ? 1 : 0;
  const z = t / (alpha + T + t);
  const powTerm = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  let f21: number;
  try {
    f21 = hyp2f1(r + x, b + x + m, a + b + x - 1 + m, z);
  } catch {
    return ((r + x) / (alpha + T)) * t;
  }
  const value = ((a + b + x - 1 + m) / (a - 1)) * (1 - powTerm * f21);
  return Number.isFinite(value) && value >= 0 ? value : ((r + x) / (alpha + T)) * t;
}

/**
 * Expected purchases of a new customer by time t: E[X(t)] (the paper's equation 9).
 * @example bgnbdExpectedNew(cdnowParams, 78) // ≈ 1.8576
 */
export function bgnbdExpectedNew(p: Pick<BgNbdParams, "r" | "alpha" | "a" | "b">, t: number): number {
  return bgnbdExpectedPurchases(p, t, 0, 0, 0);
}

/**
 * P(no purchase in (T, T + t] | x, t_x, T): a customer buys nothing either because they are gone or,
 * alive with rate λ ~ Gamma(r + x, α + T) a posteriori, because the Poisson clock did not tick:
 * 1 − P(alive) · (1 − ((α + T) / (α + T + t))^(r + x)). Meaningful for one-time buyers too.
 * @example bgnbdProbNoPurchase(cdnowParams, 39, 0, 0, 0) // ≈ 0.5737864
 */
export function bgnbdProbNoPurchase(p: BgNbdShape, t: number, x: number, tx: number, T: number): number {
  const alive = bgnbdPAlive(p, x, tx, T);
  const silent = Math.exp((p.r + x) * Math.log((p.alpha + T) / (p.alpha + T + t)));
  return 1 - alive * (1 - silent);
}
