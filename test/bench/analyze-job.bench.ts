/**
 * The analysis job's memory: `runAnalyze` (database to scores, reorder rows included) on a
 * seeded demo shop in SQLite, each run in a process of its own, with Node's default heap limit. Prints
 * peak RSS (the process's maxRSS when the job returns), the largest RSS sampled every 0.25 s from outside
 * (/proc: Linux), the job's steps and the load average. Figures, not a test.
 *   npx tsx test/bench/analyze-job.bench.ts --orders 1000000 --db /tmp/shop1m.sqlite [--trees DIR,DIR] [--as-of 2026-12-01]
 * The database is seeded once (the demo shop, seed 1, through the export and the sync's ingest, as
 * `npm run bench` does) and copied for each run, so every run starts from the same rows. `--trees` runs the
 * job of other checkouts of the app (e.g. `git archive <commit> | tar -x -C DIR` with a node_modules link)
 * one after the other on the same copy: before and after in one run. Default: this checkout.
 * `--trace FILE` also writes every RSS sample (seconds since the start, MB, run) to FILE as TSV, so a
 * run's peak can be placed against its steps.
 */
import { spawn } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SHOP = "bench-shop.myshopify.com";
const ROOT = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

/** In the child: the job of `tree` on `url`, then one JSON line. */
async function runJob(tree: string, url: string, asOf: string) {
  const { createDb } = (await import(join(tree, "app/db.server.ts"))) as typeof import("../../app/db.server");
  const { runAnalyze } = (await import(
    join(tree, "app/jobs/analyze/run.server.ts")
  )) as typeof import("../../app/jobs/analyze/run.server");
  const db = createDb(url);
  const t0 = performance.now();
  const r = await runAnalyze(db, SHOP, { asOf: new Date(`${asOf}T00:00:00Z`) });
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const run = await db.syncRun.findFirst({
    where: { shop: SHOP, kind: "analyze" },
    orderBy: { startedAt: "desc" },
    select: { detailsJson: true },
  });
  await db.$disconnect();
  const timings = (JSON.parse(run?.detailsJson ?? "{}") as { timingsMs?: Record<string, number> }).timingsMs ?? {};
  console.log(JSON.stringify({ customers: r.customers, seconds, maxRssMb, timings }));
}

/** Seeds the demo shop of `orders` orders into a fresh SQLite file. */
async function seed(file: string, orders: number) {
  const dir = mkdtempSync(join(tmpdir(), "churnless-analyze-job-"));
  try {
    const { generateDemoShopStream } = await import("../../packages/shopify-standin/src/demo-shop");
    const { writeBulkJsonl } = await import("../../packages/shopify-standin/src/bulk-jsonl");
    const jsonl = join(dir, "orders.jsonl");
    await writeBulkJsonl(generateDemoShopStream({ shop: SHOP, orders, seed: 1 }), jsonl);
    const url = `file:${file}`;
    const { migrateDatabase } = await import("../../app/db/migrate.server");
    await migrateDatabase(url);
    const { createDb } = await import("../../app/db.server");
    const db = createDb(url);
    const { importOrderLines } = await import("../../app/jobs/sync/run.server");
    await importOrderLines(db, SHOP, { chunks: createReadStream(jsonl) });
    await db.$disconnect();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest VmRSS of a process, sampled every 0.25 s until it exits, and its output. */
function sampled(
  cmd: string,
  cmdArgs: string[],
  cwd: string,
  trace?: (seconds: number, mb: number) => void,
): Promise<{ out: string; sampledMb: number; code: number }> {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, { cwd, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let sampledMb = 0;
    const started = performance.now();
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setInterval(() => {
      let text = "";
      try {
        text = readFileSync(`/proc/${child.pid}/status`, "utf8");
      } catch (error) {
        // The process may end between two samples (its status file is gone): its last sample then stands.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      const kb = Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0);
      sampledMb = Math.max(sampledMb, kb / 1024);
      if (kb) trace?.((performance.now() - started) / 1000, kb / 1024);
    }, 250);
    child.on("exit", (code) => {
      clearInterval(timer);
      done({ out, sampledMb, code: code ?? 1 });
    });
  });
}

if (args[0] === "--child") await runJob(args[1], args[2], args[3]);
else {
  const orders = Number(arg("--orders") ?? 100_000);
  const file = resolve(arg("--db") ?? join(tmpdir(), `churnless-analyze-job-${orders}.sqlite`));
  const asOf = arg("--as-of") ?? "2026-12-01";
  const trees = (arg("--trees") ?? ROOT).split(",").map((t) => resolve(t));
  const traceFile = arg("--trace");
  if (traceFile) writeFileSync(traceFile, "seconds\tmb\trun\n");
  if (!existsSync(file)) {
    console.error(`seeding ${orders.toLocaleString("en")} orders into ${file} ...`);
    await seed(file, orders);
  }
  console.log(
    `analysis job on ${file} (${orders.toLocaleString("en")} orders), as-of ${asOf}, Node ${process.version}`,
  );
  console.log("| tree | peak RSS MB | sampled MB | seconds | steps (s) | load before -> after |");
  console.log("|---|---:|---:|---:|---|---|");
  for (const [run, tree] of trees.entries()) {
    const copy = `${file}.run.sqlite`;
    copyFileSync(file, copy);
    const before = load();
    const r = await sampled(
      process.execPath,
      ["--import", "tsx", join(ROOT, "test/bench/analyze-job.bench.ts"), "--child", tree, `file:${copy}`, asOf],
      tree,
      traceFile
        ? (seconds, mb) => appendFileSync(traceFile, `${seconds.toFixed(2)}\t${mb.toFixed(0)}\t${run + 1}\n`)
        : undefined,
    );
    rmSync(copy, { force: true });
    const line = r.out.trim().split("\n").pop() ?? "";
    if (r.code !== 0 || !line.startsWith("{")) {
      console.log(`| ${tree} | FAILED (exit ${r.code}) | | | | ${before} -> ${load()} |`);
      continue;
    }
    const j = JSON.parse(line) as { seconds: number; maxRssMb: number; timings: Record<string, number> };
    const steps = Object.entries(j.timings)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`)
      .join(", ");
    console.log(
      `| ${tree} | ${j.maxRssMb.toFixed(0)} | ${r.sampledMb.toFixed(0)} | ${j.seconds.toFixed(1)} | ${steps} | ${before} -> ${load()} |`,
    );
  }
}
