/**
 * `npx tsx test/bench/many-shops.bench.ts [--shops 50 --min 2000 --max 20000 --workers 1,2,4 --big 0 --big-workers 2 --timeout-min 30]`:
 * many shops installing at once. The stand-in holds `--shops` demo shops of `--min`..`--max` orders
 * (spread evenly, seeded); for each worker count a fresh PostgreSQL database and Redis queue, every shop
 * installs (an offline session, then the install's full-sync job: first sync, analysis, preview) and real
 * `npm run worker` processes (app/jobs/runtime/worker.ts, WORKER_CONCURRENCY=1) drain the BullMQ queue.
 * Prints per worker count: total time, jobs (shops) per minute, install-to-first-dashboard time
 * (enqueue to the analysis saved: p50, p95, max), peak RSS of each worker process (VmHWM), Admin API
 * cost points per shop (stand-in's actual cost), and with `--big N` one extra shop of N orders enqueued
 * first: how long the small shops waited with it (no shop may hold the others back beyond its worker).
 * With `--big-workers`, only those rounds have the big shop and the `--workers` rounds run without it, so one
 * run compares e.g. 50 shops on 1 worker with the same 50 plus the big shop on 2.
 * Redis and PostgreSQL on 127.0.0.1 (REDIS_URL / TEST_PG_URL to change); uses Redis database 11.
 * A benchmark (figures, bounded by --timeout-min), not a test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import pg from "pg";
import { Redis } from "ioredis";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { BullMqQueue } from "../../app/jobs/runtime/queue.server";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";
import type { StandinShopData } from "../../packages/shopify-standin/src/types";

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const SHOPS = num("--shops", 50);
const MIN = num("--min", 2000);
const MAX = num("--max", 20000);
const BIG = num("--big", 0);
const TIMEOUT_MS = num("--timeout-min", 30) * 60_000;
const WORKERS = (args.includes("--workers") ? args[args.indexOf("--workers") + 1] : "1,2,4").split(",").map(Number);
const BIG_WORKERS = args.includes("--big-workers")
  ? args[args.indexOf("--big-workers") + 1].split(",").map(Number)
  : null;
const REDIS_BASE = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const REDIS_URL = `${REDIS_BASE.replace(/\/\d+$/, "")}/11`;
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BIG_SHOP = "big-shop.myshopify.com";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** Peak RSS (VmHWM) of a running process, in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `churnless_shops_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  await migrateDatabase(url);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface RoundResult {
  workers: number;
  totalSeconds: number;
  done: number;
  failed: string[];
  dashboardSeconds: number[];
  bigDashboardSeconds: number | null;
  rssMb: number[];
  costPerShop: number[];
}

async function round(standin: Standin, shops: StandinShopData[], workers: number): Promise<RoundResult> {
  const database = await freshDatabase();
  const db: Db = createDb(database.url);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  const procs: ChildProcess[] = [];
  const costFrom = new Map(shops.map((s) => [s.shop, standin.calls(s.shop).length]));
  try {
    // Install: the offline session (what OAuth leaves), then the install's job, biggest shop first.
    for (const s of shops) {
      await db.session.create({
        data: {
          id: `offline_${s.shop}`,
          shop: s.shop,
          state: "x",
          isOnline: false,
          accessToken: standin.tokenFor(s.shop),
          scope: "read_orders,read_customers,write_customers,read_products",
        },
      });
    }
    const env = {
      ...process.env,
      REDIS_URL,
      DATABASE_URL: database.url,
      SHOPIFY_ADMIN_API_BASE_URL: standin.url,
      SHOPIFY_API_KEY: "bench-api-key",
      SHOPIFY_API_SECRET: "bench-api-secret",
      SHOPIFY_APP_URL: "https://churnless.example.com",
      WORKER_CONCURRENCY: "1",
      // The stand-in's URL is accepted only in tests and demo mode (app/env.server.ts).
      NODE_ENV: "test" as const,
    };
    const ready: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) {
      const p = spawn(process.execPath, ["--import", "tsx", "app/jobs/runtime/worker.ts"], {
        env: { ...env, WORKER_ID: `bench-${w}` },
        stdio: ["ignore", "ignore", "pipe"],
      });
      ready.push(
        new Promise((resolve, reject) => {
          p.once("exit", (code) => reject(new Error(`worker ${w} exited (code ${code}) before listening`)));
          p.stderr?.on("data", (d: Buffer) => {
            const text = d.toString();
            if (/listening on/.test(text)) resolve();
            if (/fail|error/i.test(text)) process.stderr.write(`[worker ${w}] ${text}`);
          });
        }),
      );
      procs.push(p);
    }
    // The clock starts once every worker listens: a worker's start-up is not part of an install.
    await Promise.all(ready);
    const queue = await BullMqQueue.connect(REDIS_URL);
    const enqueuedAt = new Map<string, number>();
    const started = Date.now();
    for (const s of shops) {
      enqueuedAt.set(s.shop, Date.now());
      await queue.enqueue({ shop: s.shop, kind: "full-sync" });
    }
    await queue.close();
    const rss = new Map<number, number>();
    const dashboardAt = new Map<string, number>();
    const finished = new Set<string>();
    const failed = new Set<string>();
    while (finished.size + failed.size < shops.length && Date.now() - started < TIMEOUT_MS) {
      await sleep(1000);
      if (procs.every((p) => p.exitCode !== null))
        throw new Error("every worker process exited (see its output above)");
      for (const p of procs) if (p.pid && p.exitCode === null) rss.set(p.pid, peakRssMb(p.pid));
      const runs = await db.syncRun.findMany({
        where: { kind: { in: ["analyze", "preview", "publish"] } },
        select: { shop: true, kind: true, status: true, finishedAt: true },
      });
      for (const r of runs) {
        if (r.kind === "analyze" && r.status === "succeeded" && r.finishedAt)
          dashboardAt.set(r.shop, r.finishedAt.getTime());
        if (r.kind !== "analyze" && r.status === "succeeded") finished.add(r.shop);
      }
      const failedRuns = await db.syncRun.findMany({ where: { status: "failed" }, select: { shop: true } });
      for (const f of failedRuns) if (!finished.has(f.shop)) failed.add(f.shop);
    }
    const totalSeconds = (Date.now() - started) / 1000;
    for (const p of procs) if (p.pid && p.exitCode === null) rss.set(p.pid, peakRssMb(p.pid));
    const small = shops.filter((s) => s.shop !== BIG_SHOP && dashboardAt.has(s.shop));
    return {
      workers,
      totalSeconds,
      done: finished.size,
      failed: [...failed],
      dashboardSeconds: small.map((s) => (dashboardAt.get(s.shop)! - enqueuedAt.get(s.shop)!) / 1000),
      bigDashboardSeconds: dashboardAt.has(BIG_SHOP)
        ? (dashboardAt.get(BIG_SHOP)! - enqueuedAt.get(BIG_SHOP)!) / 1000
        : null,
      rssMb: [...rss.values()],
      costPerShop: shops.map((s) =>
        standin
          .calls(s.shop)
          .slice(costFrom.get(s.shop))
          .reduce((sum, c) => sum + c.actualCost, 0),
      ),
    };
  } finally {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            p.once("exit", () => resolve());
            p.kill("SIGTERM");
            setTimeout(() => p.kill("SIGKILL"), 30_000).unref();
          }),
      ),
    );
    await redis.flushdb();
    redis.disconnect();
    await db.$disconnect();
    await database.drop();
  }
}

async function main() {
  const sizes = Array.from({ length: SHOPS }, (_, i) => Math.round(MIN + ((MAX - MIN) * i) / Math.max(1, SHOPS - 1)));
  console.error(
    `generating ${SHOPS} shops (${sizes.reduce((a, b) => a + b, 0).toLocaleString("en")} orders)${BIG ? ` and one of ${BIG.toLocaleString("en")}` : ""} ...`,
  );
  const shops: StandinShopData[] = [];
  if (BIG) shops.push(generateDemoShop({ shop: BIG_SHOP, orders: BIG, seed: 999 }));
  sizes.forEach((orders, i) =>
    shops.push(
      generateDemoShop({ shop: `shop-${String(i + 1).padStart(3, "0")}.myshopify.com`, orders, seed: 100 + i }),
    ),
  );
  // Shopify's standard plan limits (1,000 points, 50 points/s restore), per shop.
  const standin = await startStandin({ shops, bucketSize: 1000, restoreRate: 50 });
  console.log(
    `Many shops: ${SHOPS} shops of ${MIN.toLocaleString("en")}-${MAX.toLocaleString("en")} orders${BIG ? ` + one of ${BIG.toLocaleString("en")} (enqueued first)` : ""}, ` +
      `BullMQ on Redis, PostgreSQL; ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  const rows = [
    "| workers | total s | shops/min | dashboard p50 s | p95 s | max s | big shop s | peak RSS per worker MB | cost points/shop (mean, max) | failed | load (1/5/15) |",
    "|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|",
  ];
  // Without --big-workers every round has the big shop (if any); with it, only those rounds do.
  const small = shops.filter((s) => s.shop !== BIG_SHOP);
  const rounds = BIG_WORKERS
    ? [...WORKERS.map((w) => ({ w, list: small })), ...BIG_WORKERS.map((w) => ({ w, list: shops }))]
    : WORKERS.map((w) => ({ w, list: shops }));
  try {
    for (const { w, list } of rounds) {
      console.error(`${w} worker(s)${list.length > small.length ? " with the big shop" : ""} ...`);
      const r = await round(standin, list, w);
      const d = r.dashboardSeconds;
      const meanCost = r.costPerShop.reduce((a, b) => a + b, 0) / r.costPerShop.length;
      rows.push(
        `| ${w} | ${r.totalSeconds.toFixed(0)} | ${((r.done / r.totalSeconds) * 60).toFixed(1)} | ${quantile(d, 0.5).toFixed(0)} | ${quantile(d, 0.95).toFixed(0)} | ` +
          `${Math.max(...d).toFixed(0)} | ${r.bigDashboardSeconds?.toFixed(0) ?? "-"} | ${r.rssMb.map((m) => m.toFixed(0)).join(", ")} | ` +
          `${meanCost.toFixed(0)}, ${Math.max(...r.costPerShop)} | ${r.failed.length + (list.length - r.done - r.failed.length)} | ${loadavg()
            .map((l) => l.toFixed(1))
            .join(" ")} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  } finally {
    await standin.close();
  }
  console.log(rows.join("\n"));
}

await main();
