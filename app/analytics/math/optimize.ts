/**
 * Nelder-Mead downhill simplex minimisation, used to fit the BG/NBD and Gamma-Gamma models on
 * log-parameters (so every parameter stays positive without constraints).
 * Lagarias et al. (1998), "Convergence properties of the Nelder-Mead simplex method in low dimensions";
 * standard coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5). Restarts from the best
 * point until a restart no longer improves the minimum (guards against a collapsed simplex).
 * Cost: O(evaluations · cost of f); evaluations ≤ maxIterations · (n + 2) per start.
 */

export interface MinimizeOptions {
  /** Stop when the spread of f over the simplex is below this (default 1e-10, relative). */
  tolerance?: number;
  maxIterations?: number;
  /** Initial simplex step per coordinate (default 0.5). */
  step?: number;
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

function simplexRun(f: (x: number[]) => number, start: number[], opts: Required<MinimizeOptions>): MinimizeResult {
  const n = start.length;
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let pts: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] += opts.step;
    pts.push(p);
  }
  let vals = pts.map(safe);
  let it = 0;
  let converged = false;
  for (; it < opts.maxIterations; it++) {
    const order = vals.map((_, i) => i).sort((i, j) => vals[i] - vals[j]);
    pts = order.map((i) => pts[i]);
    vals = order.map((i) => vals[i]);
    const spread = Math.abs(vals[n] - vals[0]);
    if (spread <= opts.tolerance * (Math.abs(vals[0]) + 1e-12)) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < n; d++) centroid[d] += pts[i][d] / n;
    const along = (t: number) => centroid.map((c, d) => c + t * (pts[n][d] - c));
    const reflected = along(-1);
    const fr = safe(reflected);
    if (fr < vals[0]) {
      const expanded = along(-2);
      const fe = safe(expanded);
      if (fe < fr) [pts[n], vals[n]] = [expanded, fe];
      else [pts[n], vals[n]] = [reflected, fr];
    } else if (fr < vals[n - 1]) {
      [pts[n], vals[n]] = [reflected, fr];
    } else {
      const outside = fr < vals[n];
      const contracted = along(outside ? -0.5 : 0.5);
      const fc = safe(contracted);
      if (fc < (outside ? fr : vals[n])) [pts[n], vals[n]] = [contracted, fc];
      else {
        for (let i = 1; i <= n; i++) {
          pts[i] = pts[i].map((v, d) => pts[0][d] + 0.5 * (v - pts[0][d]));
          vals[i] = safe(pts[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[best]) best = i;
  return { x: pts[best], value: vals[best], iterations: it, converged };
}

/**
 * Minimises f from `start`.
 * @example minimize(([x, y]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).x // ≈ [1, −2]
 */
export function minimize(f: (x: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const opts: Required<MinimizeOptions> = {
    tolerance: options.tolerance ?? 1e-10,
    maxIterations: options.maxIterations ?? 2000,
    step: options.step ?? 0.5,
    maxRestarts: options.maxRestarts ?? 5,
  };
  if (start.length === 0) throw new Error("minimize requires at least one parameter");
  let result = simplexRun(f, start, opts);
  let iterations = result.iterations;
  for (let k = 0; k < opts.maxRestarts; k++) {
    const next = simplexRun(f, result.x, { ...opts, step: opts.step / 2 ** (k + 1) });
    iterations += next.iterations;
    const improved = next.value < result.value - opts.tolerance * (Math.abs(result.value) + 1e-12);
    if (next.value <= result.value) result = next;
    if (!improved) break;
  }
  return { ...result, iterations };
}
