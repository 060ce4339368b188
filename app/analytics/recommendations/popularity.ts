/**
 * Popularity: products ranked by the number of distinct customers who bought them, overall and per
 * customer cluster. Guest orders do not count (they feed co-purchase statistics only). Distinct buyers
 * rather than units, so one bulk buyer does not make a product popular. Ties go to the smaller product
 * index, which is the smaller id (see baskets.ts).
 * Cost: O(Σ basket sizes + products · log products) per ranking.
 */
import type { BasketTable } from "./baskets";
import { forEachCustomerProduct } from "./repurchase";

export interface Popularity {
  /** Distinct buyers of each product. */
  overall: Float64Array;
  /** Product indexes, most popular first (only products with buyers). */
  ranked: Int32Array;
  byCluster: Map<string, Int32Array>;
}

/** Ranks products with score > 0 by score desc, then index asc. */
export function rankByScore(score: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < score.length; p++) if (score[p] > 0) out.push(p);
  out.sort((a, b) => score[b] - score[a] || a - b);
  return Int32Array.from(out);
}

export function buildPopularity(table: BasketTable, clusterOf?: Map<string, string>): Popularity {
  const P = table.products.size;
  const overall = new Float64Array(P);
  const perCluster = new Map<string, Float64Array>();
  const scratch = new Map<number, number>();
  for (let c = 0; c < table.customers.length; c++) {
    const key = clusterOf?.get(table.customers[c]);
    let cluster: Float64Array | undefined;
    if (key !== undefined) {
      cluster = perCluster.get(key);
      if (!cluster) perCluster.set(key, (cluster = new Float64Array(P)));
    }
    forEachCustomerProduct(
      table,
      c,
      (p) => {
        overall[p]++;
        if (cluster) cluster[p]++;
      },
      scratch,
    );
  }
  const byCluster = new Map<string, Int32Array>();
  for (const [key, score] of perCluster) byCluster.set(key, rankByScore(score));
  return { overall, ranked: rankByScore(overall), byCluster };
}
