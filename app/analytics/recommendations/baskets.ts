/**
 * Order cleaning for the recommendations: orders in, a compact table of integer-indexed baskets out.
 *
 * Skips test, cancelled and fully refunded orders (not purchases); uses currentQuantity when given and
 * drops lines with nothing left or without a product. Guest orders (customerId null) are kept with
 * customer −1: they feed co-purchase statistics only. Products and customers get dense integer indexes
 * in ascending id order, so index order is id order (ties broken by index are ties broken by id, whatever
 * order the input came in) and the models can use typed arrays instead of string keys.
 * Layout (CSR): basket b holds items[offset[b] .. offset[b + 1]) (ascending, distinct); a customer's
 * baskets, oldest first, are customerBaskets[customerOffset[c] .. customerOffset[c + 1]).
 * Cost: O(line items + orders · log orders) time; about 16 bytes per basket and 4 per line in memory.
 */
import { skipReason } from "../data/purchase-history";
import type { OrderInput } from "../types";

/** Dense integer ids for product GIDs. */
export class ProductIndex {
  readonly ids: string[] = [];
  private readonly byId = new Map<string, number>();

  /** The index of `id`, adding it when new. */
  intern(id: string): number {
    let i = this.byId.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, i);
    }
    return i;
  }

  get(id: string): number | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

export interface BasketTable {
  /** Number of baskets. */
  size: number;
  offset: Int32Array;
  items: Int32Array;
  /** Customer index of each basket, −1 for guests. */
  customer: Int32Array;
  /** Epoch milliseconds of each basket. */
  time: Float64Array;
  /** Customer GIDs by index (ascending). */
  customers: string[];
  customerOffset: Int32Array;
  customerBaskets: Int32Array;
  products: ProductIndex;
}

/** True when the order is a real purchase: the analysis's one purchase filter (purchase-history.ts skipReason). */
export function isPurchase(order: OrderInput): boolean {
  return skipReason(order, Infinity) === null;
}

const bought = (line: OrderInput["lineItems"][number]) =>
  !!line.productId && (line.currentQuantity ?? line.quantity) > 0;

/**
 * Builds the basket table. `extraProducts` (the catalogue) are indexed too, so never-sold products have
 * an index. Orders that are not purchases, or have no product left, are dropped.
 */
export function toBaskets(orders: Iterable<OrderInput>, extraProducts: readonly string[] = []): BasketTable {
  const productSet = new Set<string>(extraProducts);
  const customerSet = new Set<string>();
  // Two passes over the orders, which are not held: a columnar source (order-table.ts) makes them on demand.
  const keptAt: number[] = [];
  const keptIds: string[] = [];
  let itemCount = 0;
  let position = 0;
  for (const order of orders) {
    const at = position++;
    if (!isPurchase(order) || !order.lineItems.some(bought)) continue;
    keptAt.push(at);
    keptIds.push(order.id);
    itemCount += order.lineItems.length;
    for (const line of order.lineItems) if (bought(line)) productSet.add(line.productId!);
    if (order.customerId !== null) customerSet.add(order.customerId);
  }
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const products = new ProductIndex();
  for (const id of [...productSet].sort(byId)) products.intern(id);
  productSet.clear();
  const customers = [...customerSet].sort(byId);
  customerSet.clear();
  const customerIndex = new Map<string, number>(customers.map((id, i) => [id, i]));

  const size = keptAt.length;
  const offset = new Int32Array(size + 1);
  const customer = new Int32Array(size);
  const time = new Float64Array(size);
  let items = new Int32Array(itemCount);
  let at = 0;
  const seen: number[] = [];
  let b = 0;
  position = 0;
  for (const o of orders) {
    if (b >= size) break;
    if (position++ !== keptAt[b]) continue;
    seen.length = 0;
    for (const line of o.lineItems) if (bought(line)) seen.push(products.get(line.productId!)!);
    seen.sort((x, y) => x - y);
    offset[b] = at;
    for (let k = 0; k < seen.length; k++) if (k === 0 || seen[k] !== seen[k - 1]) items[at++] = seen[k];
    customer[b] = o.customerId === null ? -1 : customerIndex.get(o.customerId)!;
    time[b] = o.processedAt.getTime();
    b++;
  }
  if (b !== size) throw new Error("toBaskets: the orders changed between its two passes");
  offset[size] = at;
  items = items.slice(0, at);

  // Each customer's baskets, oldest first (ties by order id).
  const customerOffset = new Int32Array(customers.length + 1);
  for (let b = 0; b < size; b++) if (customer[b] >= 0) customerOffset[customer[b] + 1]++;
  for (let c = 0; c < customers.length; c++) customerOffset[c + 1] += customerOffset[c];
  const fill = customerOffset.slice(0, customers.length);
  const customerBaskets = new Int32Array(customerOffset[customers.length]);
  for (let b = 0; b < size; b++) if (customer[b] >= 0) customerBaskets[fill[customer[b]]++] = b;
  for (let c = 0; c < customers.length; c++) {
    const from = customerOffset[c];
    const to = customerOffset[c + 1];
    if (to - from < 2) continue;
    const seg = Array.from(customerBaskets.subarray(from, to));
    seg.sort((x, y) => time[x] - time[y] || byId(keptIds[x], keptIds[y]));
    customerBaskets.set(seg, from);
  }
  return { size, offset, items, customer, time, customers, customerOffset, customerBaskets, products };
}
