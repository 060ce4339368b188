/**
 * One progress model for every job (sync, analyze, preview, publish, remove-tags): a job is a list of
 * steps (app/jobs/runtime/kinds.ts stepsOf), each step a list of phases, each with a weight. A phase reports the share of
 * its own work done (orders stored of the export's count, customers scored, tags written of the plan);
 * the job's share done is the weights of the steps and phases before it plus its part of the current one.
 * So the figure only grows: a later step starts where the one before ended, never back at 0.
 *
 * Pure: the jobs report through a ProgressReporter (app/jobs/runtime/progress-reporter.server.ts writes it to the run's
 * row), and the admin turns a run's stored position back into one share done with jobShare.
 */

export type StepName = "full-sync" | "delta-sync" | "analyze" | "publish" | "preview" | "remove-tags";

/** How long each step usually takes relative to the others (a full sync dominates a first job). */
export const STEP_WEIGHTS: Readonly<Record<StepName, number>> = {
  "full-sync": 6,
  "delta-sync": 2,
  analyze: 3,
  publish: 2,
  preview: 1,
  "remove-tags": 2,
};

/** The phases of each kind of step in order, with their weights (each list sums to 1). */
export const PHASES = {
  sync: { starting: 0.02, exporting: 0.33, downloading: 0.55, paging: 0, products: 0.1 },
  delta: { starting: 0.05, exporting: 0, downloading: 0, paging: 0.8, products: 0.15 },
  analyze: { loading: 0.15, scoring: 0.35, recommending: 0.3, saving: 0.15, reorder: 0.05 },
  publish: { resume: 0.05, reading: 0.45, writing: 0.4, extras: 0.1 },
  preview: { resume: 0, reading: 1, writing: 0, extras: 0 },
} as const;

export type PhaseTable = Readonly<Record<string, number>>;

/** A share clamped to 0..1 (NaN counts as 0). */
export function clampShare(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? 1 : 0;
  return Math.min(1, Math.max(0, x));
}

/** done of total as a share; 0 when the total is unknown or 0. */
export function shareOf(done: number, total: number | null | undefined): number {
  return total && total > 0 ? clampShare(done / total) : 0;
}

/**
 * A share for work whose total is not known yet (Shopify's export growing): it grows with every object,
 * reaches half at `half` objects and never reaches 1, so the phase still moves on a shop of any size.
 */
export function openEndedShare(done: number, half: number): number {
  if (!(done > 0) || !(half > 0)) return 0;
  return done / (done + half);
}

/** The share of a step done when its phase `phase` is `share` done (phases of `table` in order). */
export function stepShare(table: PhaseTable, phase: string, share: number): number {
  let before = 0;
  for (const [name, weight] of Object.entries(table)) {
    if (name === phase) return clampShare(before + weight * clampShare(share));
    before += weight;
  }
  // A phase the table does not know: no claim beyond what is certain (nothing, or all when "done").
  return phase === "done" ? 1 : 0;
}

/** Where a job is: its steps, the index of the running one and that step's share done. */
export interface JobPosition {
  steps: readonly string[];
  index: number;
  stepShare: number;
}

const weightOf = (step: string) => STEP_WEIGHTS[step as StepName] ?? 1;

/** The job's share done (0..1): the steps before the running one, plus its weighted part. */
export function jobShare(pos: JobPosition): number {
  const total = pos.steps.reduce((sum, s) => sum + weightOf(s), 0);
  if (total <= 0) return clampShare(pos.stepShare);
  const index = Math.min(Math.max(0, Math.trunc(pos.index)), pos.steps.length - 1);
  let before = 0;
  for (let i = 0; i < index; i++) before += weightOf(pos.steps[i]);
  return clampShare((before + weightOf(pos.steps[index]) * clampShare(pos.stepShare)) / total);
}

/** What a step knows of its job: the job's steps and its own place among them. */
export interface StepPlace {
  steps: readonly StepName[];
  index: number;
}

/** A step run on its own (the CLI, a test): a job of that one step. */
export function alone(step: StepName): StepPlace {
  return { steps: [step], index: 0 };
}

/**
 * Keeps a step's reported share monotone: a phase that reports less than before (a retried export, a
 * second page of a smaller kind) never moves the bar back.
 */
export class MonotoneShare {
  private best = 0;
  update(share: number): number {
    this.best = Math.max(this.best, clampShare(share));
    return this.best;
  }
  get value(): number {
    return this.best;
  }
}
