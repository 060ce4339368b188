/**
 * The order sync of one shop, recorded as a SyncRun the UI shows as a progress bar.
 * - full: a bulk export of every order (bulkOperationRunQuery), its JSONL streamed into the database in
 *   batches; then the catalogue.
 * - delta: orders updated since the last sync (`updated_at:>`), cursor-paged through the paced client;
 *   the backstop for missed webhooks. Without any earlier sync it runs a full sync.
 * A failed run is recorded with its reason and thrown, so the job stops before analyze and publish and
 * the scores of the last good run stay. Writes only ever replace orders with newer-or-equal copies.
 */
import { OrderAssembler, assembleChunks, newStats, type BulkParseStats } from "../../shopify/bulk-orders";
import type { OrderInput } from "../../analytics/types";
import type { Db } from "../../db.server";
import {
  addLateLineItems,
  countOrders,
  refreshOrderStatistics,
  removeOrdersNotSyncedSince,
  STATISTICS_AFTER_ORDERS,
  upsertOrders,
} from "../../models/orders.server";
import { getShopSettings, updateShopSettings } from "../../models/shop-settings.server";
import { saveShopLocale } from "../../models/shop-locale.server";
import {
  createSyncRun,
  finishSyncRun,
  updateSyncRun,
  type SyncKind,
  type SyncRunDetails,
} from "../../models/sync-runs.server";
import { fetchShopZone } from "../../shopify/customers.server";
import { downloadChunks, runBulkQuery, type BulkRunOptions } from "../../shopify/bulk.server";
import {
  FULL_HISTORY_SCOPE,
  HISTORY_LIMITED_WARNING,
  ORDERS_BULK_QUERY,
  grantedScopes,
  pageOrders,
} from "../../shopify/orders-sync.server";
import { replaceProducts } from "../../models/products.server";
import { productPages } from "../../shopify/products-sync.server";
import type { AdminGraphql } from "../../shopify/types";
import { PHASES, openEndedShare, shareOf } from "../../models/job-progress";
import { StepProgress, type StepProgressOptions } from "../runtime/progress-reporter.server";

export interface SyncProgressEvent {
  runId: string;
  phase: "starting" | "exporting" | "downloading" | "paging" | "products" | "done";
  ordersCount: number;
  lineItemsCount: number;
  skippedLines: number;
  expectedCount: number | null;
}

export interface SyncOptions {
  kind: "full" | "delta";
  onProgress?: (event: SyncProgressEvent) => void;
  /** Bulk operation waits and retries (tests shorten them). */
  bulk?: BulkRunOptions;
  /** Orders per database transaction. */
  batchSize?: number;
  /** Least time between progress writes to the SyncRun row. */
  progressEveryMs?: number;
  /** Sync the catalogue too (default true). */
  products?: boolean;
  /** Page sizes of the paged queries (defaults keep each request under Shopify's cost limit). */
  pageSizes?: { orders?: number; lineItems?: number; products?: number };
  fetch?: typeof fetch;
  /** Aborted when the job must stop (the app was uninstalled, a lock was lost): checked at every progress point. */
  signal?: AbortSignal;
  /** The job this sync is a step of, and who listens to its progress (models/job-progress.ts). */
  progress?: StepProgressOptions;
}

export interface SyncRunSummary {
  runId: string;
  shop: string;
  kind: SyncKind;
  status: "succeeded" | "failed";
  ordersCount: number;
  lineItemsCount: number;
  customersCount: number;
  skippedLines: number;
  expectedCount: number | null;
  olderIgnored: number;
  partial: boolean;
  historyLimited: boolean;
  warnings: string[];
  error: string | null;
  durationMs: number;
}

export class SyncFailedError extends Error {
  constructor(readonly summary: SyncRunSummary) {
    super(summary.error ?? "the sync failed");
    this.name = "SyncFailedError";
  }
}

/** Time subtracted from the last sync's start for a delta, against clock skew between us and Shopify. */
const DELTA_OVERLAP_MS = 5 * 60_000;

/**
 * Streams a bulk file into the database: raw chunks -> assembleChunks (ChunkLines + OrderAssembler) -> batches -> upsertOrders.
 * Shared by the full sync (bulk download) and `cli import` (a file), so both store the same facts.
 */
export class OrderIngest {
  readonly stats: BulkParseStats;
  readonly customers = new Set<string>();
  ordersCount = 0;
  lineItemsCount = 0;
  olderIgnored = 0;
  private readonly asm: OrderAssembler;
  private batch: OrderInput[] = [];

  constructor(
    private readonly db: Db,
    private readonly shop: string,
    private readonly opts: { batchSize?: number; window?: number; onBatch?: () => Promise<void> } = {},
  ) {
    this.stats = newStats();
    this.asm = new OrderAssembler(this.stats, opts.window ?? 5000);
  }

  /** The figures a sync run records and shows while it goes. */
  counts(): { ordersCount: number; lineItemsCount: number; customersCount: number; skippedLines: number } {
    return {
      ordersCount: this.ordersCount,
      lineItemsCount: this.lineItemsCount,
      customersCount: this.customers.size,
      skippedLines: this.stats.skipped,
    };
  }

  /** Raw chunks (an HTTP body, a file stream): split and parsed synchronously, written in batches. */
  async addChunks(chunks: AsyncIterable<Uint8Array | string>): Promise<void> {
    const size = this.opts.batchSize ?? 500;
    for await (const orders of assembleChunks(chunks, this.asm)) {
      for (const order of orders) this.batch.push(order);
      if (this.batch.length >= size) await this.flush();
    }
  }

  async addOrders(orders: OrderInput[]): Promise<void> {
    this.batch.push(...orders);
    await this.flush();
  }

  /**
   * Ends the input: writes what is left and the line items that came after their order; after a large
   * ingest (a first sync), refreshes the database's planner statistics so the analysis reads it quickly.
   */
  async finish(): Promise<void> {
    this.asm.finish(this.batch);
    await this.flush();
    if (this.asm.late.length) {
      const { added, orphaned } = await addLateLineItems(this.db, this.shop, this.asm.late);
      this.lineItemsCount += added;
      if (orphaned) {
        this.stats.skipped += orphaned;
        this.stats.problems.push(`${orphaned} line item(s) whose order is not stored`);
      }
      this.asm.late.length = 0;
    }
    if (this.ordersCount >= STATISTICS_AFTER_ORDERS) await refreshOrderStatistics(this.db);
  }

  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    const batch = this.batch;
    this.batch = [];
    const r = await upsertOrders(this.db, this.shop, batch);
    this.ordersCount += r.written;
    this.lineItemsCount += r.lineItems;
    this.olderIgnored += r.olderIgnored;
    for (const o of batch) if (o.customerId) this.customers.add(o.customerId);
    await this.opts.onBatch?.();
  }
}

export async function runSync(db: Db, admin: AdminGraphql, shop: string, opts: SyncOptions): Promise<SyncRunSummary> {
  const started = new Date();
  const settings = await getShopSettings(db, shop);
  const lastSync = [settings.lastDeltaSyncAt, settings.lastFullSyncAt]
    .filter((d): d is Date => !!d)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  // A shop synced without read_all_orders that has it now (its app/scopes_update webhook was missed, or came
  // before the change was stored): a delta would never read the older orders, so this sync is a full one.
  const grantedSince =
    opts.kind === "delta" && lastSync && settings.historyLimited
      ? (await grantedScopes(admin)).includes(FULL_HISTORY_SCOPE)
      : false;
  const kind: "full" | "delta" = opts.kind === "delta" && lastSync && !grantedSince ? "delta" : "full";
  const run = await createSyncRun(db, shop, kind, "running");
  const details: SyncRunDetails = { warnings: [], problems: [], phase: "starting", timings: {} };
  if (opts.kind === "delta" && !lastSync)
    details.warnings.push("No earlier sync was found, so a full sync was run instead of a delta.");
  if (grantedSince)
    details.warnings.push(
      "Shopify now lets Churnless read all orders, so a full sync was run instead of a delta to read the older ones.",
    );
  let expectedCount: number | null = null;
  let bulkOperationId: string | null = null;
  let reusedExport = false;
  let lastWrite = 0;
  const apiBefore = { ...admin.stats };

  // The step's share: the export grows towards an unknown total (half-way at the orders stored before, or
  // 1,000 objects), then orders are stored out of the export's count (or pages read out of none).
  const stepProgress = new StepProgress(
    db,
    run.id,
    kind === "full" ? "full-sync" : "delta-sync",
    kind === "full" ? PHASES.sync : PHASES.delta,
    details,
    opts.progress,
  );
  const knownOrders = kind === "full" ? (await countOrders(db, shop)).orders : 0;
  const phaseShare = (phase: string): number => {
    if (phase === "exporting") return openEndedShare(details.bulkObjectCount ?? 0, Math.max(1000, knownOrders * 2));
    if (phase === "downloading") return shareOf(ingest.ordersCount, expectedCount);
    if (phase === "paging") return openEndedShare(ingest.ordersCount, 250);
    return 0;
  };

  const ingest = new OrderIngest(db, shop, {
    batchSize: opts.batchSize,
    onBatch: async () => {
      await progress(false);
    },
  });

  async function progress(force: boolean, phase?: SyncProgressEvent["phase"]) {
    // Between batches, pages and bulk polls: a job told to stop stops here, and the run records why.
    opts.signal?.throwIfAborted();
    if (phase) details.phase = phase;
    const current = phase ?? details.phase ?? "starting";
    stepProgress.mark(current, phaseShare(current));
    const event: SyncProgressEvent = {
      runId: run.id,
      phase: (details.phase as SyncProgressEvent["phase"]) ?? "starting",
      ordersCount: ingest.ordersCount,
      lineItemsCount: ingest.lineItemsCount,
      skippedLines: ingest.stats.skipped,
      expectedCount,
    };
    opts.onProgress?.(event);
    const now = Date.now();
    if (!force && now - lastWrite < (opts.progressEveryMs ?? 1000)) return;
    lastWrite = now;
    await updateSyncRun(db, run.id, {
      ...ingest.counts(),
      expectedCount,
      bulkOperationId,
      details,
    });
  }

  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      details.timings![name] = Date.now() - t0;
    }
  };

  const summary = (status: "succeeded" | "failed", error: string | null): SyncRunSummary => ({
    runId: run.id,
    shop,
    kind,
    status,
    ...ingest.counts(),
    expectedCount,
    olderIgnored: ingest.olderIgnored,
    partial: !!details.partial,
    historyLimited: !!details.historyLimited,
    warnings: details.warnings,
    error,
    durationMs: Date.now() - started.getTime(),
  });

  try {
    await progress(true, "starting");
    // The shop's time zone and currency, kept for the analysis (days in the shop's zone) and the admin.
    const zone = await time("locale", () => fetchShopZone(admin));
    if (zone?.ianaTimezone && zone.currencyCode) await saveShopLocale(db, shop, zone);
    else details.warnings.push("The shop's time zone and currency could not be read; the ones stored before are used.");
    // History depth: without read_all_orders Shopify shows only the last 60 days.
    const scopes = await time("scopes", () => grantedScopes(admin));
    const historyLimited = !scopes.includes(FULL_HISTORY_SCOPE);
    details.historyLimited = historyLimited;
    if (historyLimited) details.warnings.push(HISTORY_LIMITED_WARNING);
    if (historyLimited !== settings.historyLimited) await updateShopSettings(db, shop, { historyLimited });

    if (kind === "full") {
      await progress(true, "exporting");
      const bulk = await time("export", () =>
        runBulkQuery(admin, ORDERS_BULK_QUERY, {
          ...opts.bulk,
          onStatus: async (op) => {
            // The admin's progress line shows Shopify's export growing (objects exported so far).
            details.bulkObjectCount = op.objectCount;
            details.bulkRootObjectCount = op.rootObjectCount;
            if (op.id !== bulkOperationId) {
              bulkOperationId = op.id;
              await progress(true);
            } else await progress(false);
            await opts.bulk?.onStatus?.(op);
          },
        }),
      );
      bulkOperationId = bulk.operation.id;
      details.bulkAttempts = bulk.attempts;
      if (bulk.failures.length) details.bulkFailures = bulk.failures;
      reusedExport = bulk.reused;
      if (bulk.reused)
        details.warnings.push("An export of the orders was already running in Shopify; its result was used.");
      expectedCount = bulk.operation.rootObjectCount || null;
      if (bulk.partial) {
        details.partial = true;
        details.warnings.push(
          "Shopify could only export part of the order history this time. The orders it exported were saved; the next sync will try again for the rest.",
        );
      }
      await progress(true, "downloading");
      if (bulk.downloadUrl) {
        const url = bulk.downloadUrl;
        await time("download", () => ingest.addChunks(downloadChunks(url, opts.fetch)));
      }
      await ingest.finish();
    } else {
      const since = new Date(lastSync!.getTime() - DELTA_OVERLAP_MS);
      details.since = since.toISOString();
      await progress(true, "paging");
      await time("pages", async () => {
        for await (const page of pageOrders(
          admin,
          {
            query: `updated_at:>'${since.toISOString()}'`,
            pageSize: opts.pageSizes?.orders,
            lineItemsPageSize: opts.pageSizes?.lineItems,
          },
          ingest.stats,
        ))
          await ingest.addOrders(page);
      });
      await ingest.finish();
    }

    if (opts.products !== false) {
      await progress(true, "products");
      try {
        const query = kind === "delta" ? `updated_at:>'${details.since}'` : null;
        details.products = (
          await time("products", () => syncProducts(db, admin, shop, { query, pageSize: opts.pageSizes?.products }))
        ).products;
      } catch (error) {
        details.warnings.push(
          `The product catalogue could not be refreshed (${(error as Error).message}); recommendations use the last one saved.`,
        );
      }
    }

    if (ingest.stats.skipped) {
      details.warnings.push(
        `${ingest.stats.skipped} line(s) of the export could not be read and were skipped; every other order was saved.`,
      );
    }
    details.problems = ingest.stats.problems;
    details.olderIgnored = ingest.olderIgnored;
    details.api = diff(admin.stats, apiBefore);
    stepProgress.mark("done", 1);
    // A complete export is the shop's whole history: orders it no longer holds (deleted in Shopify) go.
    // Never after a partial export, skipped lines or a 60-day window: what is missing may still exist.
    // Never after reusing an export that was already running: it began before this run, so orders that
    // webhooks stored between its start and ours are not in it, yet were stored before `started`. Our own
    // export begins after `started`, so every order stored before it is in the file unless deleted.
    if (kind === "full" && reusedExport) {
      details.removalSkipped = "reused-export";
    } else if (kind === "full" && !details.partial && !ingest.stats.skipped && !details.historyLimited) {
      const removed = await removeOrdersNotSyncedSince(db, shop, started);
      if (removed) details.removedOrders = removed;
    }
    // A partial export leaves the sync dates alone, so the next sync asks for everything again.
    if (!details.partial) {
      await updateShopSettings(
        db,
        shop,
        kind === "full" ? { lastFullSyncAt: started, lastDeltaSyncAt: started } : { lastDeltaSyncAt: started },
      );
    }
    await finishSyncRun(db, run.id, {
      status: "succeeded",
      ...ingest.counts(),
      expectedCount,
      bulkOperationId,
      details,
    });
    opts.onProgress?.({
      runId: run.id,
      phase: "done",
      ordersCount: ingest.ordersCount,
      lineItemsCount: ingest.lineItemsCount,
      skippedLines: ingest.stats.skipped,
      expectedCount,
    });
    return summary("succeeded", null);
  } catch (error) {
    const message = (error as Error).message || String(error);
    details.problems = ingest.stats.problems;
    details.api = diff(admin.stats, apiBefore);
    details.failedIn = details.phase;
    await finishSyncRun(db, run.id, {
      status: "failed",
      error: message,
      ...ingest.counts(),
      expectedCount,
      bulkOperationId,
      details,
    }).catch((recordError: unknown) =>
      console.error(
        `[sync] ${shop}: could not record run ${run.id} as failed: ${(recordError as Error)?.message ?? recordError}`,
      ),
    );
    throw new SyncFailedError(summary("failed", message));
  }
}

function diff(now: AdminGraphql["stats"], before: AdminGraphql["stats"]) {
  return {
    calls: now.calls - before.calls,
    costPoints: now.costPoints - before.costPoints,
    retries: now.retries - before.retries,
  };
}

/** `cli import`: a bulk JSONL file from disk through the same parser and writes, recorded as an import run. */
export async function importOrderLines(
  db: Db,
  shop: string,
  source: { chunks: AsyncIterable<Uint8Array | string> },
  opts: { batchSize?: number } = {},
): Promise<SyncRunSummary> {
  const started = Date.now();
  await getShopSettings(db, shop);
  const run = await createSyncRun(db, shop, "import", "running");
  const ingest = new OrderIngest(db, shop, opts);
  const details: SyncRunDetails = { warnings: [], problems: [] };
  const base = () => ({
    runId: run.id,
    shop,
    kind: "import" as const,
    ...ingest.counts(),
    expectedCount: null,
    olderIgnored: ingest.olderIgnored,
    partial: false,
    historyLimited: false,
    warnings: details.warnings,
    durationMs: Date.now() - started,
  });
  try {
    await ingest.addChunks(source.chunks);
    await ingest.finish();
    details.problems = ingest.stats.problems;
    details.olderIgnored = ingest.olderIgnored;
    if (ingest.stats.skipped)
      details.warnings.push(`${ingest.stats.skipped} line(s) could not be read and were skipped.`);
    const b = base();
    await finishSyncRun(db, run.id, {
      status: "succeeded",
      ordersCount: b.ordersCount,
      lineItemsCount: b.lineItemsCount,
      customersCount: b.customersCount,
      skippedLines: b.skippedLines,
      details,
    });
    return { ...b, status: "succeeded", error: null };
  } catch (error) {
    const message = (error as Error).message;
    const b = base();
    await finishSyncRun(db, run.id, {
      status: "failed",
      error: message,
      ordersCount: b.ordersCount,
      lineItemsCount: b.lineItemsCount,
      skippedLines: b.skippedLines,
      details,
    }).catch((recordError: unknown) =>
      console.error(
        `[import] ${shop}: could not record run ${run.id} as failed: ${(recordError as Error)?.message ?? recordError}`,
      ),
    );
    throw new SyncFailedError({ ...b, status: "failed", error: message });
  }
}

interface ProductsSyncResult {
  products: number;
}

/** The catalogue step: every product page read from the Admin API is stored as it arrives. */
async function syncProducts(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  opts: { query?: string | null; pageSize?: number } = {},
): Promise<ProductsSyncResult> {
  let count = 0;
  for await (const page of productPages(admin, opts)) {
    await replaceProducts(db, shop, page);
    count += page.length;
  }
  return { products: count };
}
