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
import type { LineItemInput, OrderInput } from "../types";

type Growable = Float64Array | Int32Array | Uint8Array;

/**
 * Room for at least `need` elements, contents kept: doubled (at least 1,024) while filling, or exactly
 * `need` when the final size is known (`exact`).
 */
export function grow<T extends Growable>(a: T, need: number, exact = false): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(exact ? need : Math.max(need, a.length * 2, 1024));
  b.set(a);
  return b;
}

/** The array cut to its first n elements: itself when it is that long already (no copy). */
function fit<T extends Growable>(a: T, n: number): T {
  return a.length === n ? a : (a.slice(0, n) as T);
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

  /**
   * Appends one order from plain values (a database row), without an OrderInput record; its line items
   * follow with `pushLine`. Dates are epoch ms (NaN: not cancelled). Same result as `push`.
   */
  pushRow(
    id: string,
    customerId: string | null,
    processedAt: number,
    cancelledAt: number,
    test: boolean,
    total: number,
    refunded: number,
    currency: string,
    financialStatus: string | null,
  ): void {
    const i = this.n;
    const need = i + 1;
    if (need > this.customer.length) {
      this.customer = grow(this.customer, need);
      this.processedAt = grow(this.processedAt, need);
      this.cancelledAt = grow(this.cancelledAt, need);
      this.test = grow(this.test, need);
      this.total = grow(this.total, need);
      this.refunded = grow(this.refunded, need);
      this.currency = grow(this.currency, need);
      this.financialStatus = grow(this.financialStatus, need);
    }
    this.lineOffset = grow(this.lineOffset, need + 1);
    this.ids.push(id);
    this.customer[i] = this.intern(customerId);
    this.processedAt[i] = processedAt;
    this.cancelledAt[i] = cancelledAt;
    this.test[i] = test ? 1 : 0;
    this.total[i] = total;
    this.refunded[i] = refunded;
    this.currency[i] = this.intern(currency);
    this.financialStatus[i] = this.intern(financialStatus);
    this.n = need;
    this.lineOffset[need] = this.lines;
  }

  /** Appends a line item to the order pushed last (pushRow). currentQuantity NaN: none. */
  pushLine(
    productId: string | null,
    variantId: string | null,
    quantity: number,
    currentQuantity: number,
    unitPrice: number,
  ): void {
    if (this.n === 0) throw new Error("OrderTable.pushLine: no order to add the line item to");
    const k = this.lines;
    if (k + 1 > this.lineProduct.length) {
      this.lineProduct = grow(this.lineProduct, k + 1);
      this.lineVariant = grow(this.lineVariant, k + 1);
      this.lineQuantity = grow(this.lineQuantity, k + 1);
      this.lineCurrentQuantity = grow(this.lineCurrentQuantity, k + 1);
      this.lineUnitPrice = grow(this.lineUnitPrice, k + 1);
    }
    this.lineProduct[k] = this.intern(productId);
    this.lineVariant[k] = this.intern(variantId);
    this.lineQuantity[k] = quantity;
    this.lineCurrentQuantity[k] = currentQuantity;
    this.lineUnitPrice[k] = unitPrice;
    this.lines = k + 1;
    this.lineOffset[this.n] = this.lines;
  }

  /**
   * Makes room for this many orders and line items in all (a reader that knows the counts calls it first):
   * the columns are allocated once at their size, not doubled step by step while filled, which leaves a
   * large table's earlier, smaller copies as garbage and compact() copying them once more.
   */
  reserve(orders: number, lines: number): this {
    const resize = <T extends Growable>(a: T, n: number): T => grow(a, n, true);
    this.customer = resize(this.customer, orders);
    this.processedAt = resize(this.processedAt, orders);
    this.cancelledAt = resize(this.cancelledAt, orders);
    this.test = resize(this.test, orders);
    this.total = resize(this.total, orders);
    this.refunded = resize(this.refunded, orders);
    this.currency = resize(this.currency, orders);
    this.financialStatus = resize(this.financialStatus, orders);
    this.lineOffset = resize(this.lineOffset, orders + 1);
    this.lineProduct = resize(this.lineProduct, lines);
    this.lineVariant = resize(this.lineVariant, lines);
    this.lineQuantity = resize(this.lineQuantity, lines);
    this.lineCurrentQuantity = resize(this.lineCurrentQuantity, lines);
    this.lineUnitPrice = resize(this.lineUnitPrice, lines);
    return this;
  }

  /** Releases the spare room left by growing (call once the table is complete). */
  compact(): this {
    const n = this.n;
    const l = this.lines;
    this.customer = fit(this.customer, n);
    this.processedAt = fit(this.processedAt, n);
    this.cancelledAt = fit(this.cancelledAt, n);
    this.test = fit(this.test, n);
    this.total = fit(this.total, n);
    this.refunded = fit(this.refunded, n);
    this.currency = fit(this.currency, n);
    this.financialStatus = fit(this.financialStatus, n);
    this.lineOffset = fit(this.lineOffset, n + 1);
    this.lineProduct = fit(this.lineProduct, l);
    this.lineVariant = fit(this.lineVariant, l);
    this.lineQuantity = fit(this.lineQuantity, l);
    this.lineCurrentQuantity = fit(this.lineCurrentQuantity, l);
    this.lineUnitPrice = fit(this.lineUnitPrice, l);
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
    return {
      ids,
      strings,
      customer,
      processedAt,
      cancelledAt,
      test,
      total,
      refunded,
      currency,
      financialStatus,
      lineOffset,
      lineProduct,
      lineVariant,
      lineQuantity,
      lineCurrentQuantity,
      lineUnitPrice,
    };
  }

  /**
   * The typed arrays' buffers of toData's result, for postMessage's transfer list: they move to the other
   * thread without a copy (and are detached here: use the table no more on this side).
   */
  static transferList(data: OrderTableColumns): ArrayBuffer[] {
    const { customer, processedAt, cancelledAt, test, total, refunded, currency, financialStatus } = data;
    const { lineOffset, lineProduct, lineVariant, lineQuantity, lineCurrentQuantity, lineUnitPrice } = data;
    const columns = [
      customer,
      processedAt,
      cancelledAt,
      test,
      total,
      refunded,
      currency,
      financialStatus,
      lineOffset,
      lineProduct,
      lineVariant,
      lineQuantity,
      lineCurrentQuantity,
      lineUnitPrice,
    ];
    return [...new Set(columns.map((c) => c.buffer as ArrayBuffer))];
  }

  /**
   * Puts back the typed columns of this table's own toData() after they came back from a thread they were
   * transferred to (OrderTable.transferList): the ids and strings stayed here. Throws when they do not fit.
   */
  restoreColumns(data: OrderTableColumns): void {
    const orderColumns = [
      data.customer,
      data.processedAt,
      data.cancelledAt,
      data.test,
      data.total,
      data.refunded,
      data.currency,
      data.financialStatus,
    ];
    const lineColumns = [
      data.lineProduct,
      data.lineVariant,
      data.lineQuantity,
      data.lineCurrentQuantity,
      data.lineUnitPrice,
    ];
    if (
      orderColumns.some((c) => c.length !== this.n) ||
      lineColumns.some((c) => c.length !== this.lines) ||
      data.lineOffset.length !== this.n + 1
    ) {
      throw new Error("OrderTable.restoreColumns: the columns do not fit this table");
    }
    this.customer = data.customer;
    this.processedAt = data.processedAt;
    this.cancelledAt = data.cancelledAt;
    this.test = data.test;
    this.total = data.total;
    this.refunded = data.refunded;
    this.currency = data.currency;
    this.financialStatus = data.financialStatus;
    this.lineOffset = data.lineOffset;
    this.lineProduct = data.lineProduct;
    this.lineVariant = data.lineVariant;
    this.lineQuantity = data.lineQuantity;
    this.lineCurrentQuantity = data.lineCurrentQuantity;
    this.lineUnitPrice = data.lineUnitPrice;
  }

  /** The typed columns alone (what a thread hands back after a transfer: see restoreColumns). */
  columns(): OrderTableColumns {
    const { customer, processedAt, cancelledAt, test, total, refunded, currency, financialStatus } = this;
    const { lineOffset, lineProduct, lineVariant, lineQuantity, lineCurrentQuantity, lineUnitPrice } = this;
    return {
      customer,
      processedAt,
      cancelledAt,
      test,
      total,
      refunded,
      currency,
      financialStatus,
      lineOffset,
      lineProduct,
      lineVariant,
      lineQuantity,
      lineCurrentQuantity,
      lineUnitPrice,
    };
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
    const orderColumns = [
      t.customer,
      t.processedAt,
      t.cancelledAt,
      t.test,
      t.total,
      t.refunded,
      t.currency,
      t.financialStatus,
    ];
    const lineColumns = [t.lineProduct, t.lineVariant, t.lineQuantity, t.lineCurrentQuantity, t.lineUnitPrice];
    if (
      t.strings.length !== data.strings.length ||
      orderColumns.some((c) => c.length !== t.n) ||
      lineColumns.some((c) => c.length !== t.lines) ||
      t.lineOffset.length !== t.n + 1
    ) {
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

/** An OrderTable's typed columns (see OrderTable.columns). */
export interface OrderTableColumns {
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

/** An OrderTable's columns as plain data (see OrderTable.toData). */
export interface OrderTableData extends OrderTableColumns {
  ids: string[];
  strings: string[];
}
