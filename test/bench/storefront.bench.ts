/**
 * `npm run bench:storefront`: the storefront's proxy routes under load, on the BUILT server
 * (`npm run build`, then remix-serve with NODE_ENV=production, as `npm start` runs it), on PostgreSQL.
 *
 * Two set-ups in one run: one app process; then two app processes sharing Redis (REDIS_URL: the events
 * budgets are shared), the load spread over both. For each, a fixed-rate load generator in its own
 * process (test/bench/storefront-load.ts) offers 50, 200 and 500 requests a second for BENCH_SECONDS
 * (default 10) to a static file (the baseline, same server, same run), GET /proxy/recommendations (a
 * logged-in shopper on a product page) and POST /proxy/events (a new visit's 4 impressions), signed as
 * Shopify signs them. Prints latency p50/p95/p99, the rate answered, statuses, the events the app said it
 * recorded against the rows stored (nothing lost), and each app process's RSS over the run.
 * A benchmark, not a test: it prints figures and fails only when something breaks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { buildAppIfStale, SERVER_BUILD } from "../../scripts/remix-serve";
import { freePort } from "../e2e/helpers/app-server";
import { createTestDb } from "../helpers/db";
import { REDIS_URL, redisReachable } from "../helpers/redis";
import { gidProduct, seedScore, seedShop } from "../integration/recommendations/fixtures";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? "50,200,500").split(",").map(Number);
const SECRET = "storefront-bench-secret";
const SHOPS = Array.from({ length: 5 }, (_, i) => `bench-sf-${process.pid}-${i}.myshopify.com`);
const root = process.cwd();

buildAppIfStale({ inherit: true, onBuild: () => console.log("building the app (remix vite:build)") });
const t = await createTestDb("postgres");
const db = t.db;
const customers: string[][] = [];
const products: string[][] = [];
for (const shop of SHOPS) {
  const seeded = await seedShop(db, { shop, products: 60, customers: 40 });
  for (const [i, c] of seeded.customers.entries())
    await seedScore(
      db,
      shop,
      c,
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => gidProduct(shop, ((n + i) % 60) + 1)),
    );
  customers.push(seeded.customers.map((c) => c.split("/").pop()!));
  products.push(seeded.products.map((p) => p.split("/").pop()!));
}
console.log(
  `storefront bench ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; PostgreSQL; ${SHOPS.length} shops x 60 products, 40 logged-in shoppers each; ${SECONDS} s a step`,
);

interface App {
  url: string;
  child: ChildProcess;
  rss: number[];
  sampler: NodeJS.Timeout;
}

async function startApp(redis: boolean): Promise<App> {
  const port = await freePort();
  const child = spawn(join(root, "node_modules/.bin/remix-serve"), [SERVER_BUILD], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: t.url,
      SHOPIFY_API_KEY: "bench-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SCOPES: "read_orders,read_customers,write_customers,read_products,write_app_proxy",
      REDIS_URL: redis ? REDIS_URL : "",
      CHURNLESS_DEMO: "",
    },
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${stderr}`);
    const ok = await fetch(`${url}/favicon.ico`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error(`the app did not answer in 60 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (m) rss.push(Number(m[1]) / 1024);
  }, 1000);
  return { url, child, rss, sampler };
}

async function stopApp(app: App) {
  clearInterval(app.sampler);
  const exited = new Promise((resolve) => app.child.once("exit", resolve));
  app.child.kill("SIGTERM");
  await exited;
}

const storedEvents = async () =>
  (await db.recEvent.aggregate({ where: { shop: { in: SHOPS } }, _sum: { count: true } }))._sum.count ?? 0;

/** CPU seconds (user + system) the process has used, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface LoadResult {
  sent: number;
  notSent: number;
  answered: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  offeredRps: number;
  answeredRps: number;
  recorded: number;
}

/** Runs the generator in its own process (this one keeps sampling memory meanwhile). */
function load(targets: string[], route: string, rate: number): Promise<LoadResult> {
  const spec = { targets, route, rate, seconds: SECONDS, secret: SECRET, shops: SHOPS, customers, products };
  const child = spawn(
    join(root, "node_modules/.bin/tsx"),
    [join(root, "test/bench/storefront-load.ts"), JSON.stringify(spec)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").pop()!) as LoadResult)
        : reject(new Error(`load generator failed (${code}): ${err}`)),
    ),
  );
}

const setups: Array<{ name: string; processes: number; redis: boolean }> = [
  { name: "1 process", processes: 1, redis: false },
];
if (await redisReachable()) setups.push({ name: "2 processes + Redis", processes: 2, redis: true });
else console.log(`Redis not reachable at ${REDIS_URL}: the 2-process set-up is skipped`);

let failed = false;
for (const setup of setups) {
  const apps: App[] = [];
  for (let i = 0; i < setup.processes; i++) apps.push(await startApp(setup.redis));
  console.log(`\n== ${setup.name} ==`);
  console.log(
    "route            rate  sent  answered/s   p50    p95    p99    max (ms)  app CPU ms/req  statuses    events",
  );
  for (const route of ["static", "recommendations", "events"]) {
    for (const rate of RATES) {
      const before = route === "events" ? await storedEvents() : 0;
      const cpuBefore = apps.map((a) => cpuSeconds(a.child.pid!));
      const r = await load(
        apps.map((a) => a.url),
        route,
        rate,
      );
      const cpu = apps.reduce((sum, a, i) => sum + cpuSeconds(a.child.pid!) - cpuBefore[i], 0);
      const cpuPerRequest = r.answered ? ((cpu * 1000) / r.answered).toFixed(1) : "-";
      let events = "";
      if (route === "events") {
        const stored = (await storedEvents()) - before;
        // Stored more than acknowledged: answers the generator gave up on (timeouts) were stored anyway.
        events = `acknowledged ${r.recorded}, stored ${stored}${stored < r.recorded ? " LOST" : ""}, ${Math.round(stored / SECONDS)}/s`;
        if (stored < r.recorded) failed = true;
      }
      const errors = Object.entries(r.statuses).filter(([s]) => !/^2\d\d$/.test(s));
      console.log(
        `${route.padEnd(16)} ${String(rate).padStart(4)} ${String(r.sent).padStart(5)} ${String(r.answeredRps).padStart(9)}  ${[r.p50, r.p95, r.p99, r.max].map((v) => String(v).padStart(6)).join(" ")}  ${cpuPerRequest.padStart(8)}  ${JSON.stringify(r.statuses)} ${events}${r.notSent ? ` (${r.notSent} not sent: over ${2000} in flight)` : ""}`,
      );
      if (errors.length) console.log(`   non-2xx: ${JSON.stringify(Object.fromEntries(errors))}`);
    }
  }
  for (const [i, a] of apps.entries()) {
    const first = a.rss.slice(0, 3);
    console.log(
      `process ${i + 1} RSS: start ${Math.round(Math.min(...first))} MB, max ${Math.round(Math.max(...a.rss))} MB, end ${Math.round(a.rss[a.rss.length - 1])} MB over ${a.rss.length} s`,
    );
  }
  for (const a of apps) await stopApp(a);
}
await t.cleanup();
process.exit(failed ? 1 : 0);
