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
 * Cost: O(Σ line items + Σ gaps · log); memory: typed arrays of about 32 bytes per line item bought.
 */
import type { OrderInput } from "../types";
import { grow, OrderTable } from "../data/order-table";
import { DAY_MS, dayOf, skipReason } from "../data/purchase-history";

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

function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Due products in columns (what the job stores): row r is customer `strings[customer[r]]` and product
 * `strings[product[r]]`, bought last on day `lastDay[r]` (days since 1970-01-01, UTC), due from day
 * `fromDay[r]` to `toDay[r]`, expected on `expectedDay[r]`. Rows come by customer id, then soonest window
 * (then product id), at most `maxPerCustomer` per customer: the order of `ReorderResult.due`.
 */
export interface ReorderColumns {
  cycles: ProductCycle[];
  /** Rows. */
  size: number;
  customer: Int32Array;
  product: Int32Array;
  lastDay: Float64Array;
  fromDay: Float64Array;
  toDay: Float64Array;
  expectedDay: Float64Array;
}

/**
 * The cycles and due products of a columnar order history (app/analytics/data/order-table.ts), with typed
 * arrays: one entry per (order, line item) bought, grouped by customer with a counting sort and by product
 * within a customer, instead of a Map of Maps per customer (a million orders made some 200k Maps and
 * two million small arrays). Customer and product ids stay indexes into the table's strings. Same rules
 * and the same arithmetic as described above (learnReorder gives the same result as records).
 */
export function learnReorderColumns(table: OrderTable, options: ReorderOptions): ReorderColumns {
  const asOfDay = dayOf(options.asOf);
  const minRepeatBuyers = options.minRepeatBuyers ?? 5;
  const minIntervals = options.minIntervals ?? 8;
  const minRepeatShare = options.minRepeatShare ?? 0.15;
  const lookahead = options.lookaheadDays ?? 7;
  const ownWeight = options.ownWeight ?? 3;
  const maxPerCustomer = options.maxPerCustomer ?? 10;
  const strings = table.strings;
  const nStrings = strings.length;

  // Every line bought by a customer in a purchase: (customer, product, day, units), in table order.
  let eCustomer = new Int32Array(0);
  let eProduct = new Int32Array(0);
  let eDay = new Int32Array(0);
  let eUnits = new Float64Array(0);
  let m = 0;
  for (let i = 0; i < table.length; i++) {
    const c = table.customer[i];
    if (c < 0 || !strings[c]) continue;
    const order = table.at(i); // the one purchase rule (skipReason) on the same record as everywhere
    if (skipReason(order, asOfDay) !== null) continue;
    const day = dayOf(order.processedAt);
    const first = table.lineOffset[i];
    const lines = order.lineItems;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k];
      if (!line.productId) continue;
      const units = Math.max(0, line.currentQuantity ?? line.quantity);
      if (units <= 0) continue;
      if (m === eCustomer.length) {
        eCustomer = grow(eCustomer, m + 1);
        eProduct = grow(eProduct, m + 1);
        eDay = grow(eDay, m + 1);
        eUnits = grow(eUnits, m + 1);
      }
      eCustomer[m] = c;
      eProduct[m] = table.lineProduct[first + k];
      eDay[m] = day;
      eUnits[m] = units;
      m++;
    }
  }

  // Entries by customer (counting sort, stable), then by product and day within a customer (stable).
  const customerStart = new Int32Array(nStrings + 1);
  for (let e = 0; e < m; e++) customerStart[eCustomer[e] + 1]++;
  for (let s = 0; s < nStrings; s++) customerStart[s + 1] += customerStart[s];
  const byCustomer = new Int32Array(m);
  {
    const fill = customerStart.slice(0, nStrings);
    for (let e = 0; e < m; e++) byCustomer[fill[eCustomer[e]]++] = e;
  }
  eCustomer = new Int32Array(0);
  const byProductDay = (a: number, b: number) => eProduct[a] - eProduct[b] || eDay[a] - eDay[b] || a - b;
  const segment: number[] = [];
  for (let s = 0; s < nStrings; s++) {
    const from = customerStart[s];
    const to = customerStart[s + 1];
    if (to - from < 2) continue;
    segment.length = 0;
    for (let k = from; k < to; k++) segment.push(byCustomer[k]);
    segment.sort(byProductDay);
    for (let k = from; k < to; k++) byCustomer[k] = segment[k - from];
  }

  // One customer's purchases of one product (entries k0..k1 of byCustomer), same-day lines merged into one
  // purchase (units summed in table order): days and units in the scratch arrays, their count returned.
  let days = new Float64Array(16);
  let units = new Float64Array(16);
  const merge = (k0: number, k1: number): number => {
    days = grow(days, k1 - k0);
    units = grow(units, k1 - k0);
    let w = 0;
    days[0] = eDay[byCustomer[k0]];
    units[0] = eUnits[byCustomer[k0]];
    for (let k = k0 + 1; k < k1; k++) {
      const e = byCustomer[k];
      if (eDay[e] === days[w]) units[w] += eUnits[e];
      else {
        days[++w] = eDay[e];
        units[w] = eUnits[e];
      }
    }
    return w + 1;
  };
  /** Calls visit(product, k0, k1) for each product run of customer s. */
  const eachProduct = (s: number, visit: (product: number, k0: number, k1: number) => void) => {
    const to = customerStart[s + 1];
    for (let k0 = customerStart[s]; k0 < to;) {
      const product = eProduct[byCustomer[k0]];
      let k1 = k0 + 1;
      while (k1 < to && eProduct[byCustomer[k1]] === product) k1++;
      visit(product, k0, k1);
      k0 = k1;
    }
  };

  // Pool the gaps per product.
  const buyers = new Int32Array(nStrings);
  const repeaters = new Int32Array(nStrings);
  let gapProduct = new Int32Array(0);
  let gapDays = new Float64Array(0);
  let g = 0;
  for (let s = 0; s < nStrings; s++) {
    eachProduct(s, (product, k0, k1) => {
      const n = merge(k0, k1);
      buyers[product]++;
      if (n < 2) return;
      repeaters[product]++;
      if (g + n > gapProduct.length) {
        gapProduct = grow(gapProduct, g + n);
        gapDays = grow(gapDays, g + n);
      }
      for (let i = 1; i < n; i++) {
        gapProduct[g] = product;
        gapDays[g++] = (days[i] - days[i - 1]) / units[i - 1];
      }
    });
  }
  const gapStart = new Int32Array(nStrings + 1);
  for (let k = 0; k < g; k++) gapStart[gapProduct[k] + 1]++;
  for (let p = 0; p < nStrings; p++) gapStart[p + 1] += gapStart[p];
  const pooled = new Float64Array(g);
  {
    const fill = gapStart.slice(0, nStrings);
    for (let k = 0; k < g; k++) pooled[fill[gapProduct[k]]++] = gapDays[k];
  }
  gapProduct = new Int32Array(0);
  gapDays = new Float64Array(0);

  const cycles: ProductCycle[] = [];
  const cycleOf = new Int32Array(nStrings).fill(-1);
  for (let p = 0; p < nStrings; p++) {
    const intervals = gapStart[p + 1] - gapStart[p];
    if (intervals === 0) continue;
    const repeatBuyers = repeaters[p];
    const total = buyers[p];
    if (repeatBuyers < minRepeatBuyers || intervals < minIntervals || repeatBuyers / total < minRepeatShare) continue;
    const sorted = pooled.subarray(gapStart[p], gapStart[p + 1]).sort((a, b) => a - b);
    cycleOf[p] = cycles.length;
    cycles.push({
      productId: strings[p],
      medianDays: quantile(sorted, 0.5),
      lowDays: quantile(sorted, 0.25),
      highDays: quantile(sorted, 0.75),
      repeatBuyers,
      buyers: total,
      intervals,
    });
  }

  // Due products, customer by customer in id order.
  const customers: number[] = [];
  for (let s = 0; s < nStrings; s++) if (customerStart[s + 1] > customerStart[s]) customers.push(s);
  customers.sort((a, b) => (strings[a] < strings[b] ? -1 : strings[a] > strings[b] ? 1 : 0));
  const out = {
    customer: new Int32Array(0),
    product: new Int32Array(0),
    lastDay: new Float64Array(0),
    fromDay: new Float64Array(0),
    toDay: new Float64Array(0),
    expectedDay: new Float64Array(0),
  };
  let size = 0;
  interface Candidate {
    product: number;
    last: number;
    from: number;
    to: number;
    expected: number;
  }
  const candidates: Candidate[] = [];
  const own: number[] = [];
  const soonest = (a: Candidate, b: Candidate) => a.from - b.from || (strings[a.product] < strings[b.product] ? -1 : 1);
  for (const s of customers) {
    candidates.length = 0;
    eachProduct(s, (product, k0, k1) => {
      const c = cycleOf[product];
      if (c < 0) return;
      const cycle = cycles[c];
      const n = merge(k0, k1);
      const last = days[n - 1];
      const bought = units[n - 1];
      let scale = 1;
      if (n >= 2) {
        own.length = 0;
        for (let i = 1; i < n; i++) own.push((days[i] - days[i - 1]) / units[i - 1]);
        own.sort((a, b) => a - b);
        const centre = (own.length * quantile(own, 0.5) + ownWeight * cycle.medianDays) / (own.length + ownWeight);
        scale = cycle.medianDays > 0 ? centre / cycle.medianDays : 1;
      }
      const low = cycle.lowDays * scale * bought;
      const high = cycle.highDays * scale * bought;
      const from = last + low;
      const to = last + high;
      if (asOfDay < from - lookahead || asOfDay > to) return;
      candidates.push({
        product,
        last,
        from: Math.round(from),
        to: Math.round(to),
        expected: Math.round(last + cycle.medianDays * scale * bought),
      });
    });
    if (!candidates.length) continue;
    candidates.sort(soonest);
    const keep = Math.min(candidates.length, maxPerCustomer);
    if (size + keep > out.customer.length) {
      out.customer = grow(out.customer, size + keep);
      out.product = grow(out.product, size + keep);
      out.lastDay = grow(out.lastDay, size + keep);
      out.fromDay = grow(out.fromDay, size + keep);
      out.toDay = grow(out.toDay, size + keep);
      out.expectedDay = grow(out.expectedDay, size + keep);
    }
    for (let k = 0; k < keep; k++) {
      const d = candidates[k];
      out.customer[size] = s;
      out.product[size] = d.product;
      out.lastDay[size] = d.last;
      out.fromDay[size] = d.from;
      out.toDay[size] = d.to;
      out.expectedDay[size] = d.expected;
      size++;
    }
  }
  return {
    cycles,
    size,
    customer: out.customer.slice(0, size),
    product: out.product.slice(0, size),
    lastDay: out.lastDay.slice(0, size),
    fromDay: out.fromDay.slice(0, size),
    toDay: out.toDay.slice(0, size),
    expectedDay: out.expectedDay.slice(0, size),
  };
}

/** The cycles and due products of orders, as records (learnReorderColumns on the orders' table). */
export function learnReorder(orders: Iterable<OrderInput> | OrderTable, options: ReorderOptions): ReorderResult {
  const table = orders instanceof OrderTable ? orders : OrderTable.from(orders);
  const columns = learnReorderColumns(table, options);
  const cycles = new Map(columns.cycles.map((c) => [c.productId, c]));
  const due = new Map<string, DueProduct[]>();
  for (let r = 0; r < columns.size; r++) {
    const customerId = table.strings[columns.customer[r]];
    let list = due.get(customerId);
    if (!list) due.set(customerId, (list = []));
    list.push({
      customerId,
      productId: table.strings[columns.product[r]],
      lastBoughtAt: new Date(columns.lastDay[r] * DAY_MS),
      dueFrom: new Date(columns.fromDay[r] * DAY_MS),
      dueTo: new Date(columns.toDay[r] * DAY_MS),
      expectedAt: new Date(columns.expectedDay[r] * DAY_MS),
    });
  }
  return { cycles, due };
}
