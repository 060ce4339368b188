/**
 * Ridge-penalised logistic regression with a fixed offset, fitted by Newton-Raphson (IRLS):
 * P(y = 1) = σ(offset + w0 + Σ w_j x_j), minimising −log-likelihood + λ/2 Σ_{j≥1} w_j² + λ0/2 w0² (the
 * intercept is not penalised unless `interceptLambda` λ0 > 0: a prior centred on the offset, as the
 * shrunk calibration uses). Features should be standardised (see standardize()).
 * Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, §4.4.1.
 * Cost: O(iterations · n · d²) time, O(d²) extra memory.
 */

export interface LogisticModel {
  /** Intercept first, then one weight per feature. */
  weights: number[];
  iterations: number;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
export const logit = (p: number, eps = 1e-6): number => {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
};

/** Solves the symmetric positive-definite system A w = b (Gaussian elimination with partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const piv = M[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / piv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const w = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * w[k];
    w[r] = s / (M[r][r] || 1e-12);
  }
  return w;
}

function penalizedLoss(
  x: readonly number[][],
  y: ArrayLike<number>,
  offset: ArrayLike<number>,
  w: readonly number[],
  lambda: number,
  interceptLambda: number,
): number {
  let loss = 0;
  for (let i = 0; i < x.length; i++) {
    let z = offset[i] + w[0];
    for (let j = 1; j < w.length; j++) z += w[j] * x[i][j - 1];
    // −log σ(z) for y = 1, −log(1 − σ(z)) for y = 0, computed stably.
    const m = y[i] ? -z : z;
    loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }
  for (let j = 1; j < w.length; j++) loss += (lambda / 2) * w[j] * w[j];
  return loss + (interceptLambda / 2) * w[0] * w[0];
}

/**
 * Fits the model. `x[i]` holds the features of row i, `y[i]` is 0 or 1, `offset[i]` a fixed term.
 * @example fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], [0, 0, 0, 0], 0.1).weights
 */
export function fitLogistic(
  x: readonly number[][],
  y: ArrayLike<number>,
  offset: ArrayLike<number>,
  lambda = 1,
  maxIterations = 50,
  interceptLambda = 0,
): LogisticModel {
  const n = x.length;
  if (n === 0) throw new Error("fitLogistic requires at least 1 row");
  const d = x[0].length + 1;
  let w = new Array<number>(d).fill(0);
  let it = 0;
  for (; it < maxIterations; it++) {
    const Hflat = new Float64Array(d * d);
    const g = new Array<number>(d).fill(0);
    const row = new Float64Array(d);
    const wv = Float64Array.from(w);
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      row[0] = 1;
      for (let j = 1; j < d; j++) row[j] = xi[j - 1];
      let z = offset[i];
      for (let j = 0; j < d; j++) z += wv[j] * row[j];
      const p = sigmoid(z);
      const r = p - y[i];
      const s = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j < d; j++) {
        g[j] += r * row[j];
        const sj = s * row[j];
        const base = j * d;
        for (let k = j; k < d; k++) Hflat[base + k] += sj * row[k];
      }
    }
    const H = Array.from({ length: d }, (_, j) =>
      Array.from({ length: d }, (_, k) => (k >= j ? Hflat[j * d + k] : Hflat[k * d + j])),
    );
    for (let j = 0; j < d; j++) {
      const l = j === 0 ? interceptLambda : lambda;
      g[j] += l * w[j];
      H[j][j] += l;
    }
    const step = solve(H, g);
    // Step halving: Newton can overshoot on nearly separable data.
    const before = penalizedLoss(x, y, offset, w, lambda, interceptLambda);
    let scale = 1;
    let next = w.map((v, j) => v - step[j]);
    for (let h = 0; h < 30 && !(penalizedLoss(x, y, offset, next, lambda, interceptLambda) <= before + 1e-12); h++) {
      scale /= 2;
      next = w.map((v, j) => v - scale * step[j]);
    }
    w = next;
    if (Math.max(...step.map(Math.abs)) * scale < 1e-8) break;
  }
  return { weights: w, iterations: it };
}

/** P(y = 1) for one row. */
export function predictLogistic(model: LogisticModel, row: readonly number[], offset: number): number {
  let z = offset + model.weights[0];
  for (let j = 0; j < row.length; j++) z += model.weights[j + 1] * row[j];
  return sigmoid(z);
}

/** Column means and standard deviations (sd 1 for constant columns). */
export function standardize(rows: readonly number[][]): { mean: number[]; sd: number[] } {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / rows.length;
  return { mean, sd: sd.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}
