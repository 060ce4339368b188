/**
 * Behavioural clusters: k-means (ml-kmeans, k-means++ initialisation) on log1p-transformed,
 * standardised recency, frequency, monetary, average order value and tenure.
 *
 * - Several seeds (SEEDS); the run with the lowest total within-cluster squared error is kept.
 * - k from the data: the mean silhouette on an evenly spaced sample of at most SAMPLE customers, for k
 *   in 3..8 (at most n − 1); a fixed k when the merchant sets one. When previous clusters exist and
 *   their k scores within K_STICKINESS of the best silhouette, the previous k is kept.
 * - Deterministic: fixed seeds, customers in id order, clusters ordered by size then centroid.
 * - Stable identities: new centroids are matched to the previous ones (greedy on distance in the current
 *   standardised log space, closest pairs first, up to MATCH_DISTANCE); a matched cluster keeps its
 *   key, so tags and merchant renames survive re-runs; its generated name is today's (cluster-naming.ts
 *   memberName: only what holds for most members), never numbered.
 * - k is in K_RANGE (3..8), also when the merchant fixes it; under MIN_CLUSTER_CUSTOMERS customers (or
 *   with fewer distinct customers than 3) there is no clustering: one group ALL_CUSTOMERS and a note.
 * - Above FULL_FIT_MAX customers the seeds run on a sample and the winner is refined on everyone.
 * Cost: O(seeds · iterations · min(n, FULL_FIT_MAX) · k · d + 20 · n · k · d) for the fits,
 * O(SAMPLE² · d) per k for the silhouettes.
 */
import { kmeans } from "ml-kmeans";
import {
  CENTROID_FIELDS,
  clusterDescription,
  disambiguate,
  memberName,
  type CentroidField,
} from "../narration/cluster-names";
import type { CustomerFeatures } from "../data/features";
import { slugify } from "./rfm";
import type { ClusterSummary } from "../types";

export const SEEDS = [1, 2, 3, 4, 5];
export const SAMPLE = 1000;
export const K_RANGE = [3, 8] as const;
export const K_STICKINESS = 0.02;
export const MATCH_DISTANCE = 1;
export const FULL_FIT_MAX = 20_000;
/** Below this many customers (or fewer than K_RANGE[0] distinct ones) there is no clustering, with a note. */
export const MIN_CLUSTER_CUSTOMERS = 50;
export const ALL_CUSTOMERS = { key: "all-customers", name: "All customers" } as const;

export interface ClusterOptions {
  /** Fixed number of clusters (null/undefined: chosen by silhouette). */
  k?: number | null;
  previous?: readonly ClusterSummary[];
}

export interface ClusterResult {
  clusters: ClusterSummary[];
  /** Index into `clusters` for each input customer. */
  assignment: number[];
  k: number;
  /** Mean silhouette per candidate k (sample), when k was chosen from the data. */
  silhouettes: Record<number, number>;
  /** Why there is no clustering, when there is none (everyone is in ALL_CUSTOMERS). */
  note?: string;
}

const rawRow = (f: CustomerFeatures): number[] => [
  f.recencyDays,
  f.occasions,
  Math.max(0, f.monetary),
  Math.max(0, f.aov),
  f.tenureDays,
];
const sqDist = (a: readonly number[], b: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
};

interface Fit {
  assignment: number[];
  centroids: number[][];
  sse: number;
}

/** Best of several seeded k-means runs (lowest total within-cluster squared error). */
export function bestKmeans(data: number[][], k: number, seeds: readonly number[] = SEEDS): Fit {
  let best: Fit | null = null;
  for (const seed of seeds) {
    const res = kmeans(data, k, { seed, initialization: "kmeans++", maxIterations: 100, tolerance: 1e-4 });
    let sse = 0;
    for (let i = 0; i < data.length; i++) sse += sqDist(data[i], res.centroids[res.clusters[i]]);
    if (!best || sse < best.sse - 1e-9) best = { assignment: res.clusters, centroids: res.centroids, sse };
  }
  return best!;
}

/**
 * k-means on all points: the best of the seeds directly up to FULL_FIT_MAX points; above that the
 * seeds run on an evenly spaced sample of FULL_FIT_MAX points and a few Lloyd iterations on all points
 * refine the winner (same result quality, seeds · n work avoided).
 */
function fitAll(z: number[][], k: number): Fit {
  if (z.length <= FULL_FIT_MAX) return bestKmeans(z, k);
  const step = Math.ceil(z.length / FULL_FIT_MAX);
  const sample = z.filter((_, i) => i % step === 0);
  const start = bestKmeans(sample, k);
  const res = kmeans(z, k, { initialization: start.centroids, maxIterations: 20, tolerance: 1e-4 });
  let sse = 0;
  for (let i = 0; i < z.length; i++) sse += sqDist(z[i], res.centroids[res.clusters[i]]);
  return { assignment: res.clusters, centroids: res.centroids, sse };
}

/**
 * Mean silhouette (Rousseeuw 1987) of a clustering: for each point, (b − a) / max(a, b) with a the mean
 * distance to its own cluster and b the smallest mean distance to another cluster; 0 for singletons.
 * Cost: O(n² · d).
 * @example silhouette([[0], [0.1], [5], [5.1]], [0, 0, 1, 1]) // ≈ 0.98
 */
export function silhouette(data: readonly number[][], assignment: readonly number[]): number {
  const n = data.length;
  const k = Math.max(...assignment) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignment) sizes[c]++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[assignment[j]] += Math.sqrt(sqDist(data[i], data[j]));
    const own = assignment[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b, 1e-12);
  }
  return total / n;
}

/** Clusters customers (see the module comment). Customers must come in a fixed (id) order. */
export function clusterCustomers(features: readonly CustomerFeatures[], opts: ClusterOptions = {}): ClusterResult {
  const n = features.length;
  if (n === 0) return { clusters: [], assignment: [], k: 0, silhouettes: {} };
  const raw = features.map(rawRow);
  const logs = raw.map((r) => r.map((v) => Math.log1p(v)));
  const d = CENTROID_FIELDS.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of logs) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  for (const r of logs) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
  const z = logs.map((r) => r.map((v, j) => (v - mean[j]) / sd[j]));
  const toZ = (c: Record<string, number>) =>
    CENTROID_FIELDS.map((f, j) => (Math.log1p(Math.max(0, c[f] ?? 0)) - mean[j]) / sd[j]);

  const distinct = new Set(z.map((r) => r.join(","))).size;
  const silhouettes: Record<number, number> = {};
  if (n < MIN_CLUSTER_CUSTOMERS || distinct <= K_RANGE[0]) {
    const centroid = Object.fromEntries(
      CENTROID_FIELDS.map((f, j) => [f, raw.reduce((s, r) => s + r[j], 0) / n]),
    ) as Record<CentroidField, number>;
    return {
      clusters: [{ ...ALL_CUSTOMERS, size: n, centroid, description: clusterDescription(centroid) }],
      assignment: new Array<number>(n).fill(0),
      k: 1,
      silhouettes,
      note: `no behavioural clusters: ${n < MIN_CLUSTER_CUSTOMERS ? `fewer than ${MIN_CLUSTER_CUSTOMERS} customers` : "too few different customers"} (${n}); they come from ${MIN_CLUSTER_CUSTOMERS} customers on`,
    };
  }
  let k: number;
  if (opts.k) k = Math.max(K_RANGE[0], Math.min(opts.k, K_RANGE[1], distinct));
  else {
    const step = Math.max(1, Math.ceil(n / SAMPLE));
    const sample: number[][] = [];
    for (let i = 0; i < n; i += step) sample.push(z[i]);
    const maxK = Math.min(K_RANGE[1], distinct - 1, sample.length - 1);
    let bestK: number = K_RANGE[0];
    for (let kk = K_RANGE[0]; kk <= Math.max(maxK, K_RANGE[0]); kk++) {
      const fit = bestKmeans(sample, kk, SEEDS.slice(0, 3));
      silhouettes[kk] = silhouette(sample, fit.assignment);
      if (silhouettes[kk] > silhouettes[bestK] + 1e-12) bestK = kk;
    }
    const prevK = opts.previous?.length;
    if (prevK && silhouettes[prevK] !== undefined && silhouettes[prevK] >= silhouettes[bestK] - K_STICKINESS)
      bestK = prevK;
    k = bestK;
  }
  const fit =
    k > 1 ? fitAll(z, k) : { assignment: new Array<number>(n).fill(0), centroids: [mean.map(() => 0)], sse: 0 };

  // Centroids in original units (means of the raw features) and on the z scale (means of z).
  const memberZ: number[][][] = Array.from({ length: k }, () => []);
  const memberOcc: number[][] = Array.from({ length: k }, () => []);
  fit.assignment.forEach((c, i) => {
    memberZ[c].push(z[i]);
    memberOcc[c].push(features[i].occasions);
  });
  const sizes = new Array<number>(k).fill(0);
  const rawSum = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const zSum = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  fit.assignment.forEach((c, i) => {
    sizes[c]++;
    for (let j = 0; j < d; j++) {
      rawSum[c][j] += raw[i][j];
      zSum[c][j] += z[i][j];
    }
  });
  const groups = sizes
    .map((size, c) => ({
      c,
      size,
      centroid: Object.fromEntries(CENTROID_FIELDS.map((f, j) => [f, size ? rawSum[c][j] / size : 0])) as Record<
        CentroidField,
        number
      >,
      zc: zSum[c].map((v) => (size ? v / size : 0)),
    }))
    .filter((g) => g.size > 0)
    .sort((a, b) => b.size - a.size || a.zc.join(",").localeCompare(b.zc.join(",")));

  // Match to previous clusters: closest pairs first.
  const matched = new Map<number, ClusterSummary>();
  if (opts.previous?.length) {
    const pairs: Array<[number, number, number]> = [];
    groups.forEach((g, gi) => {
      const gz = toZ(g.centroid);
      opts.previous!.forEach((p, pi) => pairs.push([Math.sqrt(sqDist(gz, toZ(p.centroid))), gi, pi]));
    });
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const usedPrev = new Set<number>();
    for (const [dist, gi, pi] of pairs) {
      if (dist > MATCH_DISTANCE) break;
      if (matched.has(gi) || usedPrev.has(pi)) continue;
      matched.set(gi, opts.previous[pi]);
      usedPrev.add(pi);
    }
  }
  const usedKeys = new Set([...matched.values()].map((p) => p.key));
  const usedNames = new Set<string>();
  const fresh = disambiguate(
    groups.map((g) => memberName(memberZ[g.c], memberOcc[g.c])),
    groups.map((g) => g.zc),
  );
  const clusters: ClusterSummary[] = groups.map((g, gi) => {
    const prev = matched.get(gi);
    // The name is always today's (true of most members now); a matched cluster keeps its key (tags,
    // the merchant's own name live on the key). Names that disambiguate could not separate get their size.
    let name = fresh[gi];
    if (usedNames.has(name)) name = `${name}, ${g.size} customers`;
    usedNames.add(name);
    let key = prev?.key ?? slugify(name);
    if (!prev) {
      const baseKey = key;
      for (let i = 2; usedKeys.has(key); i++) key = `${baseKey}-${i}`;
      usedKeys.add(key);
    }
    return { key, name, size: g.size, centroid: g.centroid, description: clusterDescription(g.centroid) };
  });
  const position = new Map(groups.map((g, gi) => [g.c, gi]));
  return { clusters, assignment: fit.assignment.map((c) => position.get(c)!), k: clusters.length, silhouettes };
}
