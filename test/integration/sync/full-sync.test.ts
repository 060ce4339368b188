/**
 * The order sync against the local Shopify stand-in, on SQLite and PostgreSQL: bulk export, streamed
 * ingest, faults (THROTTLED, 5xx, FAILED / PARTIAL exports, malformed and shuffled lines), an export
 * already running, limited history, delta pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncFailedError, runSync } from "../../../app/jobs/sync/run.server";
import { parseDetails } from "../../../app/models/sync-runs.server";
import { BULK_RUN_QUERY } from "../../../app/shopify/bulk.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { ORDERS_BULK_QUERY, pageOrders } from "../../../app/shopify/orders-sync.server";
import { handleOrderWebhook } from "../../../app/webhooks/orders.server";
import type { Db } from "../../../app/db.server";
import { databaseKinds, type TestDb } from "../../helpers/db";
import { freshTestDb } from "./helpers";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import type { StandinShopData } from "../../../packages/shopify-standin/src/types";

const kinds = await databaseKinds();
const BULK = { pollIntervalMs: 50, maxPollIntervalMs: 200, retryDelayMs: 10 };

function adminFor(standin: Standin, shop: string) {
  return createAdminClient({
    shop,
    accessToken: standin.tokenFor(shop),
    apiBaseUrl: standin.url,
    baseDelayMs: 5,
    maxDelayMs: 200,
    maxRetries: 10,
  });
}

/** Everything the sync stores for a shop, in a stable order, without the write time. */
async function snapshot(db: Db, shop: string) {
  const orders = await db.order.findMany({
    where: { shop },
    orderBy: { id: "asc" },
    include: { lineItems: { orderBy: { id: "asc" } } },
  });
  return orders.map(({ syncedAt: _s, ...o }) => o);
}

function shopData(name: string, orders: number, extra: Partial<StandinShopData> = {}): StandinShopData {
  return { ...generateDemoShop({ orders, shop: name, seed: 7 }), ...extra };
}

describe.each(kinds)("order sync on %s", (kind) => {
  let standin: Standin;
  /** Exports take 1.5 s here, so a test can find one still running. */
  let slow: Standin;
  const dbs: TestDb[] = [];
  const SHOP = `sync-${kind}.myshopify.com`;
  const data = shopData(SHOP, 250);
  const EMPTY = `empty-${kind}.myshopify.com`;
  const LIMITED = `limited-${kind}.myshopify.com`;
  const limitedData = shopData(LIMITED, 200, { scopes: ["read_orders", "read_customers", "read_products"] });

  // The fault handling below is the same code whatever the database: run it once, on SQLite.
  const itOnSqlite = kind === "sqlite" ? it : it.skip;
  const freshDb = async () => {
    const t = await freshTestDb(kind);
    dbs.push(t);
    return t.db;
  };

  beforeAll(async () => {
    standin = await startStandin({ shops: [data, shopData(EMPTY, 0), limitedData], bulkMinMs: 50, restoreRate: 1000 });
    slow = await startStandin({ shops: [shopData(SHOP, 250)], bulkMinMs: 1000, restoreRate: 1000 });
  });
  afterAll(async () => {
    await standin?.close();
    await slow?.close();
    for (const t of dbs) await t.cleanup();
  });

  let clean: Awaited<ReturnType<typeof snapshot>>;
  let cleanDb: Db;

  it("a full sync stores every order exactly once, with its facts as Shopify has them", async () => {
    cleanDb = await freshDb();
    const progress: number[] = [];
    const summary = await runSync(cleanDb, adminFor(standin, SHOP), SHOP, {
      kind: "full",
      bulk: BULK,
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p.ordersCount),
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.ordersCount).toBe(data.orders.length);
    expect(summary.lineItemsCount).toBe(data.orders.reduce((s, o) => s + o.lineItems.length, 0));
    expect(summary.customersCount).toBe(new Set(data.orders.map((o) => o.customerId).filter(Boolean)).size);
    expect(summary.skippedLines).toBe(0);
    expect(summary.historyLimited).toBe(false);

    clean = await snapshot(cleanDb, SHOP);
    expect(clean.map((o) => o.id)).toEqual(data.orders.map((o) => o.id).sort());
    const byId = new Map(clean.map((o) => [o.id, o]));
    for (const o of data.orders) {
      const row = byId.get(o.id)!;
      expect(row.customerId).toBe(o.customerId);
      expect(row.totalAmount).toBeCloseTo(Number(o.totalPrice), 6);
      expect(row.refundedAmount).toBeCloseTo(Number(o.totalRefunded), 6);
      expect(row.test).toBe(o.test);
      expect(row.cancelledAt?.toISOString() ?? null).toBe(o.cancelledAt ? new Date(o.cancelledAt).toISOString() : null);
      expect(row.sourceUpdatedAt.toISOString()).toBe(new Date(o.updatedAt).toISOString());
      expect(row.lineItems.map((l) => [l.id, l.productId, l.quantity, l.currentQuantity, l.unitPrice])).toEqual(
        [...o.lineItems]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((l) => [l.id, l.productId, l.quantity, l.currentQuantity, Number(l.unitPrice)]),
      );
    }
    // guests, test and cancelled orders are stored as facts (the analytics cleans them)
    expect(clean.some((o) => o.customerId === null)).toBe(true);

    const run = await cleanDb.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({
      kind: "full",
      status: "succeeded",
      ordersCount: data.orders.length,
      skippedLines: 0,
      expectedCount: data.orders.length,
    });
    expect(run.bulkOperationId).toMatch(/^gid:\/\/shopify\/BulkOperation\//);
    expect(run.finishedAt).not.toBeNull();
    expect(progress.at(-1)).toBe(data.orders.length);
    const shop = await cleanDb.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(shop.lastFullSyncAt).not.toBeNull();
    expect(await cleanDb.product.count({ where: { shop: SHOP } })).toBe(data.products.length);

    // Running it again changes nothing.
    const again = await runSync(cleanDb, adminFor(standin, SHOP), SHOP, { kind: "full", bulk: BULK });
    expect(again.ordersCount).toBe(data.orders.length);
    expect(await snapshot(cleanDb, SHOP)).toEqual(clean);
  });

  itOnSqlite("under 20% THROTTLED answers and injected 5xx the same sync ends with identical data", async () => {
    const db = await freshDb();
    standin.setFaults(SHOP, { throttledShare: 0.2, serverErrorShare: 0.15, seed: 11 });
    try {
      const admin = adminFor(standin, SHOP);
      // Small product pages: more requests, so both kinds of fault are drawn.
      const summary = await runSync(db, admin, SHOP, { kind: "full", bulk: BULK, pageSizes: { products: 5 } });
      expect(summary.status).toBe("succeeded");
      expect(admin.stats.retries).toBeGreaterThan(0);
      const calls = standin.calls(SHOP);
      expect(calls.some((c) => c.throttled)).toBe(true);
      expect(calls.some((c) => c.status >= 500)).toBe(true);
    } finally {
      standin.setFaults(SHOP, { throttledShare: 0, serverErrorShare: 0 });
    }
    expect(await snapshot(db, SHOP)).toEqual(clean);
  });

  it("a FAILED export is started again, and after the last failure the run fails and the previous data and scores stay", async () => {
    const db = await freshDb();
    standin.setFaults(SHOP, { bulkOutcome: "FAILED", bulkFailures: 1 });
    const retried = await runSync(db, adminFor(standin, SHOP), SHOP, { kind: "full", bulk: BULK });
    expect(retried.status).toBe("succeeded");
    const details = parseDetails(await db.syncRun.findUniqueOrThrow({ where: { id: retried.runId } }));
    expect(details.bulkAttempts).toBe(2);
    expect(await snapshot(db, SHOP)).toEqual(clean);

    const score = {
      shop: SHOP,
      customerId: "gid://shopify/Customer/1",
      asOf: new Date(),
      orders: 3,
      firstOrderAt: new Date(),
      lastOrderAt: new Date(),
      recencyDays: 10,
      monetary: 100,
      aov: 33,
      r: 3,
      f: 3,
      m: 3,
      rfmSegment: "loyal",
      clusterKey: "c1",
      churnProbability: 0.2,
      riskBand: "low",
      pAlive: 0.9,
      expectedOrders: 1,
      clv12m: 50,
    };
    await db.customerScore.create({ data: score });
    const before = await db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    standin.setFaults(SHOP, { bulkOutcome: "EXPIRED", bulkFailures: 3 });
    const error = await runSync(db, adminFor(standin, SHOP), SHOP, {
      kind: "full",
      bulk: { ...BULK, attempts: 3 },
    }).catch((e: unknown) => e);
    standin.setFaults(SHOP, { bulkFailures: 0 });
    expect(error).toBeInstanceOf(SyncFailedError);
    expect((error as Error).message).toMatch(/ended EXPIRED 3 times in a row; nothing was changed/);
    const failed = await db.syncRun.findUniqueOrThrow({ where: { id: (error as SyncFailedError).summary.runId } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/EXPIRED/);
    expect(await snapshot(db, SHOP)).toEqual(clean);
    expect(await db.customerScore.count({ where: { shop: SHOP } })).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).lastFullSyncAt).toEqual(before.lastFullSyncAt);
  });

  itOnSqlite("malformed lines are skipped, counted and reported; shuffled lines still join their order", async () => {
    const db = await freshDb();
    standin.setFaults(SHOP, { malformedLines: 4, shuffleBulkLines: true, seed: 3 });
    const summary = await runSync(db, adminFor(standin, SHOP), SHOP, { kind: "full", bulk: BULK });
    standin.setFaults(SHOP, { malformedLines: 0, shuffleBulkLines: false });
    expect(summary.status).toBe("succeeded");
    expect(summary.skippedLines).toBe(4);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run.skippedLines).toBe(4);
    const details = parseDetails(run);
    expect(details.problems.length).toBe(4);
    expect(details.warnings.join(" ")).toMatch(/4 line\(s\) of the export could not be read/);
    expect(await snapshot(db, SHOP)).toEqual(clean);
  });

  itOnSqlite("a partial export is ingested and the run says so", async () => {
    const db = await freshDb();
    standin.setFaults(SHOP, { bulkOutcome: "PARTIAL", bulkFailures: 1 });
    const summary = await runSync(db, adminFor(standin, SHOP), SHOP, { kind: "full", bulk: BULK });
    expect(summary.status).toBe("succeeded");
    expect(summary.partial).toBe(true);
    expect(summary.ordersCount).toBeGreaterThan(0);
    expect(summary.ordersCount).toBeLessThan(data.orders.length);
    expect(summary.warnings.join(" ")).toMatch(/only export part of the order history/);
    const stored = await snapshot(db, SHOP);
    const cleanById = new Map(clean.map((o) => [o.id, o]));
    for (const o of stored)
      if (o.lineItems.length === cleanById.get(o.id)!.lineItems.length) expect(o).toEqual(cleanById.get(o.id));
    // Sync dates stay unset, so the next (delta) run asks for everything again.
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).lastFullSyncAt).toBeNull();
  });

  itOnSqlite("reuses an export of the same query that is already running instead of crashing", async () => {
    const db = await freshDb();
    const admin = adminFor(slow, SHOP);
    const started = await admin.request<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(BULK_RUN_QUERY, {
      query: ORDERS_BULK_QUERY,
    });
    const summary = await runSync(db, admin, SHOP, { kind: "full", bulk: BULK });
    expect(summary.status).toBe("succeeded");
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run.bulkOperationId).toBe(started.bulkOperationRunQuery.bulkOperation.id);
    expect(summary.warnings.join(" ")).toMatch(/already running/);
    expect(await snapshot(db, SHOP)).toEqual(clean);
  });

  itOnSqlite(
    "keeps an order a webhook stored after a reused export began (it is not in that export's file)",
    async () => {
      const db = await freshDb();
      const admin = adminFor(slow, SHOP);
      // An export of the orders starts (a crashed earlier run, another worker) ...
      await admin.request(BULK_RUN_QUERY, { query: ORDERS_BULK_QUERY });
      // ... then a customer places an order: Shopify sends orders/create (REST payload, as documented), the
      // export does not contain it.
      const placed = new Date().toISOString();
      const webhook = {
        id: 987654321001,
        admin_graphql_api_id: "gid://shopify/Order/987654321001",
        created_at: placed,
        processed_at: placed,
        updated_at: placed,
        cancelled_at: null,
        test: false,
        currency: "USD",
        current_total_price: "42.50",
        total_price: "42.50",
        financial_status: "paid",
        customer: { id: 555000111, admin_graphql_api_id: "gid://shopify/Customer/555000111" },
        line_items: [
          {
            id: 777000111,
            admin_graphql_api_id: "gid://shopify/LineItem/777000111",
            product_id: 1,
            variant_id: 2,
            quantity: 1,
            current_quantity: 1,
            price: "42.50",
          },
        ],
      };
      expect((await handleOrderWebhook(db, SHOP, "orders/create", webhook)).outcome).toBe("written");
      // The full sync starts after the webhook and reuses the running export.
      const summary = await runSync(db, admin, SHOP, { kind: "full", bulk: BULK });
      expect(summary.status).toBe("succeeded");
      expect(summary.warnings.join(" ")).toMatch(/already running/);
      const kept = await db.order.findUnique({
        where: { shop_id: { shop: SHOP, id: "gid://shopify/Order/987654321001" } },
        include: { lineItems: true },
      });
      expect(kept?.customerId).toBe("gid://shopify/Customer/555000111");
      expect(kept?.lineItems).toHaveLength(1);
      // Every exported order is there too.
      const stored = await snapshot(db, SHOP);
      expect(stored.filter((o) => o.id !== kept!.id)).toEqual(clean);
      expect(parseDetails(await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } })).removalSkipped).toBe(
        "reused-export",
      );
    },
  );

  itOnSqlite("runs its own export beside another running export of the app (it does not wait for it)", async () => {
    const db = await freshDb();
    const admin = adminFor(slow, SHOP);
    const other = `#graphql
      query ProductsExport { products { edges { node { id handle } } } }`;
    const started = await admin.request<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(BULK_RUN_QUERY, {
      query: other,
    });
    const summary = await runSync(db, admin, SHOP, { kind: "full", bulk: BULK });
    expect(summary.status).toBe("succeeded");
    const ops = slow.state(SHOP).bulkOperations;
    expect(ops.find((o) => o.id === started.bulkOperationRunQuery.bulkOperation.id)?.status).toBe("COMPLETED");
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run.bulkOperationId).not.toBe(started.bulkOperationRunQuery.bulkOperation.id);
    // Ours began while the other was still running (since 2026-01 Shopify runs up to five at once).
    const theirs = ops.find((o) => o.id === started.bulkOperationRunQuery.bulkOperation.id)!;
    const ours = ops.find((o) => o.id === run.bulkOperationId)!;
    expect(Date.parse(ours.createdAt)).toBeLessThan(Date.parse(theirs.completedAt!));
    expect(await snapshot(db, SHOP)).toEqual(clean);
  });

  itOnSqlite("a shop without orders (url null) syncs to zero orders", async () => {
    const db = await freshDb();
    const summary = await runSync(db, adminFor(standin, EMPTY), EMPTY, { kind: "full", bulk: BULK });
    expect(summary).toMatchObject({ status: "succeeded", ordersCount: 0, lineItemsCount: 0, skippedLines: 0 });
    expect(await db.order.count({ where: { shop: EMPTY } })).toBe(0);
  });

  itOnSqlite("without read_all_orders it flags the shop and warns in plain words", async () => {
    const db = await freshDb();
    const summary = await runSync(db, adminFor(standin, LIMITED), LIMITED, { kind: "full", bulk: BULK });
    expect(summary.historyLimited).toBe(true);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: LIMITED } })).historyLimited).toBe(true);
    const details = parseDetails(await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } }));
    expect(details.warnings.join(" ")).toMatch(/Only the last 60 days of orders are visible.*predictions/);
    const visible = limitedData.orders.filter((o) => Date.parse(o.createdAt) >= Date.now() - 60 * 86_400_000).length;
    expect(summary.ordersCount).toBe(visible);
  });

  itOnSqlite(
    "a delta after read_all_orders was granted without the webhook reads the whole history (a full sync)",
    async () => {
      const db = await freshDb();
      await runSync(db, adminFor(standin, LIMITED), LIMITED, { kind: "full", bulk: BULK });
      // Still limited: a delta stays a delta.
      const stillLimited = await runSync(db, adminFor(standin, LIMITED), LIMITED, { kind: "delta", bulk: BULK });
      expect(stillLimited.kind).toBe("delta");
      const state = standin.state(LIMITED);
      const before = state.setScopes(["read_orders", "read_customers", "read_products", "read_all_orders"]).previous;
      try {
        // The merchant granted the scope, but no app/scopes_update reached the app: the next delta runs full.
        const summary = await runSync(db, adminFor(standin, LIMITED), LIMITED, { kind: "delta", bulk: BULK });
        expect(summary.kind).toBe("full");
        expect(summary.historyLimited).toBe(false);
        expect(summary.warnings.join(" ")).toMatch(/now lets Churnless read all orders, so a full sync was run/);
        expect(await db.order.count({ where: { shop: LIMITED } })).toBe(limitedData.orders.length);
        expect((await db.shop.findUniqueOrThrow({ where: { shop: LIMITED } })).historyLimited).toBe(false);
      } finally {
        state.setScopes(before);
      }
    },
  );

  itOnSqlite("paging orders in pages larger than the parser's join window yields every order once", async () => {
    const ids: string[] = [];
    let lineItems = 0;
    for await (const page of pageOrders(adminFor(standin, SHOP), { pageSize: 25, lineItemsPageSize: 5 })) {
      for (const order of page) {
        ids.push(order.id);
        lineItems += order.lineItems.length;
      }
    }
    const expected = [...standin.state(SHOP).ordersById.values()];
    expect(ids.length).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((o) => o.id)));
    expect(lineItems).toBe(expected.reduce((n, o) => n + o.lineItems.length, 0));
  });

  it("a delta sync picks up orders created or changed since the last sync, page by page", async () => {
    const state = standin.state(SHOP);
    const admin = adminFor(standin, SHOP);
    const target = data.orders.find((o) => o.customerId && !o.cancelledAt)!;
    const template = data.orders.find((o) => o.customerId && o.lineItems.length > 0)!;
    state.updateOrder(target.id, {
      cancelledAt: new Date().toISOString(),
      totalRefunded: target.totalPrice,
      displayFinancialStatus: "REFUNDED",
    });
    const created = state.createOrder({
      ...template,
      id: "gid://shopify/Order/990000001",
      name: "#99001",
      createdAt: new Date().toISOString(),
      processedAt: new Date().toISOString(),
      cancelledAt: null,
      lineItems: Array.from({ length: 20 }, (_, i) => ({
        ...template.lineItems[0],
        id: `gid://shopify/LineItem/99000${i}`,
      })),
    });
    const callsBefore = standin.calls(SHOP).length;
    const summary = await runSync(cleanDb, admin, SHOP, { kind: "delta", bulk: BULK });
    expect(summary.kind).toBe("delta");
    expect(summary.ordersCount).toBe(2);
    const cancelled = await cleanDb.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: target.id } } });
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(cancelled.refundedAmount).toBeCloseTo(Number(target.totalPrice), 6);
    // 20 line items: more than one page of line items (15), fetched with the follow-up query.
    expect(await cleanDb.lineItem.count({ where: { shop: SHOP, orderId: created.id } })).toBe(20);
    const calls = standin.calls(SHOP).slice(callsBefore);
    expect(calls.some((c) => c.operation === "bulkOperationRunQuery")).toBe(false);
    expect(calls.filter((c) => c.operation === "orders").length).toBeGreaterThanOrEqual(1);
    expect(await cleanDb.order.count({ where: { shop: SHOP } })).toBe(data.orders.length);
  });
});
