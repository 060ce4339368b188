/**
 * The publish's options and report (app/jobs/publish/run.server.ts re-exports them for its callers).
 */
import type { FlowReport } from "../../shopify/flow.server";
import type { MetafieldsSetReport } from "../../shopify/metafields.server";
import type { SegmentSyncReport } from "../../shopify/segments.server";
import type { BulkOptions } from "../../shopify/tag-writer.server";
import type { TagCounts } from "../../shopify/tags";
import type { PublishExtrasSummary } from "./extras.server";
import type { PublishMode } from "./mode";
import type { StepProgressOptions } from "../runtime/progress-reporter.server";

export interface PublishOptions {
  /** Compute what would change, write nothing. Default: preview unless Shop.autoTag is on or `force`. */
  preview?: boolean;
  /** Remove every app tag and the app's segments (undo). */
  removeAll?: boolean;
  /** Publish even when auto-tag is off (the merchant pressed "publish now"). */
  force?: boolean;
  /** Customer writes above which the bulk mutation path is used (default BULK_THRESHOLD). */
  bulkThreshold?: number;
  bulk?: BulkOptions;
  /** Customers per page when reading Shopify. */
  pageSize?: number;
  /** Scored customers above which Shopify is read with one bulk query (default READ_BULK_THRESHOLD). */
  readBulkThreshold?: number;
  /** tagsAdd / tagsRemove requests in flight at once on the small path. */
  concurrency?: number;
  /** Journal marks written per database statement (default 25; a crash re-sends at most that many). */
  markBatch?: number;
  /** Aborted when the job lost its lock: the publish stops before its next write (the journal keeps the rest). */
  signal?: AbortSignal;
  /** Steps after the tags (default all on). */
  metafields?: boolean;
  flow?: boolean;
  segments?: boolean;
  /** The job this publish is a step of, and who listens to its progress (models/job-models/job-progress.ts). */
  progress?: StepProgressOptions;
  /** Called after each page of customers read from Shopify (the plan), with the customers scored. */
  onCustomersRead?: (read: number, scored: number) => Promise<void>;
}

export interface PublishError {
  customerId?: string;
  tags?: string[];
  message: string;
}

/** Customers whose app tags did not all fit under Shopify's 250-tag limit. */
export interface AtLimit {
  count: number;
  customerIds: string[];
}

/** How customers were read: pages, or one bulk query (falls back to pages on a damaged file). */
export interface ReadReport {
  path: "pages" | "bulk";
  bulkOperationId: string | null;
  skippedLines: number;
}

/** Pending changes of interrupted publishes: sent again, or skipped when computed for another prefix or analysis. */
export interface ResumeReport {
  runIds: string[];
  applied: number;
  failed: number;
  skipped: number;
}

export type FlowStepReport = FlowReport & { alreadySent?: number };

export interface PublishReport {
  runId: string;
  mode: PublishMode;
  /** Why a publish became a preview, if it did. */
  note?: string;
  customers: number;
  customersChanged: number;
  /** Planned (preview) or written (publish) tag changes. */
  tagsAdded: number;
  tagsRemoved: number;
  perTag: Record<string, TagCounts>;
  atLimit: AtLimit;
  errors: PublishError[];
  errorCount: number;
  path: "none" | "small" | "bulk";
  bulkOperationIds: string[];
  read: ReadReport;
  resumed: ResumeReport;
  /** A prefix change being published: the app's tags move from `from` to `to`. */
  prefixMove?: { from: string; to: string; done: boolean };
  metafields: MetafieldsSetReport | null;
  flow: FlowStepReport | null;
  segments: SegmentSyncReport | null;
  /** Opt-outs honoured, control groups, due to reorder (publish-extras.server.ts). */
  extras?: PublishExtrasSummary;
  /** tagsAdd / tagsRemove calls the plan needed (one per customer and action), whatever the path. */
  tagWrites: number;
  cost: { calls: number; costPoints: number; retries: number };
  /** Milliseconds per step. */
  timings: Record<string, number>;
  durationMs: number;
}

/** A CustomerScore row as the publish reads it. */
export interface ScoreRow {
  customerId: string;
  rfmSegment: string;
  riskBand: string;
  clusterKey: string;
  churnProbability: number;
  clv12m: number;
  recommendedJson: string;
  shopifyRfmGroup?: string | null;
}

/** At most this many errors and at-limit customer ids are listed in a report (all are counted). */
export const MAX_LISTED = 100;
