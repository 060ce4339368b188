/**
 * The reorder model as it was first written (app/analytics/recommendations/reorder.ts before it moved to typed arrays):
 * a Map of Maps per customer. Kept as the reference the columnar version must agree with exactly.
 */
import type { OrderInput } from "../../../app/analytics/types";
import type {
  DueProduct,
  ProductCycle,
  ReorderOptions,
  ReorderResult,
} from "../../../app/analytics/recommendations/reorder";
import { DAY_MS, dayOf, skipReason } from "../../../app/analytics/data/purchase-history";

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Purchases of one product by one customer: (day, units), one entry per day, ascending. */
type Purchases = Array<[day: number, units: number]>;

export function referenceLearnReorder(orders: Iterable<OrderInput>, options: ReorderOptions): ReorderResult {
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
