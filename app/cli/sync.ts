/**
 * `npm run cli -- sync --shop DOMAIN [--full]`: the app's order sync from the command line, against a
 * real shop or the stand-in (SHOPIFY_ADMIN_API_BASE_URL), with the shop's offline session from the
 * database (DATABASE_URL, default SQLite file).
 * `npm run cli -- import --input FILE.jsonl --shop DOMAIN`: ingests a bulk-operation JSONL file from disk,
 * in exactly the format the bulk query returns, through the same parser and writes as the sync.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { SyncRunSummary } from "../jobs/sync/run.server";

export interface SyncArgs {
  shop: string;
  full: boolean;
}

export interface ImportArgs {
  shop: string;
  input: string;
}

const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

function readFlags(
  command: string,
  argv: readonly string[],
  valued: string[],
  flags: string[],
  usage: string,
): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.replace(/^--/, "");
    if (a.startsWith("--") && valued.includes(name)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${command} ${a} requires a value (usage: ${usage})`);
      out[name] = v;
    } else if (a.startsWith("--") && flags.includes(name)) out[name] = true;
    else throw new Error(`${command}: unknown argument ${a} (usage: ${usage})`);
  }
  return out;
}

function shopArg(command: string, value: string | true | undefined, usage: string): string {
  if (typeof value !== "string") throw new Error(`${command} needs --shop DOMAIN (usage: ${usage})`);
  const shop = value.trim().toLowerCase();
  if (!SHOP_RE.test(shop))
    throw new Error(`${command}: --shop must be a shop domain like my-store.myshopify.com, not "${value}"`);
  return shop;
}

const SYNC_USAGE = "npm run cli -- sync --shop DOMAIN [--full]";
const IMPORT_USAGE = "npm run cli -- import --input FILE.jsonl --shop DOMAIN";

export function parseSyncArgs(argv: readonly string[]): SyncArgs {
  const f = readFlags("sync", argv, ["shop"], ["full"], SYNC_USAGE);
  return { shop: shopArg("sync", f.shop, SYNC_USAGE), full: f.full === true };
}

export function parseImportArgs(argv: readonly string[]): ImportArgs {
  const f = readFlags("import", argv, ["shop", "input"], [], IMPORT_USAGE);
  const shop = shopArg("import", f.shop, IMPORT_USAGE);
  if (typeof f.input !== "string") throw new Error(`import needs --input FILE.jsonl (usage: ${IMPORT_USAGE})`);
  if (!existsSync(f.input) || !statSync(f.input).isFile()) throw new Error(`import: no such file ${f.input}`);
  return { shop, input: f.input };
}

function report(summary: SyncRunSummary): void {
  console.log(
    `${summary.kind} sync of ${summary.shop} ${summary.status}: ${summary.ordersCount} orders, ${summary.lineItemsCount} line items, ` +
      `${summary.customersCount} customers, ${summary.skippedLines} skipped lines` +
      (summary.olderIgnored ? `, ${summary.olderIgnored} older copies ignored` : "") +
      ` in ${(summary.durationMs / 1000).toFixed(1)} s (run ${summary.runId})`,
  );
  for (const w of summary.warnings) console.log(`warning: ${w}`);
}

export async function syncCommand(argv: string[]): Promise<number> {
  const args = parseSyncArgs(argv);
  const { default: db } = await import("../db.server");
  const { adminForShop, librarySessionLoader, setOfflineSessionLoader } = await import("../shopify/admin.server");
  setOfflineSessionLoader(librarySessionLoader(() => import("../shopify.server")));
  const { hasOfflineSession } = await import("../models/sessions.server");
  const { runSync } = await import("../jobs/sync/run.server");
  try {
    const admin = await adminForShop(args.shop, { isInstalled: (s) => hasOfflineSession(db, s) });
    let lastLine = 0;
    const summary = await runSync(db, admin, args.shop, {
      kind: args.full ? "full" : "delta",
      onProgress: (p) => {
        if (Date.now() - lastLine < 2000 && p.phase !== "done") return;
        lastLine = Date.now();
        const of = p.expectedCount ? ` of ${p.expectedCount}` : "";
        console.error(`  ${p.phase}: ${p.ordersCount}${of} orders, ${p.skippedLines} skipped`);
      },
    });
    report(summary);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

export async function importCommand(argv: string[]): Promise<number> {
  const args = parseImportArgs(argv);
  const { default: db } = await import("../db.server");
  const { importOrderLines } = await import("../jobs/sync/run.server");
  try {
    const summary = await importOrderLines(db, args.shop, { chunks: createReadStream(args.input) });
    report(summary);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
