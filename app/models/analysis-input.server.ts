/**
 * What the analysis and the recommender read from the database: a shop's orders with their line items,
 * and its catalogue, as analytics input (app/analytics/types.ts).
 *
 * Memory matters here: a shop with a million orders is held whole while it is analysed. So the loader
 * reads only the columns the analytics uses into a columnar OrderTable (app/analytics/order-table.ts),
 * which keeps one string per distinct customer, product, variant, currency and status (the driver returns
 * a fresh string per row: two million copies of a few thousand product ids otherwise) and no line item ids.
 */
import type { Db } from "../db.server";
import { OrderTable } from "../analytics/order-table";
import type { LineItemInput, ProductInfo } from "../analytics/types";

/** Orders and line items read per query. */
export const HISTORY_PAGE = 5000;

/**
 * All orders of a shop with their line items, as a columnar OrderTable (typed arrays per field, repeated
 * ids stored once: a million orders with three line items each take about 0.1 GB). Orders are read in
 * pages by id (keyset pagination); each page's line items are read by the range of its order ids (the
 * (shop, orderId) index), in pages too, and joined within the page. No `IN (...)` list, so SQLite's limit
 * of 999 bound values never applies, and no map of every order: memory beyond the table is one page.
 */
export async function loadOrdersForAnalysis(db: Db, shop: string, pageSize = HISTORY_PAGE): Promise<OrderTable> {
  const table = new OrderTable();
  let cursor: string | undefined;
  for (;;) {
    const page = await db.order.findMany({
      where: { shop, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: {
        id: true,
        customerId: true,
        processedAt: true,
        cancelledAt: true,
        test: true,
        totalAmount: true,
        refundedAmount: true,
        currencyCode: true,
        financialStatus: true,
      },
    });
    if (page.length === 0) break;
    // The page's orders are contiguous in id order, so every line item of theirs has an orderId in this range.
    const linesOf = new Map<string, LineItemInput[]>(page.map((o) => [o.id, []]));
    const range = { gte: page[0].id, lte: page[page.length - 1].id };
    let lineCursor: string | undefined;
    for (;;) {
      const lines = await db.lineItem.findMany({
        where: { shop, orderId: range, ...(lineCursor ? { id: { gt: lineCursor } } : {}) },
        orderBy: { id: "asc" },
        take: pageSize,
        select: { id: true, orderId: true, productId: true, variantId: true, quantity: true, currentQuantity: true, unitPrice: true },
      });
      for (const l of lines) {
        linesOf.get(l.orderId)?.push({
          productId: l.productId,
          variantId: l.variantId,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          unitPrice: l.unitPrice,
        });
      }
      if (lines.length < pageSize) break;
      lineCursor = lines[lines.length - 1].id;
    }
    for (const o of page) {
      table.push({
        id: o.id,
        customerId: o.customerId,
        processedAt: o.processedAt,
        cancelledAt: o.cancelledAt,
        test: o.test,
        total: o.totalAmount,
        refunded: o.refundedAmount,
        currency: o.currencyCode,
        financialStatus: o.financialStatus,
        lineItems: linesOf.get(o.id)!,
      });
    }
    if (page.length < pageSize) break;
    cursor = page[page.length - 1].id;
  }
  return table.compact();
}

/** The shop's catalogue as the analytics sees it (an unknown status counts as DRAFT: never shown). */
export async function loadProductsForAnalysis(db: Db, shop: string): Promise<ProductInfo[]> {
  const rows = await db.product.findMany({ where: { shop }, select: { id: true, handle: true, productType: true, status: true, inStock: true, price: true } });
  return rows.map((p) => ({ ...p, status: p.status === "ACTIVE" || p.status === "ARCHIVED" ? p.status : "DRAFT" }));
}
