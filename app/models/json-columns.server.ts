/**
 * The JSON text columns of prisma/schema.prisma: for each, one zod schema, one reader and one writer.
 * Every write of such a column goes through its writer (a typed value in, the text out) and every read
 * through its reader (the text in, a typed value out), so a column has one shape, the one written.
 *
 * | column                        | written by                          | shape (type)                          |
 * | ----------------------------- | ----------------------------------- | ------------------------------------- |
 * | Analysis.metricsJson          | saveAnalysis (scores.server.ts)     | StoredMetrics (app/analytics/evaluation/metrics.ts) |
 * | Analysis.backtestJson         | saveAnalysis                        | BacktestResult, `{}` without a backtest |
 * | Analysis.paramsJson           | saveAnalysis                        | AnalysisParams                        |
 * | CustomerScore.reasonsJson     | saveAnalysis                        | string[] (plain-words reasons)        |
 * | CustomerScore.recommendedJson | saveAnalysis                        | string[] (product GIDs, best first)   |
 * | Segment.centroidJson          | saveAnalysis                        | Record<string, number>, `{}` for rfm/risk |
 * | SyncRun.detailsJson           | sync-runs.server.ts, the jobs       | RunDetails; publish/preview: PublishDetails |
 * | AnalysisSnapshot.segmentsJson | recordAnalysisSnapshot (trends)     | Record<string, number> (customers per RFM key) |
 * | AnalysisSnapshot.movesJson    | recordAnalysisSnapshot              | SegmentMove[]                         |
 * | CustomerRedaction.orderIdsJson| customers/redact (compliance)       | string[] (order GIDs)                 |
 * | DataRequest.orderIdsJson      | customers/data_request              | string[] (order GIDs)                 |
 *
 * Reading: a value that is not JSON or does not match its schema is logged with the column, the row and
 * zod's first issues (console.error, "[json-columns] ...") and read as the column's empty reading (the
 * `fallback` of each reader: null, [], {} or empty details), so a page shows "no data" instead of
 * crashing. An absent row (null, undefined or empty text) reads as the empty reading without a log.
 *
 * The Analysis columns are read field-tolerant: every field may be missing (an analysis recorded before
 * the field existed reads as "unknown" there), but a field present with another type makes the value
 * malformed. Their types come from app/analytics (metrics.ts, types.ts): renaming a field there is a
 * type error here and in every reader of the reading (kpis, charts, dashboard, trends).
 * Bulk writes of these columns (the scores' INSERT, app/db/json-rows.server.ts) take the writers' text.
 */
import { z } from "zod";
import type { AnalysisMetrics, CohortRow, PeriodMetrics, StoreKpis } from "../analytics/evaluation/metrics";
import type { BacktestResult, BgNbdParams, ClusterSummary, GammaGammaParams } from "../analytics/types";

/** A value as JSON.stringify writes it and JSON.parse gives it back: Dates become ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Jsonified<U>>
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Every field of the objects optional, at any depth (arrays' elements and records stay complete). */
export type DeepPartial<T> =
  T extends ReadonlyArray<unknown>
    ? T
    : T extends object
      ? string extends keyof T
        ? T
        : { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/** True when A and B are assignable both ways (a renamed, added or retyped required field breaks it). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time check that a schema's output is the type it stands for. */
const sameShape = <A, B>(ok: Same<A, B>) => ok;

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`)
    .join("; ");
}

/**
 * The reader of one column: the text parsed and checked with `schema`; `fallback()` (logged) when it is
 * not JSON or does not match, and without a log when there is no row.
 */
function columnReader<T>(
  column: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  fallback: () => T,
  empty: string,
) {
  return (text: string | null | undefined, where = ""): T => {
    if (!text) return fallback();
    const at = where ? ` (${where})` : "";
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      console.error(`[json-columns] ${column}${at} is not JSON (${(error as Error).message}); read as ${empty}`);
      return fallback();
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    console.error(
      `[json-columns] ${column}${at} does not match its schema (${summarize(parsed.error)}); read as ${empty}`,
    );
    return fallback();
  };
}

const num = z.number();
const nullableNum = z.number().nullable();
const numberRecord = z.record(z.string(), num);
const stringList = z.array(z.string());

// ---- Analysis.metricsJson ----------------------------------------------------------------------------

/** What saveAnalysis stores: the analysis' metrics (app/analytics/evaluation/metrics.ts) and the rows it skipped. */
export type StoredMetrics = AnalysisMetrics & { skipped: Record<string, number> };
/** Analysis.metricsJson as read: StoredMetrics, any field possibly missing (see the module comment). */
export type MetricsReading = DeepPartial<StoredMetrics>;

const periodSchema = z.object({
  from: z.string(),
  to: z.string(),
  orders: num,
  revenue: num,
  activeCustomers: num,
  newCustomers: num,
  retentionRate: nullableNum,
  churnRate: nullableNum,
});
const cohortSchema = z.object({ cohort: z.string(), size: num, retention: z.array(num) });
const changeSchema = z.object({
  orders: nullableNum,
  revenue: nullableNum,
  activeCustomers: nullableNum,
  newCustomers: nullableNum,
  retentionRate: nullableNum,
});
const kpisSchema = z.object({
  customers: num,
  repeatPurchaseRate: num,
  predictedChurnRate: num,
  revenueAtRisk: num,
  medianClv12m: num,
});
const previousSchema = kpisSchema.extend({ asOf: z.string() });
const riskBandsSchema = z.object({ baseline: num, low: num, medium: num });
const metricsFields = {
  customers: num,
  repeatCustomers: num,
  repeatPurchaseRate: num,
  revenue: num,
  predictedChurnRate: num,
  revenueAtRisk: num,
  medianClv12m: num,
  cohorts: z.array(cohortSchema),
  guestRevenue: num,
  typicalGapDays: nullableNum,
  predictedChurnRateLow: num,
  predictedChurnRateHigh: num,
  valueAtRiskDefinition: z.string(),
  skipped: numberRecord,
};
/** The complete shape (checked against app/analytics/evaluation/metrics.ts at compile time). */
const _storedMetricsSchema = z.object({
  ...metricsFields,
  period: periodSchema,
  previousPeriod: periodSchema,
  change: changeSchema,
  riskBands: riskBandsSchema,
  previous: previousSchema.optional(),
});
sameShape<z.infer<typeof _storedMetricsSchema>, StoredMetrics>(true);
sameShape<z.infer<typeof periodSchema>, PeriodMetrics>(true);
sameShape<z.infer<typeof cohortSchema>, CohortRow>(true);
sameShape<z.infer<typeof kpisSchema>, StoreKpis>(true);

/** The reading's schema: the complete one with every object's fields optional. */
const metricsReadingSchema = z
  .object(metricsFields)
  .extend({
    period: periodSchema.partial(),
    previousPeriod: periodSchema.partial(),
    change: changeSchema.partial(),
    riskBands: riskBandsSchema.partial(),
    previous: previousSchema.partial(),
  })
  .partial();
sameShape<z.infer<typeof metricsReadingSchema>, MetricsReading>(true);

/** Analysis.metricsJson; null when the analysis has none recorded (`{}`) or it is malformed. */
export const readMetrics = (() => {
  const read = columnReader<MetricsReading | null>(
    "Analysis.metricsJson",
    metricsReadingSchema,
    () => null,
    "no metrics",
  );
  return (text: string | null | undefined, where?: string): MetricsReading | null => {
    const m = read(text, where);
    return m && Object.keys(m).length > 0 ? m : null;
  };
})();
export const writeMetrics = (metrics: StoredMetrics): string => JSON.stringify(metrics);

// ---- Analysis.backtestJson ---------------------------------------------------------------------------

/** Analysis.backtestJson as read: the backtest (app/analytics/types.ts), any field possibly missing. */
export type BacktestReading = DeepPartial<Jsonified<BacktestResult>>;

const calibrationSchema = z.object({
  from: num,
  to: num,
  customers: num,
  meanPredicted: nullableNum,
  observed: nullableNum,
});
const backtestSchema = z.object({
  horizonDays: num,
  asOf: z.string(),
  customers: num,
  model: z.enum(["bgnbd+logistic", "bgnbd"]),
  auc: num,
  brier: num,
  meanPredicted: num,
  observedChurn: num,
  recencyAuc: num,
  ece: num.optional(),
  calibration: z.array(calibrationSchema).optional(),
  logLoss: num.optional(),
  predictedChurnRateLow: num.optional(),
  predictedChurnRateHigh: num.optional(),
});
sameShape<z.infer<typeof backtestSchema>, Jsonified<BacktestResult>>(true);
sameShape<z.infer<ReturnType<typeof backtestSchema.partial>>, BacktestReading>(true);

/** Analysis.backtestJson; null when the analysis had no backtest (`{}`) or it is malformed. */
export const readBacktest = (() => {
  const read = columnReader<BacktestReading | null>(
    "Analysis.backtestJson",
    backtestSchema.partial(),
    () => null,
    "no backtest",
  );
  return (text: string | null | undefined, where?: string): BacktestReading | null => {
    const b = read(text, where);
    return b && Object.keys(b).length > 0 ? b : null;
  };
})();
/** `{}` when the analysis ran without a backtest (the column's default). */
export const writeBacktest = (backtest: BacktestResult | null): string => JSON.stringify(backtest ?? {});

// ---- Analysis.paramsJson -----------------------------------------------------------------------------

/** The fitted models and the clusters of an analysis (kept for inspection; the app does not read them back). */
export interface AnalysisParams {
  bgnbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  clusters: Array<Pick<ClusterSummary, "key" | "name" | "size" | "centroid">>;
  /** Model details (app/analytics AnalysisResult.details), as JSON. */
  details: Record<string, unknown>;
  notes: string[];
}
const paramsSchema = z.object({
  bgnbd: z
    .object({
      r: num,
      alpha: num,
      a: num,
      b: num,
      timeUnitDays: num,
      logLikelihood: num,
      variant: z.enum(["bgnbd", "mbgnbd"]).optional(),
    })
    .nullable(),
  gammaGamma: z.object({ p: num, q: num, gamma: num, logLikelihood: num }).nullable(),
  clusters: z.array(z.object({ key: z.string(), name: z.string(), size: num, centroid: numberRecord })),
  details: z.record(z.string(), z.unknown()),
  notes: stringList,
});
sameShape<z.infer<typeof paramsSchema>, AnalysisParams>(true);

/** Analysis.paramsJson; null when malformed. */
export const readParams = columnReader<AnalysisParams | null>(
  "Analysis.paramsJson",
  paramsSchema,
  () => null,
  "no parameters",
);
export const writeParams = (params: AnalysisParams): string => JSON.stringify(params);

// ---- CustomerScore.reasonsJson, CustomerScore.recommendedJson ----------------------------------------

/** CustomerScore.reasonsJson: the churn reasons in plain words, most important first; [] when malformed. */
export const readReasons = columnReader<string[]>("CustomerScore.reasonsJson", stringList, () => [], "no reasons");
export const writeReasons = (reasons: readonly string[]): string => JSON.stringify(reasons);

/** CustomerScore.recommendedJson: product GIDs, best first; [] when malformed. */
export const readRecommended = columnReader<string[]>(
  "CustomerScore.recommendedJson",
  stringList,
  () => [],
  "no recommendations",
);
export const writeRecommended = (productIds: readonly string[]): string => JSON.stringify(productIds);

// ---- Segment.centroidJson ----------------------------------------------------------------------------

/** Segment.centroidJson: a cluster's centroid in the original units (recencyDays, frequency...); {} for RFM and risk segments. */
export const readCentroid = columnReader<Record<string, number>>(
  "Segment.centroidJson",
  numberRecord,
  () => ({}),
  "no centroid",
);
export const writeCentroid = (centroid: ClusterSummary["centroid"]): string => JSON.stringify(centroid);

// ---- SyncRun.detailsJson -----------------------------------------------------------------------------

/**
 * SyncRun.detailsJson of every kind: what all runs may carry (a sync's warnings, problems, phase and
 * export progress), then each kind's own fields. createSyncRun starts every run with
 * `{ warnings: [], problems: [] }`; the syncs (app/jobs/sync/run.server.ts) add their counts and timings, the
 * analyze job its timings, the publish its report (PublishDetails).
 */
export interface RunDetails {
  /** Plain-words notes for the merchant (limited history, partial data, skipped lines). */
  warnings: string[];
  /** The first few malformed lines, with the reason. */
  problems: string[];
  partial?: boolean;
  historyLimited?: boolean;
  /** The job's step while it runs (exporting, downloading, paging, products, done). */
  phase?: string;
  /** Objects Shopify's bulk export has written so far (orders and their line items). */
  bulkObjectCount?: number;
  bulkAttempts?: number;
  olderIgnored?: number;
  products?: number;
  since?: string | null;
  timings?: Record<string, number>;
  api?: { calls: number; costPoints: number; retries: number };
  /** The step's share done (0..1) while it runs (app/models/job-progress.ts). */
  progress?: number;
  /** The job this run is a step of: its steps and this step's index (app/models/job-progress.ts jobShare). */
  job?: { steps: string[]; index: number };
  /** Each kind's other fields (the sync's removal counts, the analyze job's timings, the publish report). */
  [key: string]: unknown;
}

const runDetailsSchema = z
  .object({
    warnings: stringList.default([]),
    problems: stringList.default([]),
    partial: z.boolean().optional(),
    historyLimited: z.boolean().optional(),
    phase: z.string().optional(),
    bulkObjectCount: num.optional(),
    bulkAttempts: num.optional(),
    olderIgnored: num.optional(),
    products: num.optional(),
    since: z.string().nullable().optional(),
    timings: numberRecord.optional(),
    api: z.object({ calls: num, costPoints: num, retries: num }).optional(),
    progress: num.optional(),
    job: z.object({ steps: stringList, index: num }).optional(),
  })
  .passthrough();

const emptyDetails = (): RunDetails => ({ warnings: [], problems: [] });
/** SyncRun.detailsJson of any kind; `{ warnings: [], problems: [] }` when malformed. */
export const readRunDetails = columnReader<RunDetails>(
  "SyncRun.detailsJson",
  runDetailsSchema,
  emptyDetails,
  "no details",
);
export const writeRunDetails = (details: RunDetails): string => JSON.stringify(details);

/**
 * What a publish or preview run records (app/jobs/publish/run.server.ts PublishReport) and the preview page
 * reads. Absent until the run finishes (the run starts with the empty details).
 */
export interface PublishDetails {
  /** Why a publish became a preview, if it did. */
  note?: string;
  customers?: number;
  customersChanged?: number;
  tagsAdded?: number;
  tagsRemoved?: number;
  perTag?: Record<string, { added: number; removed: number }>;
  atLimit?: { count: number; customerIds: string[] };
  /** The tag prefix the run computed its changes for. */
  prefix?: string;
  /** The kinds of tags the settings asked for when the run computed its changes. */
  tagKinds?: { segments: boolean; risk: boolean; clusters: boolean };
}
const publishDetailsSchema = z.object({
  note: z.string().optional(),
  customers: num.optional(),
  customersChanged: num.optional(),
  tagsAdded: num.optional(),
  tagsRemoved: num.optional(),
  perTag: z.record(z.string(), z.object({ added: num, removed: num })).optional(),
  atLimit: z.object({ count: num, customerIds: stringList }).optional(),
  prefix: z.string().optional(),
  tagKinds: z.object({ segments: z.boolean(), risk: z.boolean(), clusters: z.boolean() }).optional(),
});
sameShape<z.infer<typeof publishDetailsSchema>, PublishDetails>(true);

/** SyncRun.detailsJson of a publish or preview run; {} when malformed. */
export const readPublishDetails = columnReader<PublishDetails>(
  "SyncRun.detailsJson",
  publishDetailsSchema,
  () => ({}),
  "no publish report",
);
/** The publish report without its run id (the row's id). */
export const writePublishDetails = <T extends PublishDetails & { runId?: string }>(report: T): string =>
  JSON.stringify({ ...report, runId: undefined });

// ---- AnalysisSnapshot.segmentsJson, AnalysisSnapshot.movesJson -----------------------------------------

/** Customers who moved from one RFM segment to another between two analyses (counts only). */
export interface SegmentMove {
  from: string;
  to: string;
  customers: number;
}
const moveSchema = z.object({ from: z.string(), to: z.string(), customers: num });
sameShape<z.infer<typeof moveSchema>, SegmentMove>(true);

/** AnalysisSnapshot.segmentsJson: customers per RFM segment key; {} when malformed. */
export const readSegmentSizes = columnReader<Record<string, number>>(
  "AnalysisSnapshot.segmentsJson",
  numberRecord,
  () => ({}),
  "no segment sizes",
);
export const writeSegmentSizes = (sizes: Record<string, number>): string => JSON.stringify(sizes);

/** AnalysisSnapshot.movesJson: the moves since the previous analysis, largest first; [] when malformed. */
export const readMoves = columnReader<SegmentMove[]>(
  "AnalysisSnapshot.movesJson",
  z.array(moveSchema),
  () => [],
  "no moves",
);
export const writeMoves = (moves: readonly SegmentMove[]): string => JSON.stringify(moves);

// ---- CustomerRedaction.orderIdsJson, DataRequest.orderIdsJson -----------------------------------------

/** CustomerRedaction.orderIdsJson and DataRequest.orderIdsJson: order GIDs; [] when malformed. */
export const readOrderIds = columnReader<string[]>("orderIdsJson", stringList, () => [], "no order ids");
export const writeOrderIds = (orderIds: readonly string[]): string => JSON.stringify(orderIds);
