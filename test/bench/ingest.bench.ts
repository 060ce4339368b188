/**
 * `npm run bench:ingest [-- --orders 1000000 --db-orders 50000 --rounds 2 --keep]`: the order ingest at scale.
 *
 * 1. Streams a bulk-export JSONL of N orders (default 1M, 3 line items each on average) to a temp file,
 *    in exactly the format the app's bulk query returns (packages/shopify-standin/src/bulk-jsonl.ts).
 * 2. Reads it with a plain `readline + JSON.parse` loop (the baseline), then with the app's parser as
 *    the sync uses it (readBulkOrderBatches: parsed, validated and grouped OrderInput records), in the same run,
 *    alternating the two `--rounds` times and keeping each one's best time.
 * 3. Ingests a sample (default 50k orders) into a fresh SQLite database through the same path as the
 *    sync and `cli import` (OrderIngest -> upsertOrders in batches).
 * Prints orders/s for each, the parser/baseline ratio (target >= 0.7) and peak RSS (target well under 1.5 GB).
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { newStats, readBulkOrderBatches } from "../../app/shopify/bulk-orders";
import { createDb } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { importOrderLines } from "../../app/jobs/sync/run.server";
import { writeBulkJsonl } from "../../packages/shopify-standin/src/bulk-jsonl";
import type { StandinLineItem, StandinOrder } from "../../packages/shopify-standin/src/types";
import { createRandom as rng } from "../../packages/shopify-standin/src/faults"; // seeded: the file is the same on every run

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = argValue("--orders", 1_000_000);
const DB_ORDERS = Math.min(ORDERS, argValue("--db-orders", 50_000));
const keep = process.argv.includes("--keep");
const ROUNDS = Math.max(1, argValue("--rounds", 2));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const peakRssMb = () => mb(process.resourceUsage().maxRSS * 1024);
const rssMb = () => mb(process.memoryUsage().rss);

/** Orders made on demand (memory O(1)): 1-5 line items (mean 3), 10% guests, a few refunds and test orders. */
function* syntheticOrders(count: number): Generator<StandinOrder> {
  const r = rng(7);
  const start = Date.parse("2024-01-01T00:00:00Z");
  let lineId = 1;
  for (let n = 0; n < count; n++) {
    const at = new Date(start + Math.floor((n / count) * 700 * 86_400_000) + Math.floor(r() * 3_600_000)).toISOString();
    const items: StandinLineItem[] = [];
    const k = 1 + Math.floor(r() * 5);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const product = 1 + Math.floor(r() * 2000);
      const price = (5 + Math.floor(r() * 9500) / 100).toFixed(2);
      const quantity = 1 + Math.floor(r() * 3);
      total += Number(price) * quantity;
      items.push({
        id: `gid://shopify/LineItem/${lineId++}`,
        productId: `gid://shopify/Product/${product}`,
        variantId: `gid://shopify/ProductVariant/${product * 10}`,
        quantity,
        currentQuantity: quantity,
        unitPrice: price,
      });
    }
    const refunded = r() < 0.03;
    yield {
      id: `gid://shopify/Order/${1_000_000 + n}`,
      name: `#${1000 + n}`,
      customerId: r() < 0.1 ? null : `gid://shopify/Customer/${1 + Math.floor(r() * (count / 4))}`,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: null,
      test: r() < 0.002,
      displayFinancialStatus: refunded ? "REFUNDED" : "PAID",
      currencyCode: "USD",
      totalPrice: total.toFixed(2),
      totalRefunded: refunded ? total.toFixed(2) : "0.00",
      lineItems: items,
    };
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

const dir = mkdtempSync(join(tmpdir(), "churnless-bench-ingest-"));
const file = join(dir, "orders.jsonl");
const sample = join(dir, "sample.jsonl");
try {
  console.log(`Generating ${ORDERS.toLocaleString("en")} orders into ${file} ...`);
  const gen = await timed(() => writeBulkJsonl({ orders: () => syntheticOrders(ORDERS) }, file));
  await writeBulkJsonl({ orders: () => syntheticOrders(DB_ORDERS) }, sample);
  const { orders, lineItems, bytes } = gen.result;
  console.log(
    `  ${orders.toLocaleString("en")} orders, ${lineItems.toLocaleString("en")} line items (${(lineItems / orders).toFixed(2)} per order), ${mb(bytes)} MB in ${(gen.ms / 1000).toFixed(1)} s`,
  );
  const rssAfterGenerate = peakRssMb();

  // Baseline: readline + JSON.parse, counting orders (lines without __parentId).
  const runPlain = () =>
    timed(async () => {
      let n = 0;
      const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line) continue;
        const obj = JSON.parse(line) as { __parentId?: string };
        if (obj.__parentId === undefined) n++;
      }
      return n;
    });

  // The app's parser: the same file to validated OrderInput records with their line items joined.
  const stats = newStats();
  const runApp = () =>
    timed(async () => {
      let n = 0;
      let items = 0;
      stats.skipped = 0;
      for await (const batch of readBulkOrderBatches(createReadStream(file), stats)) {
        for (const order of batch) {
          n++;
          items += order.lineItems.length;
        }
      }
      return { n, items };
    });

  // Alternate the two, ROUNDS times, and keep each one's best: both get the same warm-up and GC state.
  let plain = await runPlain();
  let app = await runApp();
  for (let round = 1; round < ROUNDS; round++) {
    const p = await runPlain();
    if (p.ms < plain.ms) plain = p;
    const a = await runApp();
    if (a.ms < app.ms) app = a;
  }
  if (app.result.n !== orders || app.result.items !== lineItems || plain.result !== orders) {
    throw new Error(
      `count mismatch: file ${orders}/${lineItems}, plain ${plain.result}, app ${app.result.n}/${app.result.items}`,
    );
  }
  const rssAfterParse = peakRssMb();

  // Database ingest of a sample into a fresh SQLite file, through the sync's write path.
  const dbUrl = `file:${join(dir, "bench.sqlite")}`;
  await migrateDatabase(dbUrl);
  const db = createDb(dbUrl);
  const ingest = await timed(() =>
    importOrderLines(db, "bench-shop.myshopify.com", { chunks: createReadStream(sample) }),
  );
  const stored = await db.order.count();
  await db.$disconnect();
  if (stored !== DB_ORDERS) throw new Error(`stored ${stored} orders, expected ${DB_ORDERS}`);

  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  const plainRate = rate(orders, plain.ms);
  const appRate = rate(orders, app.ms);
  const rows: Array<[string, string, string]> = [
    [
      "readline + JSON.parse (baseline)",
      `${plainRate.toLocaleString("en")} orders/s`,
      `${(plain.ms / 1000).toFixed(1)} s`,
    ],
    ["app parser (grouped OrderInput)", `${appRate.toLocaleString("en")} orders/s`, `${(app.ms / 1000).toFixed(1)} s`],
    [
      `database ingest, SQLite (${DB_ORDERS.toLocaleString("en")} orders)`,
      `${rate(DB_ORDERS, ingest.ms).toLocaleString("en")} orders/s`,
      `${(ingest.ms / 1000).toFixed(1)} s`,
    ],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log("");
  for (const [a, b, c] of rows) console.log(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(7)}`);
  const ratio = appRate / plainRate;
  console.log("");
  console.log(`  parser / baseline: ${ratio.toFixed(2)}x (target >= 0.70) ${ratio >= 0.7 ? "OK" : "BELOW TARGET"}`);
  console.log(
    `  peak RSS: ${peakRssMb()} MB (after generating ${rssAfterGenerate} MB, after parsing ${rssAfterParse} MB, now ${rssMb()} MB; target well under 1536 MB)`,
  );
  console.log(`  skipped lines: ${stats.skipped}`);
  if (keep) console.log(`  files kept in ${dir} (${mb(statSync(file).size)} MB)`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
