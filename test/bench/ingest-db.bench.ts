/**
 * `npx tsx test/bench/ingest-db.bench.ts [-- --orders 100000 --db sqlite,postgres --rounds 2 --trees .,../old]`:
 * the sync's ingest alone (a bulk JSONL file -> importOrderLines -> fresh database), SQLite and PostgreSQL
 * alternately in one run, so that their ratio is measured under the same load. The file (the generated demo
 * shop's bulk export) is written once; each measurement runs in a process of its own on a fresh database
 * (PostgreSQL: a new database on TEST_PG_URL's server, dropped afterwards). With `--trees`, each round also
 * alternates between checkouts of the app (their app/ code, this script's driver): old and new code in the
 * same run. Prints seconds, orders/s and PostgreSQL's rate as a share of SQLite's per round and tree, with
 * the load average. A benchmark (figures), not a test.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SHOP = "bench-shop.myshopify.com";
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** One ingest of `file` into a fresh database of `kind`, with the app code of `tree`: prints its seconds. */
async function child(tree: string, kind: string, file: string) {
  const dir = mkdtempSync(join(tmpdir(), "churnless-ingest-"));
  let url = `file:${join(dir, "bench.sqlite")}`;
  let drop = async () => undefined as unknown;
  if (kind === "postgres") {
    const { default: pg } = await import("pg");
    const name = `churnless_ingest_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  try {
    const { migrateDatabase } = (await import(
      join(tree, "app/db/migrate.server.ts")
    )) as typeof import("../../app/db/migrate.server");
    await migrateDatabase(url, tree);
    const { createDb } = (await import(join(tree, "app/db.server.ts"))) as typeof import("../../app/db.server");
    const { importOrderLines } = (await import(
      join(tree, "app/jobs/sync/run.server.ts")
    )) as typeof import("../../app/jobs/sync/run.server");
    const db = createDb(url);
    const t0 = performance.now();
    const r = await importOrderLines(db, SHOP, { chunks: createReadStream(file) });
    const seconds = (performance.now() - t0) / 1000;
    await db.$disconnect();
    process.stdout.write(`${JSON.stringify({ seconds, orders: r.ordersCount, lineItems: r.lineItemsCount })}\n`);
  } finally {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function parent() {
  const orders = Number(arg("--orders", "100000"));
  const kinds = arg("--db", "sqlite,postgres").split(",");
  const rounds = Number(arg("--rounds", "2"));
  const trees = arg("--trees", ".")
    .split(",")
    .map((t) => resolve(t));
  const dir = mkdtempSync(join(tmpdir(), "churnless-ingest-file-"));
  const file = join(dir, "orders.jsonl");
  try {
    const { generateDemoShopStream } = await import("../../packages/shopify-standin/src/demo-shop");
    const { writeBulkJsonl } = await import("../../packages/shopify-standin/src/bulk-jsonl");
    const w = await writeBulkJsonl(generateDemoShopStream({ shop: SHOP, orders, seed: 1 }), file);
    console.log(
      `Ingest alone, ${w.orders.toLocaleString("en")} orders (${w.lineItems.toLocaleString("en")} line items, ` +
        `${(w.bytes / 1e6).toFixed(0)} MB): ${kinds.join(" and ")} alternately, ${rounds} round(s); ` +
        `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}`,
    );
    const rows = [
      `| round | tree | ${kinds.map((k) => `${k} s (orders/s)`).join(" | ")} | ${kinds.length === 2 ? `${kinds[1]}/${kinds[0]} rate | ` : ""}load (1/5/15) |`,
      `|---:|---|${kinds.map(() => "---:|").join("")}${kinds.length === 2 ? "---:|" : ""}---|`,
    ];
    for (let round = 1; round <= rounds; round++)
      for (const tree of trees) {
        const seconds: number[] = [];
        for (const kind of kinds) {
          const r = spawnSync(
            process.execPath,
            ["--import", "tsx", resolve("test/bench/ingest-db.bench.ts"), "--child", tree, kind, file],
            { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], cwd: tree },
          );
          const last = r.stdout.trim().split("\n").pop() ?? "";
          if (r.status !== 0 || !last.startsWith("{")) throw new Error(`${kind} in ${tree} failed (exit ${r.status})`);
          const out = JSON.parse(last) as { seconds: number; orders: number };
          if (out.orders !== w.orders) throw new Error(`${kind} in ${tree} stored ${out.orders} of ${w.orders} orders`);
          seconds.push(out.seconds);
        }
        const cells = seconds.map((s) => `${s.toFixed(1)} (${Math.round(orders / s).toLocaleString("en")})`);
        const ratio = kinds.length === 2 ? `${((seconds[0] / seconds[1]) * 100).toFixed(0)}% | ` : "";
        const row = `| ${round} | ${tree} | ${cells.join(" | ")} | ${ratio}${loadavg()
          .map((l) => l.toFixed(1))
          .join(" ")} |`;
        console.error(row);
        rows.push(row);
      }
    console.log(rows.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.includes("--child")) {
  const i = args.indexOf("--child");
  await child(args[i + 1], args[i + 2], args[i + 3]);
} else await parent();
