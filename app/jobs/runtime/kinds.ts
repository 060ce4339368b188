/**
 * The long tasks of the app, each run as a job for one shop.
 * - full-sync / delta-sync: pull orders (bulk / `updated_at:>` pages), then analyze, then publish.
 * - analyze: recompute scores from the stored orders, then publish.
 * - publish: write tags, segments, metafields and Flow triggers (only when auto-tag is on, or forced).
 * - preview: compute what a publish would change, write nothing.
 * - remove-tags: remove every Churnless tag and segment (the merchant's undo).
 * - refresh: the scheduled job: delta-sync and what follows.
 */
export const JOB_KINDS = [
  "full-sync",
  "delta-sync",
  "analyze",
  "publish",
  "preview",
  "remove-tags",
  "refresh",
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobData {
  shop: string;
  kind: JobKind;
  /** Run only this step, not the steps that normally follow it. */
  only?: boolean;
  /** Publish even when auto-tag is off (the merchant pressed "publish now"). */
  force?: boolean;
}

export function isJobKind(value: unknown): value is JobKind {
  return typeof value === "string" && (JOB_KINDS as readonly string[]).includes(value);
}

/** The steps a job runs, in order. */
export function stepsOf(
  kind: JobKind,
  only = false,
): Array<"full-sync" | "delta-sync" | "analyze" | "publish" | "preview" | "remove-tags"> {
  switch (kind) {
    case "full-sync":
      return only ? ["full-sync"] : ["full-sync", "analyze", "publish"];
    case "delta-sync":
    case "refresh":
      return only ? ["delta-sync"] : ["delta-sync", "analyze", "publish"];
    case "analyze":
      return only ? ["analyze"] : ["analyze", "publish"];
    case "publish":
    case "preview":
    case "remove-tags":
      return [kind];
    default:
      return assertUnreachable(kind);
  }
}

function assertUnreachable(x: never): never {
  throw new Error(`unknown job kind ${String(x)}`);
}
