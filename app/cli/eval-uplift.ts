/**
 * `npm run eval:uplift [-- --runs 4000 --seed 28]`: what the control-groups page's claims are worth, by
 * seeded simulation (app/analytics/experiments/simulate.ts). For several shop sizes it reads a control
 * group every week for 20 weeks and prints:
 * - with no true effect, the share of runs the page would ever have said "it works" or "it harms"
 *   (the confidence sequence, and a fixed-horizon 95% interval read weekly for comparison);
 * - with a known effect, the share of runs whose sequence contains it at every look, and the share that
 *   found it by week 20.
 * It ends with two lines: `false claims: <N>%` (the worst shop size, no true effect, 20 weekly looks) and
 * `coverage: <N>%` (the worst shop size, known effect, every look).
 */
import { pathToFileURL } from "node:url";
import { simulateWeeklyLooks, type SimulationResult } from "../analytics/experiments/simulate";

export interface EvalUpliftArgs {
  runs: number;
  seed: number;
}

export function parseEvalUpliftArgs(argv: readonly string[]): EvalUpliftArgs {
  const args: EvalUpliftArgs = { runs: 4000, seed: 28 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[i + 1]);
    if (a === "--runs" || a === "--seed") {
      if (!Number.isInteger(v) || v < (a === "--runs" ? 100 : 0))
        throw new Error(`eval:uplift ${a} needs a whole number${a === "--runs" ? " of at least 100" : ""}`);
      args[a === "--runs" ? "runs" : "seed"] = v;
      i++;
    } else throw new Error(`eval:uplift: unknown argument ${a} (expected --runs N, --seed N)`);
  }
  return args;
}

/** Shops: customers entering the segment a week, share held out, return rate of the held out, effect. */
export const SCENARIOS = [
  { name: "small shop", perWeek: 10, share: 0.2, baseRate: 0.2, effect: 0.1 },
  { name: "win-back, at risk", perWeek: 30, share: 0.2, baseRate: 0.3, effect: 0.08 },
  { name: "mid-size, 10% held out", perWeek: 100, share: 0.1, baseRate: 0.25, effect: 0.05 },
  { name: "lost customers, rare returns", perWeek: 200, share: 0.1, baseRate: 0.05, effect: 0.02 },
  { name: "half held out", perWeek: 40, share: 0.5, baseRate: 0.5, effect: 0.1 },
] as const;

export interface EvalUpliftReport {
  rows: Array<{ name: string; null: SimulationResult; effect: SimulationResult }>;
  falseClaims: number;
  coverage: number;
}

export function evalUplift(args: EvalUpliftArgs): EvalUpliftReport {
  const rows = SCENARIOS.map((s, i) => ({
    name: s.name,
    null: simulateWeeklyLooks({ ...s, effect: 0, runs: args.runs, looks: 20, seed: args.seed + 2 * i }),
    effect: simulateWeeklyLooks({ ...s, runs: args.runs, looks: 20, seed: args.seed + 2 * i + 1 }),
  }));
  return {
    rows,
    falseClaims: Math.max(...rows.map((r) => r.null.everClaimed)),
    coverage: Math.min(...rows.map((r) => r.effect.alwaysCovered)),
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function formatEvalUplift(r: EvalUpliftReport, args: EvalUpliftArgs): string {
  const lines = [
    `Control groups read every week for 20 weeks, ${args.runs} seeded runs per shop (seed ${args.seed}).`,
    "shop | per week | held out | base rate | effect | false claims (sequence / weekly 95%) | coverage (sequence / weekly 95%) | found by week 20",
  ];
  SCENARIOS.forEach((s, i) => {
    const row = r.rows[i];
    lines.push(
      `${s.name} | ${s.perWeek} | ${pct(s.share)} | ${pct(s.baseRate)} | +${(s.effect * 100).toFixed(0)} pts | ` +
        `${pct(row.null.everClaimed)} / ${pct(row.null.naiveEverClaimed)} | ` +
        `${pct(row.effect.alwaysCovered)} / ${pct(row.effect.naiveAlwaysCovered)} | ${pct(row.effect.detectedByEnd)}`,
    );
  });
  lines.push(`false claims: ${(r.falseClaims * 100).toFixed(1)}%`);
  lines.push(`coverage: ${(r.coverage * 100).toFixed(1)}%`);
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const args = parseEvalUpliftArgs(process.argv.slice(2));
    console.log(formatEvalUplift(evalUplift(args), args));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
