/**
 * Item-to-item co-purchase ("customers who bought this also bought"), counted over order baskets,
 * guest orders included.
 *
 * Score: shrunk cosine, sim(i, j) = c_ij / sqrt(n_i · n_j) · c_ij / (c_ij + shrinkage), where n_i is the
 * number of baskets holding i and c_ij the number holding both. The shrinkage factor damps pairs seen only
 * once or twice, so a lone coincidence does not outrank a steady pair.
 *
 * Memory bound: a basket of m distinct products has m(m − 1)/2 pairs; at most `maxPairsPerBasket` are
 * counted, visiting the basket's products by descending basket count (ties by id), so a huge basket
 * contributes the pairs among its most common products. Pairs are encoded as numbers i·P + j (i < j) in
 * a Float64Array chunk; each full chunk is sorted and merged into the sorted (pair, count) arrays. When
 * the distinct pairs exceed `maxDistinctPairs`, pairs seen once are dropped (lossy counting: they score at
 * most 1/(1 + shrinkage) of a cosine anyway). Each product then keeps its `neighbours` best partners in
 * flat typed arrays (CSR).
 * Cost: O(C log C) time for C counted pairs; memory about 12 bytes per distinct pair while counting and
 * 8 bytes per kept neighbour after.
 */
import type { BasketTable } from "./baskets";

export interface CoPurchaseOptions {
  /** Pairs counted per basket at most (default 200, i.e. every pair of baskets up to 20 products). */
  maxPairsPerBasket?: number;
  /** Shrinkage constant of the score (default 5). */
  shrinkage?: number;
  /** Neighbours kept per product (default 50). */
  neighbours?: number;
  /** Distinct pairs held while counting before singletons are dropped (default 10 million). */
  maxDistinctPairs?: number;
  /** Pairs buffered before a merge (default 4 million). */
  chunkSize?: number;
}

export interface CoPurchase {
  /** Baskets holding each product. */
  basketCount: Float64Array;
  /** CSR: neighbours of product p are neighbour[offset[p] .. offset[p + 1]), best first (ties by id). */
  offset: Int32Array;
  neighbour: Int32Array;
  score: Float32Array;
}

/** Sorted distinct pair keys with their counts. */
interface PairCounts {
  keys: Float64Array;
  counts: Uint32Array;
}

function merge(a: PairCounts, chunk: Float64Array): PairCounts {
  chunk.sort();
  // Run-length the chunk, then merge two sorted lists.
  let distinct = 0;
  for (let k = 0; k < chunk.length; k++) if (k === 0 || chunk[k] !== chunk[k - 1]) distinct++;
  const keys = new Float64Array(a.keys.length + distinct);
  const counts = new Uint32Array(a.keys.length + distinct);
  let i = 0;
  let k = 0;
  let n = 0;
  while (i < a.keys.length || k < chunk.length) {
    const fromA = k >= chunk.length || (i < a.keys.length && a.keys[i] <= chunk[k]);
    const key = fromA ? a.keys[i] : chunk[k];
    let count = 0;
    if (i < a.keys.length && a.keys[i] === key) count += a.counts[i++];
    while (k < chunk.length && chunk[k] === key) {
      count++;
      k++;
    }
    keys[n] = key;
    counts[n++] = count;
  }
  return { keys: keys.subarray(0, n), counts: counts.subarray(0, n) };
}

function dropSingletons(a: PairCounts): PairCounts {
  let n = 0;
  for (let k = 0; k < a.keys.length; k++) {
    if (a.counts[k] > 1) {
      a.keys[n] = a.keys[k];
      a.counts[n++] = a.counts[k];
    }
  }
  return { keys: a.keys.slice(0, n), counts: a.counts.slice(0, n) };
}

export function buildCoPurchase(table: BasketTable, opts: CoPurchaseOptions = {}): CoPurchase {
  const maxPairs = opts.maxPairsPerBasket ?? 200;
  const shrinkage = opts.shrinkage ?? 5;
  const keep = opts.neighbours ?? 50;
  const maxDistinct = opts.maxDistinctPairs ?? 10_000_000;
  const chunkSize = opts.chunkSize ?? 4_000_000;
  if (!(maxPairs >= 0)) throw new Error("buildCoPurchase requires maxPairsPerBasket >= 0");
  if (!(shrinkage >= 0)) throw new Error("buildCoPurchase requires shrinkage >= 0");
  const P = table.products.size;
  const { offset: bOffset, items } = table;

  const basketCount = new Float64Array(P);
  for (let k = 0; k < items.length; k++) basketCount[items[k]]++;

  let counted: PairCounts = { keys: new Float64Array(0), counts: new Uint32Array(0) };
  const chunk = new Float64Array(Math.max(1, Math.min(chunkSize, 1 << 26)));
  let fill = 0;
  const flush = () => {
    counted = merge(counted, chunk.subarray(0, fill));
    fill = 0;
    if (counted.keys.length > maxDistinct) counted = dropSingletons(counted);
  };
  let order: number[] = [];
  for (let b = 0; b < table.size; b++) {
    const from = bOffset[b];
    const m = bOffset[b + 1] - from;
    if (m < 2 || maxPairs === 0) continue;
    order = Array.from(items.subarray(from, from + m));
    if ((m * (m - 1)) / 2 > maxPairs) order.sort((x, y) => basketCount[y] - basketCount[x] || x - y);
    let pairs = 0;
    outer: for (let a = 0; a < m; a++) {
      for (let c = a + 1; c < m; c++) {
        if (pairs++ >= maxPairs) break outer;
        const i = Math.min(order[a], order[c]);
        const j = Math.max(order[a], order[c]);
        chunk[fill++] = i * P + j;
        if (fill === chunk.length) flush();
      }
    }
  }
  if (fill > 0) flush();

  // Symmetric CSR of every counted pair with its score, then keep the best `keep` of each product.
  const degree = new Int32Array(P + 1);
  for (let k = 0; k < counted.keys.length; k++) {
    const key = counted.keys[k];
    degree[Math.floor(key / P) + 1]++;
    degree[(key % P) + 1]++;
  }
  for (let p = 0; p < P; p++) degree[p + 1] += degree[p];
  const pos = degree.slice(0, P);
  const allNeighbour = new Int32Array(degree[P]);
  const allScore = new Float32Array(degree[P]);
  for (let k = 0; k < counted.keys.length; k++) {
    const key = counted.keys[k];
    const i = Math.floor(key / P);
    const j = key % P;
    const c = counted.counts[k];
    const s = (c / Math.sqrt(basketCount[i] * basketCount[j])) * (c / (c + shrinkage));
    allNeighbour[pos[i]] = j;
    allScore[pos[i]++] = s;
    allNeighbour[pos[j]] = i;
    allScore[pos[j]++] = s;
  }
  counted = { keys: new Float64Array(0), counts: new Uint32Array(0) };
  const offset = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) offset[p + 1] = offset[p] + Math.min(keep, degree[p + 1] - degree[p]);
  const neighbour = new Int32Array(offset[P]);
  const score = new Float32Array(offset[P]);
  for (let p = 0; p < P; p++) {
    const seg: number[] = [];
    for (let e = degree[p]; e < degree[p + 1]; e++) seg.push(e);
    seg.sort((x, y) => allScore[y] - allScore[x] || allNeighbour[x] - allNeighbour[y]);
    for (let k = 0; k < offset[p + 1] - offset[p]; k++) {
      neighbour[offset[p] + k] = allNeighbour[seg[k]];
      score[offset[p] + k] = allScore[seg[k]];
    }
  }
  return { basketCount, offset, neighbour, score };
}

/** The co-purchase score of (i, j), 0 when j is not among i's kept neighbours. */
export function coPurchaseScore(cp: CoPurchase, i: number, j: number): number {
  for (let k = cp.offset[i]; k < cp.offset[i + 1]; k++) if (cp.neighbour[k] === j) return cp.score[k];
  return 0;
}
