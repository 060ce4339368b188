/**
 * `npm run bench:analyze [-- --sizes 10000,100000]`: the analysis on generated shops (about 10 orders
 * per customer): time per stage and peak RSS, printed as a table. Sizes default to 10k and 100k
 * customers; run the 100k case sparingly (about a minute and 1-2 GB on a laptop).
 */
import { analyzeOrders } from "../../app/analytics/analyze";
import { buildRecommender } from "../../app/analytics/recommendations";
import { generateShop } from "../helpers/generate-orders";

const arg = process.argv.indexOf("--sizes");
const sizes = arg > 0 ? process.argv[arg + 1].split(",").map(Number) : [10_000, 100_000];
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface Row {
  customers: number;
  orders: number;
  stages: Record<string, number>;
  totalMs: number;
  peakRssMb: number;
  model: string;
}

const rows: Row[] = [];
for (const customers of sizes) {
  const t0 = performance.now();
  const shop = generateShop({
    customers,
    ordersPerCustomer: 10,
    products: 500,
    seed: 3,
    end: new Date("2024-12-31T00:00:00Z"),
  });
  const generateMs = Math.round(performance.now() - t0);
  const t1 = performance.now();
  const result = analyzeOrders(shop.orders, { asOf: new Date("2024-12-31T00:00:00Z") });
  const analyzeMs = Math.round(performance.now() - t1);
  const t2 = performance.now();
  const recommender = buildRecommender(shop.orders, {
    products: shop.products,
    clusterOf: new Map(result.customers.map((c) => [c.customerId, c.clusterKey])),
  });
  for (const c of result.customers) recommender.forCustomer(c.customerId, 10);
  const recsMs = Math.round(performance.now() - t2);
  const stages = {
    generate: generateMs,
    ...((result.details?.timingsMs as Record<string, number>) ?? {}),
    recommendations: recsMs,
  };
  rows.push({
    customers: result.customers.length,
    orders: shop.orders.length,
    stages,
    totalMs: analyzeMs + recsMs,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    model: result.model,
  });
}

const stageNames = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
const header = ["customers", "orders", ...stageNames.map((s) => `${s} ms`), "analysis+recs ms", "peak RSS MB", "model"];
const table = rows.map((r) =>
  [r.customers, r.orders, ...stageNames.map((s) => r.stages[s] ?? ""), r.totalMs, r.peakRssMb, r.model].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
console.log(line(header));
for (const t of table) console.log(line(t));
