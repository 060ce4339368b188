/**
 * Offline evaluation of the recommendations: leave-last-order-out, next-basket style.
 *
 * Protocol: every customer with at least two purchase orders (after cleaning, see baskets.ts) has the
 * last one held out (latest processedAt, ties by order id); the held-out items are that order's distinct
 * products. One model is built on all other orders (guest orders included), so nothing a held-out order
 * holds leaks into training. Each qualifying customer gets k recommendations from the engine and from two
 * baselines in the same run:
 *  - popularity: the shop's most popular products;
 *  - personal top-frequency: the customer's own products by number of orders holding them (ties by
 *    shop popularity, then id), padded with popularity. Li et al. 2023 (ACM TOIS) find this strong on
 *    grocery-like data.
 * Buy-again is allowed for all three. Metrics, averaged over customers:
 *  HR@k = 1 when any held-out item is recommended; Recall@k = hits / |held-out|;
 *  NDCG@k = Σ_hits 1/log2(rank + 1) / Σ_{r ≤ min(k, |held-out|)} 1/log2(r + 1).
 * Cost: one model build plus O(customers · k · history).
 */
import type { OrderInput } from "../types";
import { isPurchase } from "./baskets";
import { buildRecommender, type RecommenderOptions } from "./engine";

export interface MethodScores {
  hitRate: number;
  recall: number;
  ndcg: number;
}

export interface RecommendationEvaluation {
  k: number;
  /** Customers evaluated (at least two purchase orders). */
  customers: number;
  /** Orders used for training. */
  trainingOrders: number;
  engine: MethodScores;
  popularity: MethodScores;
  topFrequency: MethodScores;
}

export interface EvaluateOptions {
  k?: number;
  /** Passed to the engine (weights, catalogue, clusters). */
  recommender?: RecommenderOptions;
}

const hasProducts = (o: OrderInput) => o.lineItems.some((l) => l.productId && (l.currentQuantity ?? l.quantity) > 0);

/** The held-out order of each qualifying customer (customerId -> order). */
export function holdOutLastOrders(orders: readonly OrderInput[]): Map<string, OrderInput> {
  const byCustomer = new Map<string, OrderInput[]>();
  for (const o of orders) {
    if (o.customerId === null || !isPurchase(o) || !hasProducts(o)) continue;
    const list = byCustomer.get(o.customerId);
    if (list) list.push(o);
    else byCustomer.set(o.customerId, [o]);
  }
  const out = new Map<string, OrderInput>();
  for (const [customerId, list] of byCustomer) {
    if (list.length < 2) continue;
    let last = list[0];
    for (const o of list) {
      const d = o.processedAt.getTime() - last.processedAt.getTime();
      if (d > 0 || (d === 0 && o.id > last.id)) last = o;
    }
    out.set(customerId, last);
  }
  return out;
}

/** Adds one ranked list's HR, recall and NDCG for the held-out set into `acc`. */
export function scoreList(list: readonly string[], heldOut: ReadonlySet<string>, k: number, acc: MethodScores): void {
  let hits = 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, list.length); r++) {
    if (heldOut.has(list[r])) {
      hits++;
      dcg += 1 / Math.log2(r + 2);
    }
  }
  let idcg = 0;
  for (let r = 0; r < Math.min(k, heldOut.size); r++) idcg += 1 / Math.log2(r + 2);
  acc.hitRate += hits > 0 ? 1 : 0;
  acc.recall += heldOut.size > 0 ? hits / heldOut.size : 0;
  acc.ndcg += idcg > 0 ? dcg / idcg : 0;
}

/** Personal top-frequency lists for every customer of the training orders (the baseline). */
function topFrequency(train: readonly OrderInput[], popularRank: Map<string, number>) {
  const counts = new Map<string, Map<string, number>>();
  for (const o of train) {
    if (o.customerId === null || !isPurchase(o)) continue;
    let c = counts.get(o.customerId);
    if (!c) counts.set(o.customerId, (c = new Map()));
    const seen = new Set<string>();
    for (const l of o.lineItems) {
      if (!l.productId || !((l.currentQuantity ?? l.quantity) > 0) || seen.has(l.productId)) continue;
      seen.add(l.productId);
      c.set(l.productId, (c.get(l.productId) ?? 0) + 1);
    }
  }
  const rank = (id: string) => popularRank.get(id) ?? Number.MAX_SAFE_INTEGER;
  return (customerId: string, k: number, padding: readonly string[]): string[] => {
    const c = counts.get(customerId);
    const own = c
      ? [...c].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1)).map((e) => e[0])
      : [];
    const out = own.slice(0, k);
    const taken = new Set(out);
    for (const id of padding) {
      if (out.length >= k) break;
      if (!taken.has(id)) out.push(id);
    }
    return out;
  };
}

export function evaluateRecommendations(
  orders: readonly OrderInput[],
  opts: EvaluateOptions = {},
): RecommendationEvaluation {
  const k = opts.k ?? 10;
  if (!(Number.isInteger(k) && k > 0)) throw new Error("evaluateRecommendations requires k to be a positive integer");
  const heldOut = holdOutLastOrders(orders);
  const heldIds = new Set([...heldOut.values()].map((o) => o.id));
  const train = orders.filter((o) => !heldIds.has(o.id));
  const engine = buildRecommender(train, opts.recommender);
  // The popularity baseline uses the same popularity ranking as the engine, with no catalogue filter
  // differences: it is the engine's overall popular list.
  const popular = buildRecommender(train, { ...opts.recommender, maxPairsPerBasket: 0, clusterOf: undefined }).popular(
    Number.MAX_SAFE_INTEGER,
  );
  const popularRank = new Map(popular.map((id, r) => [id, r]));
  const topFreq = topFrequency(train, popularRank);

  const zero = (): MethodScores => ({ hitRate: 0, recall: 0, ndcg: 0 });
  const acc = { engine: zero(), popularity: zero(), topFrequency: zero() };
  const popTop = popular.slice(0, k);
  const customers = [...heldOut.keys()].sort();
  for (const customerId of customers) {
    const order = heldOut.get(customerId)!;
    const items = new Set<string>();
    for (const l of order.lineItems) if (l.productId && (l.currentQuantity ?? l.quantity) > 0) items.add(l.productId);
    scoreList(engine.forCustomer(customerId, k), items, k, acc.engine);
    scoreList(popTop, items, k, acc.popularity);
    scoreList(topFreq(customerId, k, popular.slice(0, 2 * k)), items, k, acc.topFrequency);
  }
  const n = customers.length;
  const mean = (s: MethodScores): MethodScores =>
    n === 0 ? s : { hitRate: s.hitRate / n, recall: s.recall / n, ndcg: s.ndcg / n };
  return {
    k,
    customers: n,
    trainingOrders: train.length,
    engine: mean(acc.engine),
    popularity: mean(acc.popularity),
    topFrequency: mean(acc.topFrequency),
  };
}
