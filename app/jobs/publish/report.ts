/**
 * The publish report, built once from what each step returned (buildReport), for a finished publish and
 * for one that failed half-way (then only the steps that finished contribute).
 */
import type { MetafieldsSetReport } from "../../shopify/metafields.server";
import type { SegmentSyncReport } from "../../shopify/segments.server";
import type { TagCounts } from "../../shopify/tags";
import type { PublishExtrasSummary } from "./extras.server";
import type { Mode } from "./mode";
import {
  MAX_LISTED,
  type FlowStepReport,
  type PublishError,
  type PublishReport,
  type ReadReport,
  type ResumeReport,
} from "./types";

/** Errors of one step: the first MAX_LISTED listed, all counted. */
export interface ErrorTally {
  listed: PublishError[];
  count: number;
}

export const NO_ERRORS: ErrorTally = { listed: [], count: 0 };

/** Every error of `list` counted, the first MAX_LISTED listed. */
export function tally(list: readonly PublishError[]): ErrorTally {
  return { listed: list.slice(0, MAX_LISTED), count: list.length };
}

/** The steps' errors in step order: the report lists the first MAX_LISTED of them and counts all. */
export function joinErrors(parts: ReadonlyArray<ErrorTally | undefined>): ErrorTally {
  const present = parts.filter((p): p is ErrorTally => !!p);
  return {
    listed: present.flatMap((p) => p.listed).slice(0, MAX_LISTED),
    count: present.reduce((n, p) => n + p.count, 0),
  };
}

/** What reading Shopify and diffing found (plan.server.ts). */
export interface PlanSummary {
  customers: number;
  customersChanged: number;
  read: ReadReport;
  /** Customers whose desired app tags do not all fit under the 250-tag limit. */
  overLimit: readonly string[];
}

/** The tag step: planned counts (preview) or what Shopify accepted (publish, undo). */
export interface TagOutcome {
  tagWrites: number;
  tagsAdded: number;
  tagsRemoved: number;
  perTag: Record<string, TagCounts>;
  path: "none" | "small" | "bulk";
  bulkOperationIds: string[];
  errors: ErrorTally;
  /** Customers Shopify refused for the tag limit although the plan expected their tags to fit. */
  refusedAtLimit: readonly string[];
  /** Tag writes Shopify refused (a prefix move is over only when none was). */
  failedWrites: number;
}

export interface MetafieldOutcome {
  report: MetafieldsSetReport;
  bulkOperationId: string | null;
  errors: ErrorTally;
}

/** Every step's result; a step that did not run (or not yet, when the publish failed) is absent. */
export interface StepResults {
  resumed?: ResumeReport;
  plan?: PlanSummary;
  tags?: TagOutcome;
  flow?: { report: FlowStepReport; errors: ErrorTally };
  metafields?: MetafieldOutcome;
  optedOutMetafields?: { deleted: number; errors: ErrorTally };
  extras?: PublishExtrasSummary;
  segments?: { report: SegmentSyncReport; errors: ErrorTally };
  /** The prefix move finished (every tag reached the new prefix). */
  prefixMoved?: boolean;
}

export interface RunFacts {
  runId: string;
  mode: Mode;
  note: string | undefined;
  prefix: string;
  formerPrefix: string | null;
  cost: PublishReport["cost"];
  timings: Record<string, number>;
  durationMs: number;
}

export function buildReport(facts: RunFacts, steps: StepResults): PublishReport {
  const { plan, tags } = steps;
  const errors = joinErrors([
    tags?.errors,
    steps.flow?.errors,
    steps.metafields?.errors,
    steps.optedOutMetafields?.errors,
    steps.segments?.errors,
  ]);
  const atLimit = [...(plan?.overLimit ?? []), ...(tags?.refusedAtLimit ?? [])];
  return {
    runId: facts.runId,
    mode: facts.mode.kind,
    note: facts.note,
    customers: plan?.customers ?? 0,
    customersChanged: plan?.customersChanged ?? 0,
    tagsAdded: tags?.tagsAdded ?? 0,
    tagsRemoved: tags?.tagsRemoved ?? 0,
    perTag: tags?.perTag ?? {},
    atLimit: { count: atLimit.length, customerIds: atLimit.slice(0, MAX_LISTED) },
    errors: errors.listed,
    errorCount: errors.count,
    path: tags?.path ?? "none",
    bulkOperationIds: [
      ...(tags?.bulkOperationIds ?? []),
      ...(steps.metafields?.bulkOperationId ? [steps.metafields.bulkOperationId] : []),
    ],
    read: plan?.read ?? { path: "pages", bulkOperationId: null, skippedLines: 0 },
    resumed: steps.resumed ?? { runIds: [], applied: 0, failed: 0, skipped: 0 },
    prefixMove: facts.formerPrefix
      ? { from: facts.formerPrefix, to: facts.prefix, done: steps.prefixMoved === true }
      : undefined,
    metafields: steps.metafields?.report ?? null,
    flow: steps.flow?.report ?? null,
    segments: steps.segments?.report ?? null,
    extras: steps.extras,
    tagWrites: tags?.tagWrites ?? 0,
    cost: facts.cost,
    timings: facts.timings,
    durationMs: facts.durationMs,
  };
}

/** Milliseconds per named step: each lap adds the time since the previous lap to its name. */
export class Stopwatch {
  private last = Date.now();
  private readonly laps: Record<string, number> = {};

  lap(name: string): void {
    const now = Date.now();
    this.laps[name] = (this.laps[name] ?? 0) + now - this.last;
    this.last = now;
  }

  timings(): Record<string, number> {
    return { ...this.laps };
  }
}
