/**
 * What the analysis and the recommender read from the database: a shop's orders with their line items,
 * and its catalogue, as analytics input (app/analytics/types.ts).
 *
 * Memory matters here: a shop with a million orders is held whole while it is analysed. So the loader
 * reads only the columns the analytics uses into a columnar OrderTable (app/analytics/data/order-table.ts),
 * which keeps one string per distinct customer, product, variant, currency and status (the driver returns
 * a fresh string per row: two million copies of a few thousand product ids otherwise) and no line item ids.
 */
import { Prisma } from "@prisma/client";
import { createDb, databaseUrlOf, type Db } from "../db.server";
import { OrderTable } from "../analytics/data/order-table";
import type { ProductInfo } from "../analytics/types";

/** Orders and line items read per query. */
export const HISTORY_PAGE = 5000;

/** A date column as a raw query returns it (the adapters give Date; text or epoch ms read as Prisma reads them). */
function epochMs(value: Date | string | number | null): number {
  if (value === null) return NaN;
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

interface OrderRow {
  id: string;
  customerId: string | null;
  processedAt: Date | string | number;
  cancelledAt: Date | string | number | null;
  test: boolean | number;
  totalAmount: number;
  refundedAmount: number;
  currencyCode: string;
  financialStatus: string | null;
}

interface LineRow {
  orderId: string;
  productId: string | null;
  variantId: string | null;
  quantity: number;
  currentQuantity: number;
  unitPrice: number;
}

/**
 * All orders of a shop with their line items, as a columnar OrderTable (typed arrays per field, repeated
 * ids stored once: a million orders with two line items each take about 0.1 GB). Read with raw SQL (no
 * model objects: Prisma's findMany took most of the job's time at 1M orders) in pages by order id (keyset
 * pagination); each page's line items are read by the range of its order ids (the (shop, orderId) index),
 * sorted by order and line item id, and copied into the table straight from the rows. No `IN (...)` list,
 * so SQLite's limit of 999 bound values never applies, and memory beyond the table is one page of rows.
 * Each order's line items come in line item id order, as before.
 */
export async function loadOrdersForAnalysis(db: Db, shop: string, pageSize = HISTORY_PAGE): Promise<OrderTable> {
  // The columns are made at their size once (counted first), not doubled while they fill: a million orders
  // otherwise leave some 100 MB of outgrown columns behind for the collector.
  const [orderCount, lineCount] = await Promise.all([
    db.order.count({ where: { shop } }),
    db.lineItem.count({ where: { shop } }),
  ]);
  const table = new OrderTable().reserve(orderCount, lineCount);
  let cursor: string | null = null;
  for (;;) {
    const after: Prisma.Sql = cursor === null ? Prisma.empty : Prisma.sql`AND "id" > ${cursor}`;
    const page: OrderRow[] = await db.$queryRaw<OrderRow[]>(
      Prisma.sql`SELECT "id", "customerId", "processedAt", "cancelledAt", "test", "totalAmount", "refundedAmount", "currencyCode", "financialStatus"
        FROM "Order" WHERE "shop" = ${shop} ${after} ORDER BY "id" LIMIT ${pageSize}`,
    );
    if (page.length === 0) break;
    // The page's orders are contiguous in id order, so every line item of theirs has an orderId in this range.
    const first = page[0].id;
    const last = page[page.length - 1].id;
    const lines = await db.$queryRaw<LineRow[]>(
      Prisma.sql`SELECT "orderId", "productId", "variantId", "quantity", "currentQuantity", "unitPrice"
        FROM "LineItem" WHERE "shop" = ${shop} AND "orderId" >= ${first} AND "orderId" <= ${last} ORDER BY "orderId", "id"`,
    );
    // Each order's rows are one run (sorted by orderId): where it starts and ends.
    const runs = new Map<string, [number, number]>();
    for (let k = 0; k < lines.length;) {
      const orderId = lines[k].orderId;
      let end = k + 1;
      while (end < lines.length && lines[end].orderId === orderId) end++;
      runs.set(orderId, [k, end]);
      k = end;
    }
    for (const o of page) {
      table.pushRow(
        o.id,
        o.customerId,
        epochMs(o.processedAt),
        epochMs(o.cancelledAt),
        o.test === true || o.test === 1,
        Number(o.totalAmount),
        Number(o.refundedAmount),
        o.currencyCode,
        o.financialStatus,
      );
      const run = runs.get(o.id);
      if (!run) continue;
      for (let k = run[0]; k < run[1]; k++) {
        const l = lines[k];
        table.pushLine(l.productId, l.variantId, Number(l.quantity), Number(l.currentQuantity), Number(l.unitPrice));
      }
    }
    if (page.length < pageSize) break;
    cursor = last;
  }
  return table.compact();
}

/** The database URL of a client made by createDb (another thread can open the same database), else null. */
export function databaseUrlFor(db: Db): string | null {
  return databaseUrlOf(db);
}

/** loadOrdersForAnalysis with a client of its own on `databaseUrl` (closed after): for the analysis thread. */
export async function loadOrdersFromDatabase(databaseUrl: string, shop: string): Promise<OrderTable> {
  const db = createDb(databaseUrl);
  try {
    return await loadOrdersForAnalysis(db, shop);
  } finally {
    await db.$disconnect();
  }
}

/** The shop's catalogue as the analytics sees it (an unknown status counts as DRAFT: never shown). */
export async function loadProductsForAnalysis(db: Db, shop: string): Promise<ProductInfo[]> {
  const rows = await db.product.findMany({
    where: { shop },
    select: { id: true, handle: true, productType: true, status: true, inStock: true, price: true },
  });
  return rows.map((p) => ({ ...p, status: p.status === "ACTIVE" || p.status === "ARCHIVED" ? p.status : "DRAFT" }));
}
