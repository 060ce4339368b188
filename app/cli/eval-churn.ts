/**
 * `npm run eval:churn -- --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N [--time-zone ZONE] [--json]`
 *
 * Out-of-time check of the churn predictions (app/analytics/evaluation/evaluate-churn.ts): analyses the orders up
 * to the as-of day, then scores the predictions against the orders of the next N days in the same file:
 * AUC (the model, plain recency, BG/NBD alone), ECE on 10 bins with the calibration curve, mean
 * predicted vs observed churn, top-decile lift, customers breaking the next-order rules, and pinned
 * probabilities. The file must reach at least N days past the as-of date (else the labels would be wrong).
 */
import { pathToFileURL } from "node:url";
import { evaluateChurn, formatChurnEvaluation } from "../analytics/evaluation/evaluate-churn";
import { readOrdersFile } from "./analyze";

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

export async function evalChurnCommand(argv: string[]): Promise<number> {
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
