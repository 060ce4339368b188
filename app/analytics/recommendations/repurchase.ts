/**
 * Repurchase rate of each product: among the customers who bought it, the share who bought it again on
 * a later order. Shrunk towards the shop-wide rate with `prior` pseudo-buyers (empirical Bayes, beta
 * prior), so a product with two buyers does not get 0 or 1. Consumables score high, durables low: the
 * engine weights buy-again by it so that a sofa is not pushed again.
 * Guest orders do not count (a guest cannot be followed). Cost: O(Σ basket sizes).
 */
import type { BasketTable } from "./baskets";

export interface RepurchaseStats {
  /** Distinct customers who bought each product. */
  buyers: Float64Array;
  /** Of them, those who bought it on two or more orders. */
  repeaters: Float64Array;
  /** Shop-wide share of (customer, product) pairs bought on more than one order. */
  globalRate: number;
  /** Shrunk rate per product: (repeaters + prior · globalRate) / (buyers + prior). */
  rate: Float64Array;
}

/** Calls visit(product, ordersHoldingIt) once per product the customer bought. */
export function forEachCustomerProduct(
  table: BasketTable,
  c: number,
  visit: (p: number, orders: number) => void,
  scratch = new Map<number, number>(),
): void {
  scratch.clear();
  for (let k = table.customerOffset[c]; k < table.customerOffset[c + 1]; k++) {
    const b = table.customerBaskets[k];
    for (let e = table.offset[b]; e < table.offset[b + 1]; e++)
      scratch.set(table.items[e], (scratch.get(table.items[e]) ?? 0) + 1);
  }
  for (const [p, n] of scratch) visit(p, n);
}

export function buildRepurchase(table: BasketTable, prior = 5): RepurchaseStats {
  const P = table.products.size;
  const buyers = new Float64Array(P);
  const repeaters = new Float64Array(P);
  const scratch = new Map<number, number>();
  for (let c = 0; c < table.customers.length; c++) {
    forEachCustomerProduct(
      table,
      c,
      (p, n) => {
        buyers[p]++;
        if (n >= 2) repeaters[p]++;
      },
      scratch,
    );
  }
  let totalBuyers = 0;
  let totalRepeaters = 0;
  for (let p = 0; p < P; p++) {
    totalBuyers += buyers[p];
    totalRepeaters += repeaters[p];
  }
  const globalRate = totalBuyers > 0 ? totalRepeaters / totalBuyers : 0;
  const rate = new Float64Array(P);
  for (let p = 0; p < P; p++) rate[p] = (repeaters[p] + prior * globalRate) / (buyers[p] + prior);
  return { buyers, repeaters, globalRate, rate };
}
