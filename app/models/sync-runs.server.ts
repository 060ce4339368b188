/**
 * Sync runs (the SyncRun table): one row per full/delta sync or import, with status and progress counts
 * the UI turns into a progress bar, the error in plain words when it failed, and details (warnings,
 * skipped-line reasons, timings, API cost) as JSON.
 */
import type { Db } from "../db.server";

export type SyncKind = "full" | "delta" | "import";
export type SyncStatus = "queued" | "running" | "succeeded" | "failed";

export interface SyncProgress {
  ordersCount?: number;
  lineItemsCount?: number;
  customersCount?: number;
  skippedLines?: number;
  expectedCount?: number | null;
  bulkOperationId?: string | null;
}

export interface SyncRunDetails {
  /** Plain-words notes for the merchant (limited history, partial data, skipped lines). */
  warnings: string[];
  /** The first few malformed lines, with the reason. */
  problems: string[];
  partial?: boolean;
  historyLimited?: boolean;
  phase?: string;
  bulkAttempts?: number;
  olderIgnored?: number;
  products?: number;
  since?: string | null;
  timings?: Record<string, number>;
  api?: { calls: number; costPoints: number; retries: number };
  [key: string]: unknown;
}

export type SyncRunRow = Awaited<ReturnType<Db["syncRun"]["create"]>>;

export async function createSyncRun(db: Db, shop: string, kind: SyncKind, status: SyncStatus = "running"): Promise<SyncRunRow> {
  return db.syncRun.create({ data: { shop, kind, status, detailsJson: JSON.stringify({ warnings: [], problems: [] }) } });
}

export async function updateSyncRun(db: Db, id: string, progress: SyncProgress & { status?: SyncStatus; details?: SyncRunDetails }): Promise<void> {
  const { details, ...rest } = progress;
  await db.syncRun.update({ where: { id }, data: { ...rest, ...(details ? { detailsJson: JSON.stringify(details) } : {}) } });
}

export async function finishSyncRun(
  db: Db,
  id: string,
  outcome: SyncProgress & { status: "succeeded" | "failed"; error?: string | null; details: SyncRunDetails },
): Promise<SyncRunRow> {
  const { details, ...rest } = outcome;
  return db.syncRun.update({ where: { id }, data: { ...rest, detailsJson: JSON.stringify(details), finishedAt: new Date() } });
}

export function parseDetails(row: { detailsJson: string }): SyncRunDetails {
  try {
    const d = JSON.parse(row.detailsJson) as Partial<SyncRunDetails>;
    return { ...d, warnings: d.warnings ?? [], problems: d.problems ?? [] };
  } catch {
    return { warnings: [], problems: [] };
  }
}

/** The newest runs of a shop (all kinds, or the given ones), newest first. */
export async function listSyncRuns(db: Db, shop: string, opts: { kinds?: SyncKind[]; limit?: number } = {}): Promise<SyncRunRow[]> {
  return db.syncRun.findMany({
    where: { shop, ...(opts.kinds ? { kind: { in: opts.kinds } } : {}) },
    orderBy: { startedAt: "desc" },
    take: opts.limit ?? 10,
  });
}

export async function latestSyncRun(db: Db, shop: string, kinds?: SyncKind[]): Promise<SyncRunRow | null> {
  return (await listSyncRuns(db, shop, { kinds, limit: 1 }))[0] ?? null;
}

/** Share done (0..1) for a progress bar, when the expected count is known. */
export function progressOf(run: Pick<SyncRunRow, "status" | "ordersCount" | "expectedCount">): number | null {
  if (run.status === "succeeded") return 1;
  if (!run.expectedCount) return null;
  return Math.min(1, run.ordersCount / run.expectedCount);
}
