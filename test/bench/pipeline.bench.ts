/**
 * `npm run bench`: the pipeline end to end on generated shops of 10k, 100k and 1M orders, each size in
 * its own process (so peak RSS is that size's): time per stage and peak RSS, printed as a table with the
 * machine it ran on. Stages:
 *   export   the demo shop streamed to a bulk-operation JSONL file (what Shopify's bulk query returns)
 *   ingest   that file, as raw chunks, through the app's parser into a fresh SQLite database (the sync's path)
 *   analyze  runAnalyze: features, RFM, clusters, BG/NBD + churn, CLV, metrics, recommendations, saved
 *   preview  runPublish in preview against the stand-in (reads every customer's tags, diffs, writes nothing)
 *   npm run bench -- --sizes 10000,100000
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

const SHOP = "bench-shop.myshopify.com";
const args = process.argv.slice(2);
const childSize = args.includes("--child") ? Number(args[args.indexOf("--child") + 1]) : null;

interface StageResult {
  stage: string;
  seconds: number;
  rssMb: number;
  note: string;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function child(orders: number) {
  const dir = mkdtempSync(join(tmpdir(), "churnless-bench-"));
  const out: StageResult[] = [];
  const stage = async <T>(name: string, work: () => Promise<T>, note: (r: T) => string) => {
    const t0 = performance.now();
    const r = await work();
    out.push({ stage: name, seconds: (performance.now() - t0) / 1000, rssMb: peakRssMb(), note: note(r) });
    return r;
  };
  try {
    const { generateDemoShopStream } = await import("../standin/demo-shop");
    const { writeBulkJsonl } = await import("../standin/bulk-jsonl");
    const file = join(dir, "orders.jsonl");
    const stream = generateDemoShopStream({ shop: SHOP, orders, seed: 1 });
    await stage("export", () => writeBulkJsonl(stream, file), (r) => `${r.orders} orders, ${r.lineItems} line items, ${(r.bytes / 1e6).toFixed(0)} MB`);

    const url = `file:${join(dir, "bench.sqlite")}`;
    const { migrateDatabase } = await import("../../app/db/migrate.server");
    await migrateDatabase(url);
    const { createDb } = await import("../../app/db.server");
    const db = createDb(url);
    const { importOrderLines } = await import("../../app/jobs/sync.server");
    await stage(
      "ingest",
      () => importOrderLines(db, SHOP, { chunks: createReadStream(file) }),
      (r) => `${r.ordersCount} orders stored`,
    );
    const ingestSeconds = out[out.length - 1].seconds;
    out[out.length - 1].note += ` (${Math.round(orders / ingestSeconds).toLocaleString("en")} orders/s)`;

    const { runAnalyze } = await import("../../app/jobs/analyze.server");
    await stage("analyze", () => runAnalyze(db, SHOP), (r) => `${r.customers} customers, model ${r.model}`);

    const { startStandin } = await import("../standin/server");
    // The stand-in holds the shop's customers and products (the preview reads customers' tags only).
    const standin = await startStandin({
      shops: [{ shop: SHOP, currencyCode: stream.currencyCode, products: stream.products, customers: stream.customers, orders: [] }],
      bucketSize: 20_000, // Shopify Plus figures
      restoreRate: 1_000,
    });
    const { createAdminClient } = await import("../../app/shopify/client.server");
    const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
    const { runPublish } = await import("../../app/jobs/publish.server");
    await stage(
      "preview",
      () => runPublish(db, admin, SHOP, { preview: true }),
      (r) =>
        `${admin.stats.calls} API calls, ${admin.stats.costPoints} cost points; ` +
        Object.entries(r.timings)
          .filter(([, ms]) => ms >= 100)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(", "),
    );
    await standin.close();
    await db.$disconnect();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function parent() {
  const sizesArg = args.includes("--sizes") ? args[args.indexOf("--sizes") + 1] : "10000,100000,1000000";
  const sizes = sizesArg.split(",").map(Number);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`Churnless pipeline benchmark: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}, SQLite`);
  const rows: string[] = ["| orders | stage | seconds | peak RSS (MB) | |", "|---:|---|---:|---:|---|"];
  for (const size of sizes) {
    console.error(`running ${size.toLocaleString("en")} orders ...`);
    const r = spawnSync(process.execPath, ["--import", "tsx", "--max-old-space-size=4096", "test/bench/pipeline.bench.ts", "--child", String(size)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !last.startsWith("[")) {
      rows.push(`| ${size.toLocaleString("en")} | FAILED (exit ${r.status}) | | | |`);
      continue;
    }
    for (const s of JSON.parse(last) as StageResult[]) {
      rows.push(`| ${size.toLocaleString("en")} | ${s.stage} | ${s.seconds.toFixed(1)} | ${s.rssMb.toFixed(0)} | ${s.note} |`);
    }
  }
  console.log(rows.join("\n"));
}

if (childSize !== null) await child(childSize);
else parent();
