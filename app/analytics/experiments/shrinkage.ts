/**
 * Small segments borrow strength from the shop: each segment's uplift is shrunk toward the shop's overall
 * uplift by an empirical-Bayes normal-normal model (a random-effects meta-analysis of the segments).
 * Pure: plain numbers in and out.
 *
 * Model: segment i's measured uplift y_i ~ N(θ_i, v_i) (v_i its sampling variance), θ_i ~ N(μ, τ²).
 * - τ², the between-segment variance, by the method of moments of DerSimonian and Laird (1986,
 *   "Meta-analysis in clinical trials", Controlled Clinical Trials 7:177-188):
 *   w_i = 1/v_i, ȳ = Σw_i y_i / Σw_i, Q = Σw_i (y_i − ȳ)², τ² = max(0, (Q − (k − 1)) / (Σw_i − Σw_i²/Σw_i)).
 * - μ, the shop's overall uplift: Σw*_i y_i / Σw*_i with w*_i = 1/(v_i + τ²), variance 1/Σw*_i.
 * - each segment: θ̂_i = B_i μ + (1 − B_i) y_i with B_i = v_i/(v_i + τ²) (the shrinkage factor), and
 *   variance (1 − B_i) v_i + B_i² / Σw*_i (Morris 1983, "Parametric empirical Bayes inference", JASA 78,
 *   the term for μ being estimated). A 40-customer segment (large v_i) moves most of the way to μ; a large
 *   one keeps its own estimate. With τ² = 0 every segment reads μ (no evidence that they differ).
 */

export interface SegmentEstimate {
  /** Measured uplift of the segment (e.g. return-rate difference). */
  estimate: number;
  /** Its sampling variance (square of its standard error). */
  variance: number;
}

export interface ShrunkSegment {
  estimate: number;
  variance: number;
  /** B_i: 0 = the segment's own figure, 1 = the shop's overall one. */
  shrinkage: number;
}

export interface ShrinkageResult {
  /** Between-segment variance τ² (DerSimonian-Laird). */
  tau2: number;
  /** The shop's overall uplift μ and its variance. */
  overall: { estimate: number; variance: number };
  /** Cochran's Q. */
  q: number;
  segments: ShrunkSegment[];
}

/** DerSimonian-Laird τ², the random-effects mean, and each segment shrunk toward it. */
export function shrinkSegments(segments: readonly SegmentEstimate[]): ShrinkageResult {
  const usable = segments.map((s) => Number.isFinite(s.estimate) && s.variance > 0 && Number.isFinite(s.variance));
  const idx = segments.map((_, i) => i).filter((i) => usable[i]);
  if (idx.length === 0)
    return {
      tau2: 0,
      overall: { estimate: NaN, variance: Infinity },
      q: 0,
      segments: segments.map((s) => ({ estimate: s.estimate, variance: s.variance, shrinkage: 0 })),
    };
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  for (const i of idx) {
    const w = 1 / segments[i].variance;
    sw += w;
    sw2 += w * w;
    swy += w * segments[i].estimate;
  }
  const fixed = swy / sw;
  let q = 0;
  for (const i of idx) q += (segments[i].estimate - fixed) ** 2 / segments[i].variance;
  const k = idx.length;
  const tau2 = k > 1 ? Math.max(0, (q - (k - 1)) / (sw - sw2 / sw)) : 0;
  let sws = 0;
  let swsy = 0;
  for (const i of idx) {
    const w = 1 / (segments[i].variance + tau2);
    sws += w;
    swsy += w * segments[i].estimate;
  }
  const mu = swsy / sws;
  const muVar = 1 / sws;
  return {
    tau2,
    q,
    overall: { estimate: mu, variance: muVar },
    segments: segments.map((s, i) => {
      if (!usable[i]) return { estimate: mu, variance: muVar + tau2, shrinkage: 1 };
      const b = s.variance / (s.variance + tau2);
      return {
        estimate: b * mu + (1 - b) * s.estimate,
        variance: (1 - b) * s.variance + b * b * muVar,
        shrinkage: b,
      };
    }),
  };
}
