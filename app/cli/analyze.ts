/**
 * `npm run --silent cli -- analyze --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N --out DIR`
 *
 * Reads a bulk-operation orders JSONL file (app/shopify/bulk-orders.ts; only orders processed up to
 * the as-of day are used), runs the whole analysis (app/analytics/analyze.ts) and writes:
 * - DIR/customers.jsonl: one object per customer (customerId, orders, recencyDays, monetary, rfm,
 *   rfmSegment, cluster, churnProbability, pAlive, expectedOrders, clv12m, nextOrderDate, reasons, and
 *   a few extras: clusterKey, riskBand, aov, typicalGapDays, firstOrderAt, lastOrderAt; and the ranges of
 *   the next order and value ranges: nextOrderEarliest, nextOrderLatest (null = unlikely to order again),
 *   valueAtRisk, pAliveKnown (false: no meaningful P(alive) for this one-time buyer); the 80% predictive
 *   ranges (10th to 90th percentile, docs/numbers.md): spendLow/spendHigh over the horizon,
 *   clv12mLow/clv12mHigh over 12 months, nextOrderLow/nextOrderHigh the first order's date given an order
 *   within the horizon);
 * - DIR/recommendations.jsonl: customerId, productIds (10, best first);
 * - DIR/summary.json: store metrics, clusters, the churn model and its parameters, backtest, skipped counts.
 * `--as-of` defaults to the day of the latest order, `--horizon-days` to the shop's derived horizon.
 * Unreadable input or bad arguments: throws, and app/cli/main.ts prints one line and exits non-zero.
 */
import { createReadStream, mkdirSync, statSync, writeFileSync, createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { analyzeOrders } from "../analytics/analyze";
import { newStats, readBulkOrders } from "../shopify/bulk-orders";
import { dayOf } from "../analytics/data/purchase-history";
import { OrderTable } from "../analytics/data/order-table";
import { buildRecommender } from "../analytics/recommendations";
import type { AnalysisResult, OrderInput } from "../analytics/types";

export interface AnalyzeArgs {
  input: string;
  asOf: Date | null;
  horizonDays: number | null;
  out: string;
  clusterK: number | null;
  recommendations: number;
}

const USAGE = "usage: analyze --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N --out DIR [--clusters K]";

export function parseAnalyzeArgs(argv: readonly string[]): AnalyzeArgs {
  let input: string | undefined;
  let out: string | undefined;
  let asOf: Date | null = null;
  let horizonDays: number | null = null;
  let clusterK: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} requires a value (${USAGE})`);
      return v;
    };
    if (a === "--input") input = value();
    else if (a === "--out") out = value();
    else if (a === "--as-of") {
      const v = value();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()))
        throw new Error(`--as-of must be a date YYYY-MM-DD, got ${v}`);
      asOf = new Date(`${v}T00:00:00Z`);
    } else if (a === "--horizon-days") {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new Error("--horizon-days must be a positive whole number of days");
      horizonDays = v;
    } else if (a === "--clusters") {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1 || v > 20) throw new Error("--clusters must be a whole number from 1 to 20");
      clusterK = v;
    } else throw new Error(`unknown argument ${a} (${USAGE})`);
  }
  if (!input) throw new Error(`--input is required (${USAGE})`);
  if (!out) throw new Error(`--out is required (${USAGE})`);
  return { input, out, asOf, horizonDays, clusterK, recommendations: 10 };
}

/** Reads the orders of a JSONL file up to the as-of day (all orders when asOf is null), one record each. */
export async function readOrdersFile(path: string, asOf: Date | null) {
  const orders: OrderInput[] = [];
  const read = await readOrders(path, asOf, (order) => orders.push(order));
  return { orders, ...read };
}

/**
 * The same, into a columnar table (app/analytics/data/order-table.ts): each parsed order is copied into typed
 * arrays and dropped, so a million orders take about 0.1 GB instead of over 1 GB of records.
 */
export async function readOrdersTable(path: string, asOf: Date | null) {
  const orders = new OrderTable();
  const read = await readOrders(path, asOf, (order) => orders.push(order));
  return { orders: orders.compact(), ...read };
}

async function readOrders(path: string, asOf: Date | null, keep: (order: OrderInput) => void) {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const stats = newStats();
  const stream = createReadStream(path, "utf8");
  let streamError: Error | null = null;
  stream.on("error", (e) => (streamError = e));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const asOfDay = asOf ? dayOf(asOf) : Infinity;
  let afterAsOf = 0;
  for await (const order of readBulkOrders(lines, stats, Infinity)) {
    if (dayOf(order.processedAt) > asOfDay) afterAsOf++;
    else keep(order);
  }
  if (streamError) throw new Error(`cannot read ${path}: ${(streamError as Error).message}`);
  if (stats.orders === 0) {
    const why = stats.problems[0]
      ? ` (${stats.skipped} bad line(s), first: ${stats.problems[0]})`
      : size === 0
        ? " (empty file)"
        : "";
    throw new Error(`no orders found in ${path}${why}`);
  }
  return { stats, afterAsOf };
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const r2 = (v: number) => Math.round(v * 100) / 100;
const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

async function writeLines(path: string, rows: Iterable<unknown>): Promise<void> {
  const out = createWriteStream(path, "utf8");
  let chunk: string[] = [];
  for (const row of rows) {
    chunk.push(JSON.stringify(row));
    if (chunk.length >= 1000) {
      if (!out.write(chunk.join("\n") + "\n")) await once(out, "drain");
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join("\n") + "\n");
  out.end();
  await once(out, "finish");
}

export function customerLine(c: AnalysisResult["customers"][number]) {
  return {
    customerId: c.customerId,
    orders: c.orders,
    recencyDays: c.recencyDays,
    monetary: r2(c.monetary),
    rfm: c.rfm,
    rfmSegment: c.rfmSegment,
    cluster: c.clusterName,
    churnProbability: r6(c.churnProbability),
    pAlive: r6(c.pAlive),
    expectedOrders: r6(c.expectedOrders),
    clv12m: r2(c.clv12m),
    nextOrderDate: isoDay(c.nextOrderDate),
    reasons: c.reasons,
    clusterKey: c.clusterKey,
    riskBand: c.riskBand,
    aov: r2(c.aov),
    typicalGapDays: c.typicalGapDays === null ? null : r2(c.typicalGapDays),
    firstOrderAt: isoDay(c.firstOrderAt),
    lastOrderAt: isoDay(c.lastOrderAt),
    nextOrderEarliest: isoDay(c.nextOrderEarliest),
    nextOrderLatest: isoDay(c.nextOrderLatest),
    clv12mLow: c.clv12mLow === null ? null : r2(c.clv12mLow),
    clv12mHigh: c.clv12mHigh === null ? null : r2(c.clv12mHigh),
    spendLow: r2(c.spendLow ?? 0),
    spendHigh: r2(c.spendHigh ?? 0),
    nextOrderLow: isoDay(c.nextOrderLow ?? null),
    nextOrderHigh: isoDay(c.nextOrderHigh ?? null),
    valueAtRisk: r2(c.valueAtRisk),
    pAliveKnown: c.pAliveKnown ?? true,
  };
}

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  const started = performance.now();
  const { orders, stats, afterAsOf } = await readOrdersTable(args.input, args.asOf);
  const readMs = Math.round(performance.now() - started);
  let asOf = args.asOf;
  if (!asOf) {
    let last = -Infinity;
    for (const at of orders.processedAt) last = Math.max(last, at);
    asOf = new Date(dayOf(new Date(last)) * 86_400_000);
  }
  const result = analyzeOrders(orders, { asOf, horizonDays: args.horizonDays ?? undefined, clusterK: args.clusterK });
  const t1 = performance.now();
  const clusterOf = new Map(result.customers.map((c) => [c.customerId, c.clusterKey]));
  const recommender = buildRecommender(orders, { clusterOf });
  mkdirSync(args.out, { recursive: true });
  await writeLines(
    join(args.out, "customers.jsonl"),
    (function* () {
      for (const c of result.customers) yield customerLine(c);
    })(),
  );
  await writeLines(
    join(args.out, "recommendations.jsonl"),
    (function* () {
      for (const c of result.customers)
        yield { customerId: c.customerId, productIds: recommender.forCustomer(c.customerId, args.recommendations) };
    })(),
  );
  const recsMs = Math.round(performance.now() - t1);
  const summary = {
    asOf: isoDay(asOf),
    horizonDays: result.horizonDays,
    customers: result.customers.length,
    metrics: result.metrics,
    clusters: result.clusters,
    model: result.model,
    bgnbd: result.bgnbd,
    gammaGamma: result.gammaGamma,
    backtest: result.backtest,
    skipped: { ...result.skipped, afterAsOf: (result.skipped.afterAsOf ?? 0) + afterAsOf, badLines: stats.skipped },
    input: { lines: stats.lines, orders: stats.orders, lineItems: stats.lineItems, problems: stats.problems },
    notes: result.notes ?? [],
    details: { ...result.details, readMs, recommendationsMs: recsMs },
  };
  writeFileSync(join(args.out, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  console.error(
    `analyzed ${result.customers.length} customers (${result.model}, horizon ${result.horizonDays} days) in ${Math.round(performance.now() - started)} ms -> ${args.out}`,
  );
  return 0;
}
