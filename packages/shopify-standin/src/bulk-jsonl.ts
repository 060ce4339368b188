/**
 * Writes a shop's orders as the JSONL file Shopify's bulk operation returns for the app's orders query:
 * one order object per line, then each of its line items on its own line with `__parentId` (the
 * order's GID), fields in the order the query asks for them. Money is shop money in the order's
 * currency. Used by the stand-in's bulk operations, tests, `cli import` fixtures and the 1M-order
 * ingest benchmark (writeBulkJsonl streams: the file is never held in memory as one string).
 * Cost: O(orders + line items); memory O(one chunk).
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { StandinLineItem, StandinOrder, StandinShopData } from "./types";

export interface BulkJsonlOptions {
  /** Only the orders for which this is true (e.g. the query's `updated_at:>` filter). */
  filter?: (order: StandinOrder) => boolean;
  /** Adds `__typename` to every line, as when the query selects it. */
  typename?: boolean;
}

/** Anything with orders: StandinShopData, or generateDemoShopStream's result (orders as a function). */
export interface BulkOrderSource {
  orders: Iterable<StandinOrder> | (() => Iterable<StandinOrder>) | StandinShopData["orders"];
}

const shopMoney = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

/** The JSON line of one order (without its line items). */
export function orderJsonLine(order: StandinOrder, typename = false): string {
  return JSON.stringify({
    ...(typename ? { __typename: "Order" } : {}),
    id: order.id,
    createdAt: order.createdAt,
    processedAt: order.processedAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    test: order.test,
    displayFinancialStatus: order.displayFinancialStatus,
    customer: order.customerId === null ? null : { id: order.customerId },
    currentTotalPriceSet: shopMoney(order.totalPrice, order.currencyCode),
    totalRefundedSet: shopMoney(order.totalRefunded, order.currencyCode),
  });
}

/** The JSON line of one line item of `order`. */
export function lineItemJsonLine(item: StandinLineItem, order: StandinOrder, typename = false): string {
  return JSON.stringify({
    ...(typename ? { __typename: "LineItem" } : {}),
    id: item.id,
    quantity: item.quantity,
    currentQuantity: item.currentQuantity,
    product: item.productId === null ? null : { id: item.productId },
    variant: item.variantId === null ? null : { id: item.variantId },
    originalUnitPriceSet: shopMoney(item.unitPrice, order.currencyCode),
    __parentId: order.id,
  });
}

function ordersOf(data: BulkOrderSource): Iterable<StandinOrder> {
  return typeof data.orders === "function" ? data.orders() : data.orders;
}

/** The file's lines (without newlines), in the order Shopify writes them: parent, then its children. */
export function* toBulkJsonlLines(data: BulkOrderSource, opts: BulkJsonlOptions = {}): Generator<string> {
  const typename = opts.typename ?? false;
  for (const order of ordersOf(data)) {
    if (opts.filter && !opts.filter(order)) continue;
    yield orderJsonLine(order, typename);
    for (const item of order.lineItems) yield lineItemJsonLine(item, order, typename);
  }
}

export interface BulkJsonlWriteResult {
  orders: number;
  lineItems: number;
  bytes: number;
}

const CHUNK = 1 << 20;

/** Streams the JSONL to `path` (one trailing newline per line), honouring back-pressure. */
export async function writeBulkJsonl(
  data: BulkOrderSource,
  path: string,
  opts: BulkJsonlOptions = {},
): Promise<BulkJsonlWriteResult> {
  const out = createWriteStream(path, { encoding: "utf8" });
  // once() rejects on "error"; this listener keeps an error that comes between awaits for the next one.
  let failure: Error | null = null;
  out.on("error", (error) => (failure ??= error));
  const wait = async (event: string) => {
    if (failure) throw failure;
    await once(out, event);
  };
  const result: BulkJsonlWriteResult = { orders: 0, lineItems: 0, bytes: 0 };
  let chunk = "";
  const flush = async () => {
    if (!chunk) return;
    result.bytes += Buffer.byteLength(chunk);
    const ok = out.write(chunk);
    chunk = "";
    if (!ok) await wait("drain");
  };
  try {
    const typename = opts.typename ?? false;
    for (const order of ordersOf(data)) {
      if (opts.filter && !opts.filter(order)) continue;
      chunk += orderJsonLine(order, typename) + "\n";
      result.orders++;
      for (const item of order.lineItems) chunk += lineItemJsonLine(item, order, typename) + "\n";
      result.lineItems += order.lineItems.length;
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    out.end();
    await wait("finish");
  } catch (error) {
    out.destroy();
    throw new Error(`writeBulkJsonl: cannot write ${path}: ${(error as Error).message}`);
  }
  return result;
}
