/**
 * `npm run eval:churn -- --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N [--time-zone ZONE] [--json]`
 * `npm run eval:churn` (no arguments, or `--shared DIR`): the same report on the shared data sets
 * (../shared/data: the CDNOW sample and the Complete Journey grocery sample) at fixed as-of days,
 * with the shop totals' ranges at rolling origins (sharedDataReport).
 *
 * Out-of-time check of the churn predictions (app/analytics/evaluation/evaluate-churn.ts): analyses the orders up
 * to the as-of day, then scores the predictions against the orders of the next N days in the same file:
 * AUC (the model, plain recency, BG/NBD alone), ECE on 10 bins with the calibration curve, mean
 * predicted vs observed churn, top-decile lift, customers breaking the next-order rules, and pinned
 * probabilities. The file must reach at least N days past the as-of date (else the labels would be wrong).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { evaluateChurn, formatChurnEvaluation, formatTotals } from "../analytics/evaluation/evaluate-churn";
import { analyzeOrders } from "../analytics/analyze";
import { buildHistories } from "../analytics/data/purchase-history";
import { totalsCheck } from "../analytics/evaluation/range-coverage";
import type { OrderInput } from "../analytics/types";
import { readOrdersFile } from "./analyze";
import { cdnowToOrders } from "./cdnow";
import { completeJourneyToOrders } from "./complete-journey";

export interface EvalChurnArgs {
  input: string;
  asOf: Date;
  horizonDays: number;
  timeZone: string | null;
  json: boolean;
}

const USAGE = "usage: eval:churn --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N [--time-zone ZONE] [--json]";

export function parseEvalChurnArgs(argv: readonly string[]): EvalChurnArgs {
  let input: string | undefined;
  let asOf: Date | undefined;
  let horizonDays: number | undefined;
  let timeZone: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} requires a value (${USAGE})`);
      return v;
    };
    if (a === "--input") input = value();
    else if (a === "--as-of") {
      const v = value();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()))
        throw new Error(`--as-of must be a date YYYY-MM-DD, got ${v}`);
      asOf = new Date(`${v}T00:00:00Z`);
    } else if (a === "--horizon-days") {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new Error("--horizon-days must be a positive whole number of days");
      horizonDays = v;
    } else if (a === "--time-zone") timeZone = value();
    else if (a === "--json") json = true;
    else throw new Error(`unknown argument ${a} (${USAGE})`);
  }
  if (!input || !asOf || !horizonDays) throw new Error(`--input, --as-of and --horizon-days are required (${USAGE})`);
  return { input, asOf, horizonDays, timeZone, json };
}

const DAY = 86_400_000;
const utcDay = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The shop totals over H at `origins` as-of days, each against its ~90% range. */
function totalsAtOrigins(orders: readonly OrderInput[], origins: readonly Date[], horizonDays: number): string[] {
  const all = buildHistories(orders);
  const byId = new Map(all.histories.map((h) => [h.customerId, h]));
  let inside = 0;
  const lines = origins.map((asOf) => {
    const r = analyzeOrders(orders, { asOf, horizonDays, backtest: false });
    const t = totalsCheck(
      r.customers,
      r.details!.totals as Parameters<typeof totalsCheck>[1],
      byId,
      r.details!.asOfDay as number,
      horizonDays,
    );
    inside += [t.orders, t.revenue, t.churnRate].filter((c) => c.inside).length;
    return `  ${formatTotals(t)}`;
  });
  lines.push(`  ${inside} of ${3 * origins.length} totals inside their 90% range`);
  return lines;
}

/**
 * The report on the shared data sets: each at fixed as-of days (CDNOW sample: 1997-09-30 at the
 * paper's 273 days, 1997-06-30 for the 12-month range; Complete Journey: the last 30 and 90 days),
 * then the shop totals at rolling origins (CDNOW every 91 days, Complete Journey every 30).
 */
export function sharedDataReport(dir: string, print: (line: string) => void = console.log): void {
  const cdnowFile = join(dir, "cdnow/CDNOW_sample.txt");
  const cjFile = join(dir, "completejourney/transactions_sample.csv");
  for (const f of [cdnowFile, cjFile]) if (!existsSync(f)) throw new Error(`${f} not found (the shared data)`);
  const cdnow = cdnowToOrders(readFileSync(cdnowFile, "utf8"));
  const cj = completeJourneyToOrders(readFileSync(cjFile, "utf8"));
  let last = 0;
  for (const o of cj) last = Math.max(last, o.processedAt.getTime());
  const cjEnd = Math.floor(last / DAY) * DAY;
  const runs: Array<[string, OrderInput[], Date, number]> = [
    ["CDNOW sample", cdnow, utcDay("1997-09-30"), 273],
    ["CDNOW sample", cdnow, utcDay("1997-06-30"), 273],
    ["Complete Journey", cj, new Date(cjEnd - 30 * DAY), 30],
    ["Complete Journey", cj, new Date(cjEnd - 90 * DAY), 90],
  ];
  for (const [name, orders, asOf, h] of runs) {
    print(`== ${name}`);
    print(formatChurnEvaluation(evaluateChurn(orders, asOf, h).evaluation));
    print("");
  }
  print("== CDNOW sample: shop totals over 91 days at rolling origins");
  const cdnowOrigins = ["1997-07-01", "1997-09-30", "1997-12-30", "1998-03-31"].map(utcDay);
  for (const line of totalsAtOrigins(cdnow, cdnowOrigins, 91)) print(line);
  print("== Complete Journey: shop totals over 30 days at rolling origins");
  const cjOrigins = [6, 5, 4, 3, 2, 1].map((k) => new Date(cjEnd - k * 30 * DAY));
  for (const line of totalsAtOrigins(cj, cjOrigins, 30)) print(line);
}

export async function evalChurnCommand(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--shared") {
    const dir = argv[1] ?? resolve(process.cwd(), "../shared/data");
    sharedDataReport(dir);
    return 0;
  }
  const args = parseEvalChurnArgs(argv);
  const { orders } = await readOrdersFile(args.input, null);
  let last = -Infinity;
  for (const o of orders) last = Math.max(last, o.processedAt.getTime());
  const needed = args.asOf.getTime() + args.horizonDays * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // A file cut off well before the horizon ends would call returning customers churned: refuse it. A
  // small shop may just have had no order in the last days: say so and go on.
  if (last < args.asOf.getTime() + 0.9 * args.horizonDays * 86_400_000) {
    throw new Error(
      `the orders end on ${day(last)}, well before as-of + ${args.horizonDays} days (${day(needed)}): the outcome of the horizon is not in the file`,
    );
  }
  if (last < needed - 86_400_000)
    console.error(`eval:churn: note: the last order is on ${day(last)}, the horizon ends on ${day(needed)}`);
  const { evaluation } = evaluateChurn(orders, args.asOf, args.horizonDays, { timeZone: args.timeZone });
  console.log(args.json ? JSON.stringify(evaluation, null, 2) : formatChurnEvaluation(evaluation));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  evalChurnCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`eval:churn: ${error.message}`);
      process.exit(1);
    },
  );
}
