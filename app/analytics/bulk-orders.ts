/**
 * Reads the orders JSONL that Shopify's bulk query returns (and that `cli import`/`cli analyze` take):
 * one JSON object per line; Order lines carry `id` (gid://shopify/Order/…), LineItem lines carry
 * `__parentId` (the order's GID). Line items are joined to their order whatever order the lines come in.
 *
 * Pure: lines in, orders out. Malformed lines are skipped and counted with a reason, never fatal.
 * Cost: O(lines); memory bounded by the join window (see OrderAssembler).
 */
import type { LineItemInput, OrderInput } from "./types";

export type BulkLine =
  | { kind: "order"; order: OrderInput }
  | { kind: "lineItem"; parentId: string; lineItem: LineItemInput }
  | { kind: "ignored" };

export class BulkLineError extends Error {
  constructor(
    readonly lineNumber: number,
    reason: string,
  ) {
    super(`line ${lineNumber}: ${reason}`);
    this.name = "BulkLineError";
  }
}

type Json = Record<string, unknown>;

const money = (v: unknown): number | null => {
  const amount = (v as { shopMoney?: { amount?: unknown } } | null | undefined)?.shopMoney?.amount;
  if (amount === undefined || amount === null) return null;
  const n = typeof amount === "number" ? amount : Number(amount);
  return Number.isFinite(n) ? n : NaN;
};

const currencyOf = (v: unknown): string | null =>
  ((v as { shopMoney?: { currencyCode?: unknown } } | null | undefined)?.shopMoney?.currencyCode as string) ?? null;

const gidOf = (v: unknown): string | null => {
  const id = (v as { id?: unknown } | null | undefined)?.id;
  return typeof id === "string" ? id : null;
};

function date(v: unknown, field: string, line: number): Date | null {
  if (v === null || v === undefined) return null;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new BulkLineError(line, `${field} is not a date: ${JSON.stringify(v)}`);
  return d;
}

/** Parses one JSONL line. Throws BulkLineError with a clear reason for a malformed line. */
export function parseBulkLine(text: string, lineNumber: number): BulkLine {
  let obj: Json;
  try {
    obj = JSON.parse(text) as Json;
  } catch {
    throw new BulkLineError(lineNumber, "not valid JSON");
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new BulkLineError(lineNumber, "not a JSON object");
  const id = typeof obj.id === "string" ? obj.id : undefined;
  const parentId = typeof obj.__parentId === "string" ? obj.__parentId : undefined;
  const typename = typeof obj.__typename === "string" ? obj.__typename : undefined;

  const isLineItem = typename === "LineItem" || id?.startsWith("gid://shopify/LineItem/") || (!!parentId && !typename);
  if (isLineItem) {
    if (!parentId) throw new BulkLineError(lineNumber, "line item without __parentId");
    const quantity = Number(obj.quantity ?? 0);
    if (!Number.isFinite(quantity)) throw new BulkLineError(lineNumber, "quantity is not a number");
    const currentQuantity = obj.currentQuantity === undefined || obj.currentQuantity === null ? quantity : Number(obj.currentQuantity);
    const unitPrice = money(obj.originalUnitPriceSet) ?? money(obj.discountedUnitPriceSet) ?? 0;
    if (!Number.isFinite(unitPrice)) throw new BulkLineError(lineNumber, "unit price is not a number");
    return {
      kind: "lineItem",
      parentId,
      lineItem: {
        id,
        productId: gidOf(obj.product),
        variantId: gidOf(obj.variant),
        quantity,
        currentQuantity: Number.isFinite(currentQuantity) ? currentQuantity : quantity,
        unitPrice,
      },
    };
  }
  const isOrder = typename === "Order" || id?.startsWith("gid://shopify/Order/");
  if (!isOrder) {
    if (parentId || typename) return { kind: "ignored" };
    throw new BulkLineError(lineNumber, id ? `unknown object ${id}` : "object without id");
  }
  if (parentId) return { kind: "ignored" }; // an order nested under another object (not our query)
  const processedAt = date(obj.processedAt, "processedAt", lineNumber) ?? date(obj.createdAt, "createdAt", lineNumber);
  if (!processedAt) throw new BulkLineError(lineNumber, "order has neither processedAt nor createdAt");
  const total = money(obj.currentTotalPriceSet) ?? money(obj.totalPriceSet);
  if (total === null || !Number.isFinite(total)) throw new BulkLineError(lineNumber, "order has no numeric currentTotalPriceSet");
  const refunded = money(obj.totalRefundedSet) ?? 0;
  if (!Number.isFinite(refunded)) throw new BulkLineError(lineNumber, "totalRefundedSet is not a number");
  return {
    kind: "order",
    order: {
      id: id!,
      customerId: gidOf(obj.customer),
      processedAt,
      createdAt: date(obj.createdAt, "createdAt", lineNumber) ?? processedAt,
      updatedAt: date(obj.updatedAt, "updatedAt", lineNumber),
      cancelledAt: date(obj.cancelledAt, "cancelledAt", lineNumber),
      test: obj.test === true,
      total,
      refunded,
      currency: currencyOf(obj.currentTotalPriceSet) ?? currencyOf(obj.totalPriceSet) ?? "",
      financialStatus: (obj.displayFinancialStatus as string | undefined) ?? null,
      lineItems: [],
    },
  };
}

export interface BulkParseStats {
  lines: number;
  orders: number;
  lineItems: number;
  /** Malformed lines and line items whose order never appeared. */
  skipped: number;
  /** The first few problems, for the merchant and the logs. */
  problems: string[];
}

export const newStats = (): BulkParseStats => ({ lines: 0, orders: 0, lineItems: 0, skipped: 0, problems: [] });

const MAX_PROBLEMS = 20;

/**
 * Joins line items to orders. Orders are held in a window of the most recent `window` orders (Shopify
 * writes children right after their parent, so a small window joins everything in a real file); a line
 * item whose order left the window is returned as `late` (the database can still attach it), and one
 * whose order never appears is counted as skipped. `window = Infinity` holds every order to the end.
 */
export class OrderAssembler {
  private pending = new Map<string, OrderInput>();
  /** Pending ids in arrival order (a FIFO: taking a Map's first entry after many deletes is slow in V8). */
  private queue: string[] = [];
  private head = 0;
  private emitted = new Set<string>();
  private orphans = new Map<string, LineItemInput[]>();
  readonly late: Array<{ parentId: string; lineItem: LineItemInput }> = [];

  constructor(
    readonly stats: BulkParseStats = newStats(),
    private readonly window = 1000,
  ) {}

  /** Adds one raw line; returns the orders that are complete. */
  addLine(text: string): OrderInput[] {
    this.stats.lines++;
    if (!text.trim()) return [];
    let parsed: BulkLine;
    try {
      parsed = parseBulkLine(text, this.stats.lines);
    } catch (error) {
      this.skip((error as Error).message);
      return [];
    }
    return this.add(parsed);
  }

  add(line: BulkLine): OrderInput[] {
    if (line.kind === "ignored") return [];
    if (line.kind === "lineItem") {
      this.stats.lineItems++;
      const order = this.pending.get(line.parentId);
      if (order) order.lineItems.push(line.lineItem);
      else if (this.emitted.has(line.parentId)) this.late.push(line);
      else {
        const list = this.orphans.get(line.parentId) ?? [];
        list.push(line.lineItem);
        this.orphans.set(line.parentId, list);
      }
      return [];
    }
    const { order } = line;
    if (this.pending.has(order.id) || this.emitted.has(order.id)) {
      this.skip(`duplicate order ${order.id}`);
      return [];
    }
    this.stats.orders++;
    const early = this.orphans.get(order.id);
    if (early) {
      order.lineItems.push(...early);
      this.orphans.delete(order.id);
    }
    this.pending.set(order.id, order);
    this.queue.push(order.id);
    if (this.pending.size <= this.window) return [];
    const out: OrderInput[] = [];
    while (this.pending.size > this.window) {
      const firstId = this.queue[this.head++];
      const first = this.pending.get(firstId)!;
      this.pending.delete(firstId);
      this.emitted.add(firstId);
      out.push(first);
    }
    if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Ends the input: returns the remaining orders; line items whose order never appeared are skipped. */
  finish(): OrderInput[] {
    const out = [...this.pending.values()];
    for (const id of this.pending.keys()) this.emitted.add(id);
    this.pending.clear();
    this.queue = [];
    this.head = 0;
    for (const [parentId, items] of this.orphans) {
      this.stats.skipped += items.length;
      this.note(`${items.length} line item(s) of order ${parentId}, which is not in the file`);
    }
    this.orphans.clear();
    return out;
  }

  private skip(reason: string) {
    this.stats.skipped++;
    this.note(reason);
  }

  private note(reason: string) {
    if (this.stats.problems.length < MAX_PROBLEMS) this.stats.problems.push(reason);
  }
}

/** Parses a whole JSONL text (small files, tests). */
export function parseBulkOrdersText(text: string): { orders: OrderInput[]; stats: BulkParseStats } {
  const asm = new OrderAssembler(newStats(), Infinity);
  const orders: OrderInput[] = [];
  for (const line of text.split(/\r?\n/)) orders.push(...asm.addLine(line));
  orders.push(...asm.finish());
  return { orders, stats: asm.stats };
}

/** Streams orders from an async source of lines (a file, an HTTP body split into lines). */
export async function* readBulkOrders(
  lines: AsyncIterable<string>,
  stats: BulkParseStats = newStats(),
  window = 1000,
): AsyncGenerator<OrderInput, { late: OrderAssembler["late"]; stats: BulkParseStats }> {
  const asm = new OrderAssembler(stats, window);
  // Plain loops, not `yield*` over arrays: delegating to a sync iterable costs several promise ticks per line.
  for await (const line of lines) {
    const done = asm.addLine(line);
    for (let i = 0; i < done.length; i++) yield done[i];
  }
  for (const order of asm.finish()) yield order;
  return { late: asm.late, stats };
}

/**
 * Splits a stream of byte or text chunks (an HTTP body, a file stream) into lines without holding more
 * than one chunk and one partial line. Handles \r\n and multi-byte characters split across chunks.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    rest = start === 0 ? text : text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/**
 * Splits raw chunks into lines synchronously (no async step per line): `feed` each chunk, then `end`.
 * Handles \r\n and multi-byte characters split across chunks.
 */
export class ChunkLines {
  private readonly decoder = new TextDecoder("utf-8");
  private rest = "";

  feed(chunk: Uint8Array | string, onLine: (line: string) => void): void {
    const text = this.rest + (typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true }));
    let start = 0;
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      onLine(nl > start && text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    this.rest = start === 0 ? text : text.slice(start);
  }

  end(onLine: (line: string) => void): void {
    const rest = this.rest + this.decoder.decode();
    this.rest = "";
    if (rest.length) onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
  }
}

/**
 * Streams orders from raw chunks (an HTTP body, a file stream) without an async step per line: each
 * chunk is split and parsed synchronously and its complete orders are yielded in one array. This is the
 * fast path of the sync and `cli import` (same results as readBulkOrders(splitLines(chunks))).
 */
export async function* readBulkOrderBatches(
  chunks: AsyncIterable<Uint8Array | string>,
  stats: BulkParseStats = newStats(),
  window = 1000,
): AsyncGenerator<OrderInput[], { late: OrderAssembler["late"]; stats: BulkParseStats }> {
  const asm = new OrderAssembler(stats, window);
  const splitter = new ChunkLines();
  let out: OrderInput[] = [];
  const onLine = (line: string) => {
    const done = asm.addLine(line);
    for (let i = 0; i < done.length; i++) out.push(done[i]);
  };
  for await (const chunk of chunks) {
    splitter.feed(chunk, onLine);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  splitter.end(onLine);
  for (const order of asm.finish()) out.push(order);
  if (out.length) yield out;
  return { late: asm.late, stats };
}
