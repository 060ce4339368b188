/**
 * The Gamma-Gamma model of spend per transaction: a customer's transaction values are Gamma(p, ν) with
 * ν ~ Gamma(q, γ) across customers, independent of the purchase process. Fitted on repeat buyers
 * (x > 0 repeat transactions with mean value zbar). Fader & Hardie (2013), "The Gamma-Gamma Model of
 * Monetary Value": https://brucehardie.com/notes/025/gamma_gamma.pdf
 * Cost: O(customers) per likelihood evaluation.
 */
import { lgamma } from "../math/special-functions";
import { minimize } from "../math/optimize";
import { LOG_PARAM_BOUND } from "./bgnbd";
import type { GammaGammaParams } from "../types";

export interface SpendSummary {
  /** Number of transactions the mean is over (x > 0). */
  x: number;
  /** Mean transaction value (> 0). */
  zbar: number;
}

/**
 * Log-likelihood Σ ln[Γ(px + q) / (Γ(px) Γ(q)) · γ^q · x^(px) · zbar^(px − 1) / (γ + x zbar)^(px + q)].
 */
export function gammaGammaLogLikelihood(
  params: Pick<GammaGammaParams, "p" | "q" | "gamma">,
  data: readonly SpendSummary[],
): number {
  const { p, q, gamma } = params;
  const common = -lgamma(q) + q * Math.log(gamma);
  let total = 0;
  for (const { x, zbar } of data) {
    const px = p * x;
    total +=
      lgamma(px + q) -
      lgamma(px) +
      common +
      px * Math.log(x) +
      (px - 1) * Math.log(zbar) -
      (px + q) * Math.log(gamma + x * zbar);
  }
  return total;
}

/**
 * Maximum-likelihood fit on customers with x > 0 and zbar > 0 (others are ignored).
 * Throws when fewer than 2 such customers remain.
 * @example fitGammaGamma(cdnowRepeaters) // p ≈ 6.25, q ≈ 3.74, gamma ≈ 15.44
 */
export function fitGammaGamma(data: readonly SpendSummary[]): GammaGammaParams {
  const rows = data.filter((d) => d.x > 0 && d.zbar > 0 && Number.isFinite(d.zbar));
  if (rows.length < 2) throw new Error("fitGammaGamma requires at least 2 customers with repeat purchases");
  let mean = 0;
  for (const d of rows) mean += d.zbar / rows.length;
  // Log-parameters within ±LOG_PARAM_BOUND: with no spend heterogeneity q, γ → ∞ (see bgnbd.ts).
  const f = (v: number[]) =>
    v.some((x) => Math.abs(x) > LOG_PARAM_BOUND)
      ? Infinity
      : -gammaGammaLogLikelihood({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) }, rows);
  const best = minimize(f, [0, 0, Math.log(mean)], { tolerance: 1e-10, maxIterations: 1500, maxRestarts: 3 });
  const [p, q, gamma] = best.x.map(Math.exp);
  return { p, q, gamma, logLikelihood: -best.value };
}

/**
 * E[M | x, zbar] = p (γ + x zbar) / (p x + q − 1): the expected spend of a customer's future
 * transactions (for x = 0 the population mean p γ / (q − 1)). Valid for q > 1.
 * @example gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35) // ≈ 24.65
 */
export function gammaGammaExpectedSpend(
  params: Pick<GammaGammaParams, "p" | "q" | "gamma">,
  x: number,
  zbar: number,
): number {
  const { p, q, gamma } = params;
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}
