/**
 * `npm run eval:recs -- --input ORDERS.jsonl [--k 10]`: offline evaluation of the recommendations.
 *
 * Reads a bulk-operation orders JSONL file (app/shopify/bulk-orders.ts), or with `--csv FILE` a
 * Complete Journey transactions CSV, holds out each repeat customer's last order and prints HR@k,
 * Recall@k and NDCG@k for the engine, popularity and personal top-frequency (see
 * app/analytics/recommendations/evaluate.ts). `--json` prints the result as JSON instead of a table.
 */
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { readBulkOrders, newStats } from "../shopify/bulk-orders";
import { completeJourneyToOrders } from "./complete-journey";
import { evaluateRecommendations, type RecommendationEvaluation } from "../analytics/recommendations/evaluate";
import type { OrderInput } from "../analytics/types";

export interface EvalRecsArgs {
  input?: string;
  csv?: string;
  k: number;
  json: boolean;
}

export function parseEvalRecsArgs(argv: readonly string[]): EvalRecsArgs {
  const args: EvalRecsArgs = { k: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`eval:recs ${a} requires a value`);
      return v;
    };
    if (a === "--input") args.input = value();
    else if (a === "--csv") args.csv = value();
    else if (a === "--k") {
      args.k = Number(value());
      if (!Number.isInteger(args.k) || args.k <= 0) throw new Error("eval:recs --k requires a positive integer");
    } else if (a === "--json") args.json = true;
    else
      throw new Error(
        `eval:recs: unknown argument ${a} (usage: --input ORDERS.jsonl | --csv TRANSACTIONS.csv [--k 10] [--json])`,
      );
  }
  if (!args.input === !args.csv)
    throw new Error("eval:recs requires exactly one of --input ORDERS.jsonl or --csv TRANSACTIONS.csv");
  return args;
}

export async function readOrdersJsonl(
  path: string,
): Promise<{ orders: OrderInput[]; skipped: number; problems: string[] }> {
  const stats = newStats();
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  const orders: OrderInput[] = [];
  // Every order is kept in memory anyway, so the join window is unbounded: no line item arrives late.
  const it = readBulkOrders(lines, stats, Infinity);
  for await (const order of it) orders.push(order);
  return { orders, skipped: stats.skipped, problems: stats.problems };
}

export function formatEvaluation(r: RecommendationEvaluation): string {
  const rows: Array<[string, RecommendationEvaluation["engine"]]> = [
    ["engine", r.engine],
    ["popularity", r.popularity],
    ["top-frequency", r.topFrequency],
  ];
  const f = (x: number) => x.toFixed(4).padStart(10);
  const lines = [
    `customers evaluated: ${r.customers} (last order held out), training orders: ${r.trainingOrders}`,
    `${"method".padEnd(14)}${`HR@${r.k}`.padStart(10)}${`Recall@${r.k}`.padStart(10)}${`NDCG@${r.k}`.padStart(10)}`,
    ...rows.map(([name, s]) => `${name.padEnd(14)}${f(s.hitRate)}${f(s.recall)}${f(s.ndcg)}`),
  ];
  return lines.join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: EvalRecsArgs;
  try {
    args = parseEvalRecsArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  let orders: OrderInput[];
  if (args.csv) orders = completeJourneyToOrders(readFileSync(args.csv, "utf8"));
  else {
    const read = await readOrdersJsonl(args.input!);
    orders = read.orders;
    if (read.skipped > 0)
      process.stderr.write(`skipped ${read.skipped} malformed line(s); first: ${read.problems[0]}\n`);
  }
  const result = evaluateRecommendations(orders, { k: args.k });
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatEvaluation(result)}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`eval:recs failed: ${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
