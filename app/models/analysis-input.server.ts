/**
 * What the analysis and the recommender read from the database: a shop's orders with their line items,
 * and its catalogue, as analytics input (app/analytics/types.ts).
 *
 * Memory matters here: a shop with a million orders is held whole while it is analysed. So the loader
 * reads only the columns the analytics uses, shares one string per distinct customer, product, variant,
 * currency and status (the driver returns a fresh string per row: two million copies of a few thousand
 * product ids otherwise), and keeps no line item ids.
 */
import type { Db } from "../db.server";
import type { LineItemInput, OrderInput, ProductInfo } from "../analytics/types";

/** Orders and line items read per query. */
export const HISTORY_PAGE = 5000;

/** One shared copy of each distinct string. */
function interner() {
  const seen = new Map<string, string>();
  return <T extends string | null>(s: T): T => {
    if (s === null) return s;
    const known = seen.get(s);
    if (known !== undefined) return known as T;
    seen.set(s, s);
    return s;
  };
}

/**
 * All orders of a shop with their line items. Orders and line items are each read in pages by id
 * (keyset pagination) and joined in memory: no `IN (...)` list, so SQLite's limit of 999 bound values
 * never applies, whatever the shop's size.
 */
export async function loadOrdersForAnalysis(db: Db, shop: string, pageSize = HISTORY_PAGE): Promise<OrderInput[]> {
  const intern = interner();
  const byId = new Map<string, OrderInput>();
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
    for (const o of page) {
      byId.set(o.id, {
        id: o.id,
        customerId: intern(o.customerId),
        processedAt: o.processedAt,
        cancelledAt: o.cancelledAt,
        test: o.test,
        total: o.totalAmount,
        refunded: o.refundedAmount,
        currency: intern(o.currencyCode),
        financialStatus: intern(o.financialStatus),
        lineItems: [],
      });
    }
    if (page.length < pageSize) break;
    cursor = page[page.length - 1].id;
  }
  let lineCursor: string | undefined;
  for (;;) {
    const lines = await db.lineItem.findMany({
      where: { shop, ...(lineCursor ? { id: { gt: lineCursor } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true, orderId: true, productId: true, variantId: true, quantity: true, currentQuantity: true, unitPrice: true },
    });
    for (const l of lines) {
      const item: LineItemInput = {
        productId: intern(l.productId),
        variantId: intern(l.variantId),
        quantity: l.quantity,
        currentQuantity: l.currentQuantity,
        unitPrice: l.unitPrice,
      };
      byId.get(l.orderId)?.lineItems.push(item);
    }
    if (lines.length < pageSize) break;
    lineCursor = lines[lines.length - 1].id;
  }
  return [...byId.values()];
}

/** The shop's catalogue as the analytics sees it (an unknown status counts as DRAFT: never shown). */
export async function loadProductsForAnalysis(db: Db, shop: string): Promise<ProductInfo[]> {
  const rows = await db.product.findMany({ where: { shop }, select: { id: true, handle: true, productType: true, status: true, inStock: true, price: true } });
  return rows.map((p) => ({ ...p, status: p.status === "ACTIVE" || p.status === "ARCHIVED" ? p.status : "DRAFT" }));
}
