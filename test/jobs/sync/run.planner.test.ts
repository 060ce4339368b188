/**
 * PostgreSQL: after a large ingest (a first sync) the sync refreshes the planner's statistics of
 * the order tables, so the analysis's paged read of the history walks the primary key instead of sorting
 * every later order for each page (50 s against 10 s at a million orders, docs/benchmarks.md). Checked
 * through PostgreSQL's own record of a manual ANALYZE (pg_stat_user_tables.last_analyze; autovacuum's
 * analyses go to last_autoanalyze instead) and the row count the planner then works with (pg_class).
 */
import { afterEach, describe, expect, it } from "vitest";
import { OrderIngest } from "../../../app/jobs/sync/run.server";
import { STATISTICS_AFTER_ORDERS } from "../../../app/models/orders.server";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { customerGid, lineItemInput, orderGid, orderInput, productGid } from "../../helpers/orders";

const kinds = await databaseKinds();
const SHOP = "stats-shop.myshopify.com";

const orders = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    orderInput({
      id: orderGid(1 + i),
      customerId: customerGid(i % 700),
      processedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
      total: 20,
      lineItems: [lineItemInput(productGid(1 + (i % 30)), { unitPrice: 20 })],
    }),
  );

async function ingest(t: TestDb, n: number) {
  const run = new OrderIngest(t.db, SHOP, { batchSize: 2000 });
  await run.addOrders(orders(n));
  await run.finish();
  return run.ordersCount;
}

async function statistics(t: TestDb) {
  const rows = await t.db.$queryRawUnsafe<Array<{ analysed: boolean; reltuples: number }>>(
    `SELECT s.last_analyze IS NOT NULL AS analysed, c.reltuples::float8 AS reltuples
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'Order'`,
  );
  return rows[0];
}

describe.skipIf(!kinds.includes("postgres"))("planner statistics after an ingest (PostgreSQL)", () => {
  let t: TestDb | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it(`an ingest of ${STATISTICS_AFTER_ORDERS.toLocaleString("en")} orders or more analyses the order tables`, async () => {
    t = await createTestDb("postgres");
    expect(await ingest(t, STATISTICS_AFTER_ORDERS)).toBe(STATISTICS_AFTER_ORDERS);
    const s = await statistics(t);
    expect(s.analysed).toBe(true);
    expect(s.reltuples).toBe(STATISTICS_AFTER_ORDERS);
  }, 120_000);

  it("a small ingest (a webhook's or a day's delta) leaves them to autovacuum", async () => {
    t = await createTestDb("postgres");
    expect(await ingest(t, 300)).toBe(300);
    expect((await statistics(t)).analysed).toBe(false);
  }, 60_000);
});
