/**
 * Orders and line items as the sync stores them: raw facts, faithfully (test flag, cancelledAt, refunded
 * amount, guest orders with customerId null). The analytics applies the cleaning rules when it reads.
 *
 * Writes are idempotent upserts by (shop, order GID), in one transaction per batch, and only when the
 * incoming Shopify updatedAt is newer than or equal to the stored one: an older event (a late webhook,
 * an earlier snapshot) never overwrites a newer one. Works the same on SQLite and PostgreSQL.
 */
import { Prisma } from "@prisma/client";
import type { LineItemInput, OrderInput } from "../analytics/types";
import type { Db } from "../db.server";
import {
  SQLITE_MAX_BOUND_VALUES,
  deleteWhereIn,
  dialectOf,
  insertRows,
  stringList,
  type ColumnType,
  type Dialect,
} from "../db/json-rows.server";

export interface UpsertOrdersResult {
  /** Orders inserted or replaced. */
  written: number;
  /** Orders left alone because the stored copy is newer. */
  olderIgnored: number;
  /** Line items written with the written orders. */
  lineItems: number;
}

type Tx = Prisma.TransactionClient;

/** The version an order carries: Shopify's updatedAt, else the oldest date it has (so real updates win). */
export function versionOf(order: OrderInput): Date {
  return order.updatedAt ?? order.createdAt ?? order.processedAt;
}

const int = (n: number | undefined, fallback: number) => (Number.isFinite(n) ? Math.round(n as number) : fallback);

function lineItemRow(
  shop: string,
  orderId: string,
  item: LineItemInput,
  index: number,
): Prisma.LineItemCreateManyInput {
  const quantity = int(item.quantity, 0);
  return {
    shop,
    id: item.id ?? `${orderId}/line/${index}`,
    orderId,
    productId: item.productId,
    variantId: item.variantId,
    quantity,
    currentQuantity: int(item.currentQuantity, quantity),
    unitPrice: Number.isFinite(item.unitPrice) ? item.unitPrice : 0,
  };
}

function orderRow(shop: string, order: OrderInput, syncedAt: Date): Prisma.OrderCreateManyInput {
  return {
    shop,
    id: order.id,
    customerId: order.customerId,
    createdAt: order.createdAt ?? order.processedAt,
    processedAt: order.processedAt,
    cancelledAt: order.cancelledAt,
    test: order.test ?? false,
    financialStatus: order.financialStatus ?? null,
    totalAmount: Number.isFinite(order.total) ? order.total : 0,
    refundedAmount: Number.isFinite(order.refunded) ? order.refunded : 0,
    currencyCode: order.currency || "",
    sourceUpdatedAt: versionOf(order),
    syncedAt,
  };
}

/** Another writer stored a newer version of an order between our read and our write. */
class ConcurrentWriteError extends Error {
  constructor(shop: string) {
    super(`a newer version of an order of ${shop} was written concurrently`);
  }
}

/**
 * Conflicts between concurrent writers of the same orders (webhooks for one customer arriving together):
 * a unique violation (both inserted), a deadlock (40P01) or a serialization failure (40001). The
 * transaction rolled back whole, so running it again is safe.
 */
const isWriteConflict = (error: unknown) =>
  error instanceof ConcurrentWriteError ||
  (error instanceof Prisma.PrismaClientKnownRequestError && (error.code === "P2002" || error.code === "P2034")) ||
  /unique constraint|duplicate key|deadlock detected|could not serialize|40P01|40001|database is locked/i.test(
    (error as Error)?.message ?? "",
  );

/** Runs a write transaction again, after a short random pause, when it lost a race with another writer. */
async function withConflictRetry<T>(work: () => Promise<T>, tries = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= tries || !isWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * Inserts or replaces orders (with all their line items) by (shop, id). Within the batch the newest copy
 * of an order wins. Rows whose stored updatedAt is newer than the incoming one are left alone.
 */
export async function upsertOrders(
  db: Db,
  shop: string,
  orders: OrderInput[],
  syncedAt = new Date(),
): Promise<UpsertOrdersResult> {
  if (!orders.length) return { written: 0, olderIgnored: 0, lineItems: 0 };
  const newest = new Map<string, OrderInput>();
  let olderInBatch = 0;
  for (const order of orders) {
    const prev = newest.get(order.id);
    if (prev && versionOf(prev).getTime() > versionOf(order).getTime()) {
      olderInBatch++;
      continue;
    }
    if (prev) olderInBatch++;
    newest.set(order.id, order);
  }
  const all = [...newest.values()];
  const total = { written: 0, olderIgnored: olderInBatch, lineItems: 0 };
  // One transaction per chunk: a retry after a lost race redoes one chunk, and no transaction grows unbounded.
  for (let start = 0; start < all.length; start += UPSERT_CHUNK) {
    const r = await upsertChunk(db, shop, all.slice(start, start + UPSERT_CHUNK), syncedAt);
    total.written += r.written;
    total.olderIgnored += r.olderIgnored;
    total.lineItems += r.lineItems;
  }
  return total;
}

/**
 * Orders per transaction. The sync writes batches of 500, so one batch is one transaction (one commit:
 * SQLite syncs the file at each). Lists of ids and rows travel as one JSON parameter; only SQLite's
 * conditional delete binds values one by one (3 an order, at most 333 orders a statement, under SQLite's
 * 999 bound values).
 */
export const UPSERT_CHUNK = 500;

const ORDER_COLUMNS = {
  shop: "text",
  id: "text",
  customerId: "text",
  createdAt: "timestamp",
  processedAt: "timestamp",
  cancelledAt: "timestamp",
  test: "boolean",
  financialStatus: "text",
  totalAmount: "float",
  refundedAmount: "float",
  currencyCode: "text",
  sourceUpdatedAt: "timestamp",
  syncedAt: "timestamp",
} as const satisfies Record<keyof Prisma.OrderCreateManyInput, ColumnType>;

const LINE_ITEM_COLUMNS = {
  shop: "text",
  id: "text",
  orderId: "text",
  productId: "text",
  variantId: "text",
  quantity: "integer",
  currentQuantity: "integer",
  unitPrice: "float",
} as const satisfies Record<keyof Prisma.LineItemCreateManyInput, ColumnType>;

/** The stored versions (sourceUpdatedAt, epoch ms) of the given orders of the shop that exist. */
async function storedVersions(tx: Tx, dialect: Dialect, shop: string, ids: string[]): Promise<Map<string, number>> {
  const rows = await tx.$queryRaw<Array<{ id: string; sourceUpdatedAt: Date | string | number }>>(
    Prisma.sql`SELECT "id", "sourceUpdatedAt" FROM "Order" WHERE "shop" = ${shop} AND "id" IN (${stringList(dialect, ids)})`,
  );
  // The adapters return DateTime columns as Date; a text or number is read the way Prisma reads it.
  return new Map(
    rows.map((r) => [
      r.id,
      (r.sourceUpdatedAt instanceof Date ? r.sourceUpdatedAt : new Date(r.sourceUpdatedAt)).getTime(),
    ]),
  );
}

/**
 * Deletes the orders whose stored version is still not newer than the incoming one (the same condition
 * as `{ id, sourceUpdatedAt: { lte } }`). Returns how many rows went.
 * - SQLite: the versions are bound as Prisma binds them, in `(shop AND id AND version) OR ...` terms
 *   (SQLite plans `shop = ? AND (a OR b OR ...)` an order of magnitude slower), 3 values an order.
 * - PostgreSQL: joined with the (id, version) pairs as one JSON parameter: a primary-key probe an
 *   order, where an OR of hundreds of terms is re-checked on every row found (tens of ms a chunk).
 */
async function deleteReplacedOrders(tx: Tx, dialect: Dialect, shop: string, replacing: OrderInput[]): Promise<number> {
  if (dialect === "postgresql") {
    const pairs = JSON.stringify(replacing.map((o) => [o.id, versionOf(o).toISOString()]));
    return tx.$executeRaw(
      Prisma.sql`DELETE FROM "Order" AS "o" USING json_array_elements(${pairs}::json) AS "v"("value")
        WHERE "o"."shop" = ${shop} AND "o"."id" = ("v"."value" ->> 0) AND "o"."sourceUpdatedAt" <= ("v"."value" ->> 1)::timestamp(3)`,
    );
  }
  let count = 0;
  const perStatement = Math.floor(SQLITE_MAX_BOUND_VALUES / 3);
  for (let i = 0; i < replacing.length; i += perStatement) {
    const conditions = replacing
      .slice(i, i + perStatement)
      .map((o) => Prisma.sql`("shop" = ${shop} AND "id" = ${o.id} AND "sourceUpdatedAt" <= ${versionOf(o)})`);
    count += await tx.$executeRaw(Prisma.sql`DELETE FROM "Order" WHERE ${Prisma.join(conditions, " OR ")}`);
  }
  return count;
}

async function upsertChunk(db: Db, shop: string, batch: OrderInput[], syncedAt: Date): Promise<UpsertOrdersResult> {
  const ids = batch.map((o) => o.id);
  const dialect = dialectOf(db);
  return withConflictRetry(() =>
    db.$transaction(
      async (tx: Tx) => {
        const stored = await storedVersions(tx, dialect, shop, ids);
        const toWrite = batch.filter((o) => !stored.has(o.id) || versionOf(o).getTime() >= stored.get(o.id)!);
        // Orders kept because the stored version is newer were still seen by this sync (see removeOrdersNotSyncedSince).
        const writing = new Set(toWrite);
        const kept = batch.filter((o) => !writing.has(o)).map((o) => o.id);
        if (kept.length) {
          await tx.$executeRaw(
            Prisma.sql`UPDATE "Order" SET "syncedAt" = ${syncedAt} WHERE "shop" = ${shop} AND "id" IN (${stringList(dialect, kept)})`,
          );
        }
        const replacing = toWrite.filter((o) => stored.has(o.id));
        if (replacing.length) {
          // Delete only rows that are still not newer than ours: a concurrent writer may have stored a newer
          // version since we read (READ COMMITTED re-checks this condition on the row it waited for). If so,
          // roll back and start again, and the fresh read will skip the order.
          const deleted = await deleteReplacedOrders(tx, dialect, shop, replacing);
          if (deleted !== replacing.length) throw new ConcurrentWriteError(shop);
          await deleteWhereIn(
            tx,
            dialect,
            "LineItem",
            shop,
            "orderId",
            replacing.map((o) => o.id),
          );
        }
        const orderRows = toWrite.map((o) => orderRow(shop, o, syncedAt));
        await insertRows(tx, dialect, "Order", ORDER_COLUMNS, orderRows);
        const items = toWrite.flatMap((o) => dedupeItems(o).map((item, i) => lineItemRow(shop, o.id, item, i)));
        // A line item id stored under another order (Shopify never moves one; a re-generated demo shop does)
        // is replaced rather than refused.
        await deleteWhereIn(
          tx,
          dialect,
          "LineItem",
          shop,
          "id",
          items.map((l) => l.id),
        );
        await insertRows(tx, dialect, "LineItem", LINE_ITEM_COLUMNS, items);
        return { written: toWrite.length, olderIgnored: batch.length - toWrite.length, lineItems: items.length };
      },
      { timeout: 120_000, maxWait: 30_000 },
    ),
  );
}

/** A line item listed twice in one order (a repeated JSONL line) is stored once. */
function dedupeItems(order: OrderInput): LineItemInput[] {
  const seen = new Set<string>();
  const out: LineItemInput[] = [];
  for (const item of order.lineItems) {
    if (item.id) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
    }
    out.push(item);
  }
  return out;
}

/**
 * Line items that arrived after their order was written (a bulk file whose children come far from their
 * parent). Added to orders that exist; items already stored (same id) are left alone.
 * Returns how many were added and how many had no order to join.
 */
export async function addLateLineItems(
  db: Db,
  shop: string,
  late: Array<{ parentId: string; lineItem: LineItemInput }>,
): Promise<{ added: number; orphaned: number }> {
  let added = 0;
  let orphaned = 0;
  const dialect = dialectOf(db);
  for (let i = 0; i < late.length; i += 500) {
    const chunk = late.slice(i, i + 500).filter((l) => l.lineItem.id);
    orphaned += Math.min(500, late.length - i) - chunk.length;
    const parents = [...new Set(chunk.map((l) => l.parentId))];
    const r = await withConflictRetry(() =>
      db.$transaction(async (tx: Tx) => {
        const orders = new Set(
          (await tx.order.findMany({ where: { shop, id: { in: parents } }, select: { id: true } })).map((o) => o.id),
        );
        const present = new Set(
          (
            await tx.lineItem.findMany({
              where: { shop, id: { in: chunk.map((l) => l.lineItem.id!) } },
              select: { id: true },
            })
          ).map((l) => l.id),
        );
        const rows = chunk.filter((l) => orders.has(l.parentId) && !present.has(l.lineItem.id!));
        const unique = new Map(rows.map((l) => [l.lineItem.id!, lineItemRow(shop, l.parentId, l.lineItem, 0)]));
        await insertRows(tx, dialect, "LineItem", LINE_ITEM_COLUMNS, [...unique.values()]);
        return { added: unique.size, orphaned: chunk.filter((l) => !orders.has(l.parentId)).length };
      }),
    );
    added += r.added;
    orphaned += r.orphaned;
  }
  return { added, orphaned };
}

/** Distinct customers with at least one stored order (guest orders do not count). */
export async function countCustomers(db: Db, shop: string): Promise<number> {
  const rows = await db.$queryRaw<
    Array<{ n: bigint | number }>
  >`SELECT COUNT(DISTINCT "customerId") AS n FROM "Order" WHERE "shop" = ${shop} AND "customerId" IS NOT NULL`;
  return Number(rows[0]?.n ?? 0);
}

export async function countOrders(db: Db, shop: string): Promise<{ orders: number; lineItems: number }> {
  const [orders, lineItems] = await Promise.all([
    db.order.count({ where: { shop } }),
    db.lineItem.count({ where: { shop } }),
  ]);
  return { orders, lineItems };
}

/** The newest Shopify updatedAt among the shop's stored orders (null when none). */
export async function newestOrderUpdate(db: Db, shop: string): Promise<Date | null> {
  const row = await db.order.aggregate({ where: { shop }, _max: { sourceUpdatedAt: true } });
  return row._max.sourceUpdatedAt ?? null;
}

/**
 * After a complete full export: removes the shop's orders (and their line items) that the export did not
 * rewrite, i.e. orders deleted in Shopify. Returns how many orders went.
 */
export async function removeOrdersNotSyncedSince(db: Db, shop: string, since: Date): Promise<number> {
  await db.lineItem.deleteMany({ where: { shop, order: { syncedAt: { lt: since } } } });
  const { count } = await db.order.deleteMany({ where: { shop, syncedAt: { lt: since } } });
  return count;
}

/**
 * orders/delete: the order leaves every input of the analysis: its row, its line items and its storefront
 * attribution (RecAttribution), in one transaction. Deleting an order not stored is a no-op.
 */
export async function deleteOrder(
  db: Db,
  shop: string,
  orderId: string,
): Promise<{ orders: number; lineItems: number; attributions: number }> {
  return db.$transaction(async (tx: Tx) => {
    const lineItems = (await tx.lineItem.deleteMany({ where: { shop, orderId } })).count;
    const orders = (await tx.order.deleteMany({ where: { shop, id: orderId } })).count;
    const attributions = (await tx.recAttribution.deleteMany({ where: { shop, orderId } })).count;
    return { orders, lineItems, attributions };
  });
}

/** Orders written by one ingest from which the planner's statistics are refreshed (refreshOrderStatistics). */
export const STATISTICS_AFTER_ORDERS = 10_000;

/**
 * Refreshes PostgreSQL's planner statistics of the order tables (ANALYZE), after an ingest that wrote many
 * rows. Until autovacuum's own analyze comes round, the planner still counts a shop just synced as the few
 * rows it had: it then reads each page of the analysis's history (app/models/analysis-input.server.ts) by
 * fetching every later order and sorting, instead of walking the primary key (the measurement is in
 * docs/decisions/009).
 * SQLite keeps no such statistics (ANALYZE was never run there): nothing to do.
 */
export async function refreshOrderStatistics(db: Db): Promise<void> {
  if (dialectOf(db) !== "postgresql") return;
  await db.$executeRawUnsafe('ANALYZE "Order", "LineItem"');
}
