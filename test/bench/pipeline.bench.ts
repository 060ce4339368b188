/**
 * `npm run bench`: the pipeline end to end on generated shops of 10k, 100k and 1M orders, each size in
 * its own process (so peak RSS is that size's): time per stage and peak RSS, printed as a table with the
 * machine it ran on. Stages:
 *   export   the demo shop streamed to a bulk-operation JSONL file (what Shopify's bulk query returns)
 *   ingest   that file, as raw chunks, through the app's parser into a fresh SQLite database (the sync's path)
 *   analyze  runAnalyze (the analysis job, database to scores): load, features, RFM, clusters, BG/NBD +
 *            churn, CLV, metrics, recommendations, saved; in a process of its own, so its peak RSS is the
 *            job's alone (not the ingest's), and with Node's default heap limit (no --max-old-space-size)
 *   preview  runPublish in preview against the stand-in (reads every customer's tags, diffs, writes nothing)
 *   npm run bench -- --sizes 10000,100000 [--db sqlite,postgres]
 * PostgreSQL: a fresh database on TEST_PG_URL's server (default postgresql://postgres@127.0.0.1:5432),
 * dropped afterwards. The load average is printed with each size (the figures are noisy on a shared machine).
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

const SHOP = "bench-shop.myshopify.com";
const args = process.argv.slice(2);
const childSize = args.includes("--child") ? Number(args[args.indexOf("--child") + 1]) : null;
const analyzeUrl = args.includes("--analyze") ? args[args.indexOf("--analyze") + 1] : null;
const dbKind = args.includes("--db") ? args[args.indexOf("--db") + 1] : "sqlite";
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface StageResult {
  stage: string;
  seconds: number;
  rssMb: number;
  note: string;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The analysis job alone, in this process: prints its stage result as JSON. */
async function analyzeOnly(url: string) {
  const { createDb } = await import("../../app/db.server");
  const db = createDb(url);
  const t0 = performance.now();
  const { runAnalyze } = await import("../../app/jobs/analyze/run.server");
  const r = await runAnalyze(db, SHOP);
  const seconds = (performance.now() - t0) / 1000;
  const run = await db.syncRun.findFirst({
    where: { shop: SHOP, kind: "analyze" },
    orderBy: { startedAt: "desc" },
    select: { detailsJson: true },
  });
  await db.$disconnect();
  const details = JSON.parse(run?.detailsJson ?? "{}") as { timingsMs?: Record<string, number> };
  const steps = Object.entries(details.timingsMs ?? {})
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
  const result: StageResult = {
    stage: "analyze",
    seconds,
    rssMb: peakRssMb(),
    note: `${r.customers} customers, model ${r.model}; ${steps}`,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A fresh database of the benchmark's kind: its URL and how to drop it. */
async function benchDatabase(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dbKind !== "postgres") return { url: `file:${join(dir, "bench.sqlite")}`, drop: async () => undefined };
  const { default: pg } = await import("pg");
  const name = `churnless_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A stage's figures as soon as it ends (a later stage's failure does not lose them). */
const shown = (s: StageResult) =>
  console.error(
    `  ${dbKind} ${s.stage}: ${s.seconds.toFixed(1)} s, ${s.rssMb.toFixed(0)} MB, ${s.note} (load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")})`,
  );

async function child(orders: number) {
  const dir = mkdtempSync(join(tmpdir(), "churnless-bench-"));
  const database = await benchDatabase(dir);
  const out: StageResult[] = [];
  const stage = async <T>(name: string, work: () => Promise<T>, note: (r: T) => string) => {
    const t0 = performance.now();
    const r = await work();
    out.push({ stage: name, seconds: (performance.now() - t0) / 1000, rssMb: peakRssMb(), note: note(r) });
    shown(out[out.length - 1]);
    return r;
  };
  try {
    const { generateDemoShopStream } = await import("../../packages/shopify-standin/src/demo-shop");
    const { writeBulkJsonl } = await import("../../packages/shopify-standin/src/bulk-jsonl");
    const file = join(dir, "orders.jsonl");
    const stream = generateDemoShopStream({ shop: SHOP, orders, seed: 1 });
    await stage(
      "export",
      () => writeBulkJsonl(stream, file),
      (r) => `${r.orders} orders, ${r.lineItems} line items, ${(r.bytes / 1e6).toFixed(0)} MB`,
    );

    const url = database.url;
    const { migrateDatabase } = await import("../../app/db/migrate.server");
    await migrateDatabase(url);
    const { createDb } = await import("../../app/db.server");
    const db = createDb(url);
    const { importOrderLines } = await import("../../app/jobs/sync/run.server");
    await stage(
      "ingest",
      () => importOrderLines(db, SHOP, { chunks: createReadStream(file) }),
      (r) => `${r.ordersCount} orders stored`,
    );
    const ingestSeconds = out[out.length - 1].seconds;
    out[out.length - 1].note += ` (${Math.round(orders / ingestSeconds).toLocaleString("en")} orders/s)`;

    // The analysis job in a process of its own (its peak RSS alone), with Node's default heap limit.
    const analysis = spawnSync(
      process.execPath,
      ["--import", "tsx", "test/bench/pipeline.bench.ts", "--analyze", url],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const line = analysis.stdout.trim().split("\n").pop() ?? "";
    if (analysis.status !== 0 || !line.startsWith("{"))
      throw new Error(`the analysis process failed (exit ${analysis.status})`);
    out.push(JSON.parse(line) as StageResult);
    shown(out[out.length - 1]);

    const { startStandin } = await import("../../packages/shopify-standin/src/server");
    // The stand-in holds the shop's customers and products (the preview reads customers' tags only).
    const standin = await startStandin({
      shops: [
        {
          shop: SHOP,
          currencyCode: stream.currencyCode,
          products: stream.products,
          customers: stream.customers,
          orders: [],
        },
      ],
      bucketSize: 20_000, // Shopify Plus figures
      restoreRate: 1_000,
    });
    const { createAdminClient } = await import("../../app/shopify/client.server");
    const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
    const { runPublish } = await import("../../app/jobs/publish/run.server");
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
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function parent() {
  const sizesArg = args.includes("--sizes") ? args[args.indexOf("--sizes") + 1] : "10000,100000,1000000";
  const sizes = sizesArg.split(",").map(Number);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const kinds = dbKind.split(",");
  console.log(
    `Churnless pipeline benchmark: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}, ${kinds.join(" and ")}`,
  );
  const rows: string[] = [
    "| database | orders | stage | seconds | peak RSS (MB) | | load (1/5/15 min) |",
    "|---|---:|---|---:|---:|---|---|",
  ];
  for (const kind of kinds)
    for (const size of sizes) {
      console.error(`running ${size.toLocaleString("en")} orders on ${kind} ...`);
      const r = spawnSync(
        process.execPath,
        ["--import", "tsx", "test/bench/pipeline.bench.ts", "--child", String(size), "--db", kind],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const last = r.stdout.trim().split("\n").pop() ?? "";
      if (r.status !== 0 || !last.startsWith("[")) {
        rows.push(`| ${kind} | ${size.toLocaleString("en")} | FAILED (exit ${r.status}) | | | | |`);
        continue;
      }
      const load = loadavg()
        .map((l) => l.toFixed(1))
        .join(" ");
      for (const s of JSON.parse(last) as StageResult[]) {
        rows.push(
          `| ${kind} | ${size.toLocaleString("en")} | ${s.stage} | ${s.seconds.toFixed(1)} | ${s.rssMb.toFixed(0)} | ${s.note} | ${load} |`,
        );
      }
    }
  console.log(rows.join("\n"));
}

if (analyzeUrl !== null) await analyzeOnly(analyzeUrl);
else if (childSize !== null) await child(childSize);
else parent();
