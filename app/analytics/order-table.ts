/**
 * A shop's order history in columns: one typed array per field, repeated strings (customer, product and
 * variant ids, currencies, statuses) stored once and referred to by index, line items in one flat range
 * per order (CSR). A million orders with three line items each take about 90 MB here, against well over
 * 1 GB as one object per order and per line item, so a large shop's history can be held while it is
 * analysed. Filled one order at a time (`push`: a reader can stream into it and keep no OrderInput),
 * read as `OrderInput` records made on demand (`orders()`, `at(i)`): the analysis consumes either this
 * table or a plain array through the same purchase rules.
 * Kept per order: id, customerId, processedAt, cancelledAt, test, total, refunded, currency,
 * financialStatus and the line items (productId, variantId, quantity, currentQuantity, unitPrice);
 * createdAt and updatedAt are not kept (the analysis does not read them).
 * Cost: push O(line items) amortised; memory about 45 bytes per order plus 24 per line item, plus the
 * order id strings and one copy of each distinct repeated string.
 */
import type { LineItemInput, OrderInput } from "./types";

type Growable = Float64Array | Int32Array | Uint8Array;

function grow<T extends Growable>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 1024));
  b.set(a);
  return b;
}

/** NaN stands for a missing date or quantity in the numeric columns. */
const NONE = -1;

export class OrderTable implements Iterable<OrderInput> {
  /** Order ids (GIDs), one per order. */
  readonly ids: string[] = [];
  /** Distinct repeated strings; the index columns point into it (NONE = null). */
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private n = 0;
  private lines = 0;
  customer: Int32Array = new Int32Array(0);
  processedAt: Float64Array = new Float64Array(0);
  /** Epoch ms, NaN when not cancelled. */
  cancelledAt: Float64Array = new Float64Array(0);
  test: Uint8Array = new Uint8Array(0);
  total: Float64Array = new Float64Array(0);
  refunded: Float64Array = new Float64Array(0);
  currency: Int32Array = new Int32Array(0);
  financialStatus: Int32Array = new Int32Array(0);
  /** Order i's line items are lineOffset[i] .. lineOffset[i + 1]. */
  lineOffset: Int32Array = new Int32Array(1);
  lineProduct: Int32Array = new Int32Array(0);
  lineVariant: Int32Array = new Int32Array(0);
  lineQuantity: Float64Array = new Float64Array(0);
  /** NaN when the source did not carry currentQuantity (the record then has none). */
  lineCurrentQuantity: Float64Array = new Float64Array(0);
  lineUnitPrice: Float64Array = new Float64Array(0);

  /** Number of orders. */
  get length(): number {
    return this.n;
  }

  /** Number of line items. */
  get lineItemCount(): number {
    return this.lines;
  }

  /** The index of a repeated string (added when new), NONE for null or undefined. */
  intern(s: string | null | undefined): number {
    if (s === null || s === undefined) return NONE;
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private str(i: number): string | null {
    return i === NONE ? null : this.strings[i];
  }

  /** Appends one order (copied: the caller may drop it). */
  push(order: OrderInput): void {
    const i = this.n;
    const need = i + 1;
    this.customer = grow(this.customer, need);
    this.processedAt = grow(this.processedAt, need);
    this.cancelledAt = grow(this.cancelledAt, need);
    this.test = grow(this.test, need);
    this.total = grow(this.total, need);
    this.refunded = grow(this.refunded, need);
    this.currency = grow(this.currency, need);
    this.financialStatus = grow(this.financialStatus, need);
    this.lineOffset = grow(this.lineOffset, need + 1);
    this.ids.push(order.id);
    this.customer[i] = this.intern(order.customerId);
    this.processedAt[i] = order.processedAt.getTime();
    this.cancelledAt[i] = order.cancelledAt ? order.cancelledAt.getTime() : NaN;
    this.test[i] = order.test ? 1 : 0;
    this.total[i] = order.total;
    this.refunded[i] = order.refunded;
    this.currency[i] = this.intern(order.currency);
    this.financialStatus[i] = this.intern(order.financialStatus);
    const items = order.lineItems;
    const at = this.lines;
    const end = at + items.length;
    if (end > this.lineProduct.length) {
      this.lineProduct = grow(this.lineProduct, end);
      this.lineVariant = grow(this.lineVariant, end);
      this.lineQuantity = grow(this.lineQuantity, end);
      this.lineCurrentQuantity = grow(this.lineCurrentQuantity, end);
      this.lineUnitPrice = grow(this.lineUnitPrice, end);
    }
    for (let k = 0; k < items.length; k++) {
      const line = items[k];
      this.lineProduct[at + k] = this.intern(line.productId);
      this.lineVariant[at + k] = this.intern(line.variantId);
      this.lineQuantity[at + k] = line.quantity;
      this.lineCurrentQuantity[at + k] = line.currentQuantity ?? NaN;
      this.lineUnitPrice[at + k] = line.unitPrice;
    }
    this.lines = end;
    this.n = need;
    this.lineOffset[need] = end;
  }

  /** Releases the spare room left by growing (call once the table is complete). */
  compact(): this {
    const n = this.n;
    const l = this.lines;
    this.customer = this.customer.slice(0, n);
    this.processedAt = this.processedAt.slice(0, n);
    this.cancelledAt = this.cancelledAt.slice(0, n);
    this.test = this.test.slice(0, n);
    this.total = this.total.slice(0, n);
    this.refunded = this.refunded.slice(0, n);
    this.currency = this.currency.slice(0, n);
    this.financialStatus = this.financialStatus.slice(0, n);
    this.lineOffset = this.lineOffset.slice(0, n + 1);
    this.lineProduct = this.lineProduct.slice(0, l);
    this.lineVariant = this.lineVariant.slice(0, l);
    this.lineQuantity = this.lineQuantity.slice(0, l);
    this.lineCurrentQuantity = this.lineCurrentQuantity.slice(0, l);
    this.lineUnitPrice = this.lineUnitPrice.slice(0, l);
    return this;
  }

  /** Order i as a fresh OrderInput record. */
  at(i: number): OrderInput {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`OrderTable.at(${i}): ${this.n} orders`);
    const lineItems: LineItemInput[] = [];
    for (let k = this.lineOffset[i]; k < this.lineOffset[i + 1]; k++) {
      const line: LineItemInput = {
        productId: this.str(this.lineProduct[k]),
        variantId: this.str(this.lineVariant[k]),
        quantity: this.lineQuantity[k],
        unitPrice: this.lineUnitPrice[k],
      };
      const current = this.lineCurrentQuantity[k];
      if (!Number.isNaN(current)) line.currentQuantity = current;
      lineItems.push(line);
    }
    const cancelled = this.cancelledAt[i];
    return {
      id: this.ids[i],
      customerId: this.str(this.customer[i]),
      processedAt: new Date(this.processedAt[i]),
      cancelledAt: Number.isNaN(cancelled) ? null : new Date(cancelled),
      test: this.test[i] === 1,
      total: this.total[i],
      refunded: this.refunded[i],
      currency: this.str(this.currency[i]) ?? "",
      financialStatus: this.str(this.financialStatus[i]),
      lineItems,
    };
  }

  /** Every order, in the order pushed, as OrderInput records made on demand (short-lived). */
  *orders(): Generator<OrderInput> {
    for (let i = 0; i < this.n; i++) yield this.at(i);
  }

  [Symbol.iterator](): Iterator<OrderInput> {
    return this.orders();
  }

  /**
   * The table as plain data (typed arrays and string lists), for postMessage to a worker thread: a
   * structured clone copies typed arrays with one memcpy each, where a million OrderInput records would
   * be walked object by object. `fromData` makes the table again on the other side.
   */
  toData(): OrderTableData {
    this.compact();
    const { ids, strings, customer, processedAt, cancelledAt, test, total, refunded, currency, financialStatus } = this;
    const { lineOffset, lineProduct, lineVariant, lineQuantity, lineCurrentQuantity, lineUnitPrice } = this;
    return { ids, strings, customer, processedAt, cancelledAt, test, total, refunded, currency, financialStatus, lineOffset, lineProduct, lineVariant, lineQuantity, lineCurrentQuantity, lineUnitPrice };
  }

  static fromData(data: OrderTableData): OrderTable {
    const t = new OrderTable();
    for (const id of data.ids) t.ids.push(id);
    for (const s of data.strings) t.intern(s);
    t.customer = data.customer;
    t.processedAt = data.processedAt;
    t.cancelledAt = data.cancelledAt;
    t.test = data.test;
    t.total = data.total;
    t.refunded = data.refunded;
    t.currency = data.currency;
    t.financialStatus = data.financialStatus;
    t.lineOffset = data.lineOffset;
    t.lineProduct = data.lineProduct;
    t.lineVariant = data.lineVariant;
    t.lineQuantity = data.lineQuantity;
    t.lineCurrentQuantity = data.lineCurrentQuantity;
    t.lineUnitPrice = data.lineUnitPrice;
    t.n = data.ids.length;
    t.lines = data.lineOffset[t.n] ?? 0;
    const orderColumns = [t.customer, t.processedAt, t.cancelledAt, t.test, t.total, t.refunded, t.currency, t.financialStatus];
    const lineColumns = [t.lineProduct, t.lineVariant, t.lineQuantity, t.lineCurrentQuantity, t.lineUnitPrice];
    if (t.strings.length !== data.strings.length || orderColumns.some((c) => c.length !== t.n) || lineColumns.some((c) => c.length !== t.lines) || t.lineOffset.length !== t.n + 1) {
      throw new Error("OrderTable.fromData: the columns do not fit together");
    }
    return t;
  }

  /** A table of the given orders. */
  static from(orders: Iterable<OrderInput>): OrderTable {
    const t = new OrderTable();
    for (const o of orders) t.push(o);
    return t.compact();
  }
}

/** An OrderTable's columns as plain data (see OrderTable.toData). */
export interface OrderTableData {
  ids: string[];
  strings: string[];
  customer: Int32Array;
  processedAt: Float64Array;
  cancelledAt: Float64Array;
  test: Uint8Array;
  total: Float64Array;
  refunded: Float64Array;
  currency: Int32Array;
  financialStatus: Int32Array;
  lineOffset: Int32Array;
  lineProduct: Int32Array;
  lineVariant: Int32Array;
  lineQuantity: Float64Array;
  lineCurrentQuantity: Float64Array;
  lineUnitPrice: Float64Array;
}
