/**
 * `npm run bench:publish`: API calls and cost points of a publish of 10,000 customers against the local
 * stand-in (Shopify's standard leaky bucket: 1,000 points, 50 points/s), first publish then an unchanged
 * re-run (target: zero writes). Prints a table; exits 1 when the re-run writes anything.
 *
 *   npm run bench:publish            # 10,000 customers
 *   BENCH_CUSTOMERS=2000 npm run bench:publish
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { runPublish, type PublishReport } from "../../app/jobs/publish/run.server";
import { updateShopSettings } from "../../app/models/shop-settings.server";
import { startStandin } from "../../packages/shopify-standin/src/server";
import { WRITE_OPERATIONS, adminFor, buildFixture, insertScores } from "../integration/publish/fixture";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const BUCKET = 1000;
const RESTORE = 50;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "churnless-bench-publish-"));
  const url = `file:${join(dir, "bench.sqlite")}`;
  await migrateDatabase(url);
  const db = createDb(url);
  const fx = buildFixture({ customers: CUSTOMERS, seed: 2026, nearLimit: [10, 20, 30] });
  const shop = fx.data.shop;
  const standin = await startStandin({ shops: [fx.data], bucketSize: BUCKET, restoreRate: RESTORE, bulkMinMs: 100 });
  try {
    await insertScores(db, shop, fx.scores);
    await updateShopSettings(db, shop, { autoTag: true });
    const rows: Array<Record<string, string | number>> = [];
    let unchangedWrites = -1;
    const tagWrites: number[] = [];
    for (const label of ["first publish", "unchanged re-run"]) {
      const from = standin.calls(shop).length;
      const admin = adminFor(standin, shop);
      const started = Date.now();
      const r: PublishReport = await runPublish(db, admin, shop, { bulk: { pollIntervalMs: 100 } });
      const calls = standin.calls(shop).slice(from);
      const writes = calls.filter((c) => WRITE_OPERATIONS.has(c.operation)).length;
      if (label === "unchanged re-run") unchangedWrites = writes;
      rows.push({
        run: label,
        read: r.read.path,
        "tag path": r.path,
        "API calls": calls.length,
        "write calls": writes,
        "cost points": calls.reduce((s, c) => s + c.actualCost, 0),
        "tags +": r.tagsAdded,
        "tags -": r.tagsRemoved,
        "at limit": r.atLimit.count,
        metafields: r.metafields?.written ?? 0,
        "segments +/~/-": `${r.segments?.created ?? 0}/${r.segments?.updated ?? 0}/${r.segments?.deleted ?? 0}`,
        errors: r.errorCount,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      });
      if (process.env.BENCH_DEBUG) console.error(label, r.timings, r.tagWrites);
      tagWrites.push(r.tagWrites);
    }
    console.log(`\npublish benchmark: ${CUSTOMERS} customers, bucket ${BUCKET} points, restore ${RESTORE} points/s\n`);
    console.table(rows);
    const setCalls = Math.ceil(Number(rows[0].metafields) / 25);
    const pagedPoints = 10 * (tagWrites[0] + setCalls);
    console.log(
      `\nWithout the bulk paths the first publish would send ${tagWrites[0]} tagsAdd/tagsRemove and ${setCalls} metafieldsSet calls ` +
        `(10 points each: ${pagedPoints} points, about ${Math.round(pagedPoints / RESTORE / 60)} minutes at ${RESTORE} points/s).`,
    );
    if (unchangedWrites !== 0) {
      console.error(`FAIL: the unchanged re-run sent ${unchangedWrites} write calls (target 0)`);
      process.exitCode = 1;
    }
  } finally {
    await standin.close();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
