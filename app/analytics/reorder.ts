/**
 * Due to reorder: each product's repurchase cycle, learned from the customers who bought it more than
 * once, and per customer the products whose supply is running out, with the window in which the next
 * purchase is expected. Pure: orders in, plain rows out (dates are UTC).
 *
 * Cycle: for every customer and product, the days between two consecutive purchases of it, divided by
 * the units bought at the first of the two (two bags last about twice as long as one). A product has a
 * cycle only when enough different customers repeated it (`minRepeatBuyers`), with enough gaps
 * (`minIntervals`), and a fair share of its buyers came back for it (`minRepeatShare`): a durable that a
 * few people happened to buy twice has none. Its cycle per unit is the median gap; its range the
 * quartiles (the middle half of the gaps).
 *
 * Per customer: for each product with a cycle, after the last purchase L of q units, the next one is
 * expected between L + q·low and L + q·high (the customer's own median gap, when they have repeated the
 * product, pulls the window towards their habit, weighted like `ownWeight` pooled gaps). The product is
 * due when today is inside that window or within `lookaheadDays` before it opens; after the window the
 * customer has most likely moved on or buys it elsewhere, and it is no longer due.
 * Cost: O(Σ line items + Σ gaps · log).
 */
import type { OrderInput } from "./types";
import { DAY_MS, dayOf, skipReason } from "./purchase-history";

export interface ReorderOptions {
  asOf: Date;
  /** Different customers who bought the product at least twice (default 5). */
  minRepeatBuyers?: number;
  /** Gaps between purchases observed (default 8). */
  minIntervals?: number;
  /** Share of its customers who bought it again (default 0.15). */
  minRepeatShare?: number;
  /** A product becomes due this many days before its window opens (default 7). */
  lookaheadDays?: number;
  /** Weight, in pooled gaps, of the product's cycle against a customer's own gaps (default 3). */
  ownWeight?: number;
  /** Due products kept per customer, soonest first (default 10). */
  maxPerCustomer?: number;
}

export interface ProductCycle {
  productId: string;
  /** Median days per unit between two purchases. */
  medianDays: number;
  /** Quartiles of the days per unit (the middle half of the gaps). */
  lowDays: number;
  highDays: number;
  /** Customers who bought it on two or more orders. */
  repeatBuyers: number;
  /** Customers who bought it. */
  buyers: number;
  /** Gaps observed. */
  intervals: number;
}

export interface DueProduct {
  customerId: string;
  productId: string;
  lastBoughtAt: Date;
  /** The window in which the next purchase is expected. */
  dueFrom: Date;
  dueTo: Date;
  /** Its centre. */
  expectedAt: Date;
}

export interface ReorderResult {
  cycles: Map<string, ProductCycle>;
  /** Due products, by customer (soonest window first). */
  due: Map<string, DueProduct[]>;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Purchases of one product by one customer: (day, units), one entry per day, ascending. */
type Purchases = Array<[day: number, units: number]>;

export function learnReorder(orders: Iterable<OrderInput>, options: ReorderOptions): ReorderResult {
  const asOfDay = dayOf(options.asOf);
  const minRepeatBuyers = options.minRepeatBuyers ?? 5;
  const minIntervals = options.minIntervals ?? 8;
  const minRepeatShare = options.minRepeatShare ?? 0.15;
  const lookahead = options.lookaheadDays ?? 7;
  const ownWeight = options.ownWeight ?? 3;
  const maxPerCustomer = options.maxPerCustomer ?? 10;

  // customer -> product -> purchases
  const byCustomer = new Map<string, Map<string, Purchases>>();
  for (const order of orders) {
    if (!order.customerId || skipReason(order, asOfDay) !== null) continue;
    const day = dayOf(order.processedAt);
    let products = byCustomer.get(order.customerId);
    if (!products) byCustomer.set(order.customerId, (products = new Map()));
    for (const line of order.lineItems) {
      if (!line.productId) continue;
      const units = Math.max(0, line.currentQuantity ?? line.quantity);
      if (units <= 0) continue;
      let list = products.get(line.productId);
      if (!list) products.set(line.productId, (list = []));
      list.push([day, units]);
    }
  }

  // Pool the gaps per product.
  const gaps = new Map<string, number[]>();
  const buyers = new Map<string, number>();
  const repeaters = new Map<string, number>();
  for (const products of byCustomer.values()) {
    for (const [productId, list] of products) {
      list.sort((a, b) => a[0] - b[0]);
      // Same-day lines of one product count as one purchase.
      let w = 0;
      for (let i = 1; i < list.length; i++) {
        if (list[i][0] === list[w][0]) list[w][1] += list[i][1];
        else list[++w] = list[i];
      }
      list.length = w + 1;
      buyers.set(productId, (buyers.get(productId) ?? 0) + 1);
      if (list.length < 2) continue;
      repeaters.set(productId, (repeaters.get(productId) ?? 0) + 1);
      let pooled = gaps.get(productId);
      if (!pooled) gaps.set(productId, (pooled = []));
      for (let i = 1; i < list.length; i++) pooled.push((list[i][0] - list[i - 1][0]) / list[i - 1][1]);
    }
  }

  const cycles = new Map<string, ProductCycle>();
  for (const [productId, pooled] of gaps) {
    const repeatBuyers = repeaters.get(productId) ?? 0;
    const total = buyers.get(productId) ?? 0;
    if (repeatBuyers < minRepeatBuyers || pooled.length < minIntervals || repeatBuyers / total < minRepeatShare)
      continue;
    pooled.sort((a, b) => a - b);
    cycles.set(productId, {
      productId,
      medianDays: quantile(pooled, 0.5),
      lowDays: quantile(pooled, 0.25),
      highDays: quantile(pooled, 0.75),
      repeatBuyers,
      buyers: total,
      intervals: pooled.length,
    });
  }

  const due = new Map<string, DueProduct[]>();
  const customers = [...byCustomer.keys()].sort();
  for (const customerId of customers) {
    const out: DueProduct[] = [];
    for (const [productId, list] of byCustomer.get(customerId)!) {
      const cycle = cycles.get(productId);
      if (!cycle) continue;
      const [last, units] = list[list.length - 1];
      let scale = 1;
      if (list.length >= 2) {
        const own = [];
        for (let i = 1; i < list.length; i++) own.push((list[i][0] - list[i - 1][0]) / list[i - 1][1]);
        own.sort((a, b) => a - b);
        const centre = (own.length * quantile(own, 0.5) + ownWeight * cycle.medianDays) / (own.length + ownWeight);
        scale = cycle.medianDays > 0 ? centre / cycle.medianDays : 1;
      }
      const low = cycle.lowDays * scale * units;
      const high = cycle.highDays * scale * units;
      const from = last + low;
      const to = last + high;
      if (asOfDay < from - lookahead || asOfDay > to) continue;
      out.push({
        customerId,
        productId,
        lastBoughtAt: new Date(last * DAY_MS),
        dueFrom: new Date(Math.round(from) * DAY_MS),
        dueTo: new Date(Math.round(to) * DAY_MS),
        expectedAt: new Date(Math.round(last + cycle.medianDays * scale * units) * DAY_MS),
      });
    }
    if (!out.length) continue;
    out.sort((a, b) => a.dueFrom.getTime() - b.dueFrom.getTime() || (a.productId < b.productId ? -1 : 1));
    due.set(customerId, out.slice(0, maxPerCustomer));
  }
  return { cycles, due };
}
