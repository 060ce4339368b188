/**
 * Publish: write the analysis back to Shopify (customer tags, app metafields, Flow triggers, customer
 * segments) and record what changed as a SyncRun of kind "publish".
 *
 * 1. Finish what a crashed publish left: TagChange rows still `pending` are sent again (tagsAdd and
 *    tagsRemove are idempotent, so a change that did reach Shopify before the crash is not doubled).
 * 2. Read every customer's tags and app metafields from Shopify (the truth, whatever happened since).
 * 3. Diff against the desired app tags (app/shopify/tags.ts); merchant tags are never touched.
 * 4. Preview: count per tag who gains and loses it, write nothing to Shopify.
 * 5. Otherwise write the plan as pending TagChange rows BEFORE sending anything, then send it (small
 *    path, or one bulk mutation per action above the bulk threshold), marking rows done as Shopify answers.
 * 6. Flow triggers for changed bands / segments, then metafieldsSet for changed values only, then segments.
 *
 * Auto-tag: when `preview` is not given, the publish writes only when Shop.autoTag is on (or `force`);
 * callers that decide themselves (the job runner) pass `preview` explicitly. `removeAll` (the merchant's
 * undo) always writes: it removes every tag with the app's prefix and deletes the app's segments.
 */
import type { Db } from "../db.server";
import { setShopifyRfmGroups } from "../models/scores.server";
import { getShopSettings, updateShopSettings } from "../models/shop-settings.server";
import { changeMarker, pendingChanges, recordPlan, skipStaleChanges, unfinishedRuns, type PlanContext, type PlannedChange } from "../models/tag-changes.server";
import {
  FLOW_DUE_REORDER,
  FLOW_RISK_CHANGED,
  FLOW_SEGMENT_CHANGED,
  fireRiskChanged,
  fireSegmentChanged,
  newFlowReport,
  type FlowReport,
  type RiskChange,
  type SegmentChange,
} from "../shopify/flow.server";
import { flowTriggersInUse } from "../models/flow-triggers.server";
import { createSyncRun } from "../models/sync-runs.server";
import {
  deleteMetafields,
  ensureMetafieldDefinitions,
  metafieldChanges,
  metafieldValues,
  writeMetafields,
  type MetafieldsSetReport,
  type MetafieldWrite,
} from "../shopify/metafields.server";
import { syncSegments, type SegmentSyncReport } from "./segments-sync.server";
import {
  dueReorderChange,
  fireDueTriggers,
  flowAllowed,
  loadPublishExtras,
  removeOptedOutMetafields,
  summarizeExtras,
  withExtraTags,
  type PublishExtrasSummary,
} from "./publish-extras.server";
import type { DueReorderChange } from "../shopify/flow.server";
import {
  BULK_THRESHOLD,
  READ_BULK_THRESHOLD,
  readCustomers,
  readCustomersBulk,
  writeTagsBulk,
  writeTagsSmall,
  type BulkOptions,
  type AppMetafieldKey,
  type BulkReadStats,
  type CustomerState,
  type TagWrite,
  type TagWriteResult,
} from "../shopify/tag-writer.server";
import { countTagChanges, desiredTags, diffTags, normalizePrefix, type TagCounts, type TagDiff } from "../shopify/tags";
import type { AdminGraphql } from "../shopify/types";

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
}

export type PublishMode = "publish" | "preview" | "remove-all";

export interface PublishError {
  customerId?: string;
  tags?: string[];
  message: string;
}

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
  atLimit: { count: number; customerIds: string[] };
  errors: PublishError[];
  errorCount: number;
  path: "none" | "small" | "bulk";
  bulkOperationIds: string[];
  /** How customers were read: pages, or one bulk query (falls back to pages on a damaged file). */
  read: { path: "pages" | "bulk"; bulkOperationId: string | null; skippedLines: number };
  /** Pending changes of interrupted publishes: sent again, or skipped when computed for another prefix or analysis. */
  resumed: { runIds: string[]; applied: number; failed: number; skipped: number };
  /** A prefix change being published: the app's tags move from `from` to `to`. */
  prefixMove?: { from: string; to: string; done: boolean };
  metafields: MetafieldsSetReport | null;
  flow: (FlowReport & { alreadySent?: number }) | null;
  segments: SegmentSyncReport | null;
  /** Issue 16: opt-outs honoured, control groups, due to reorder (publish-extras.server.ts). */
  extras?: PublishExtrasSummary;
  /** tagsAdd / tagsRemove calls the plan needed (one per customer and action), whatever the path. */
  tagWrites: number;
  cost: { calls: number; costPoints: number; retries: number };
  /** Milliseconds per step. */
  timings: Record<string, number>;
  durationMs: number;
}

const MAX_LISTED = 100;

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

function toWrites(customerId: string, diff: TagDiff): TagWrite[] {
  const writes: TagWrite[] = [];
  if (diff.remove.length) writes.push({ customerId, action: "remove", tags: diff.remove });
  if (diff.add.length) writes.push({ customerId, action: "add", tags: diff.add });
  return writes;
}

/** Sends writes the small or the bulk way and reports every answer through `onResult`. */
async function sendWrites(
  admin: AdminGraphql,
  writes: TagWrite[],
  onResult: (r: TagWriteResult) => Promise<void>,
  opts: PublishOptions & { bulkThreshold: number },
  onBulkStarted: (id: string) => Promise<void>,
): Promise<{ path: "none" | "small" | "bulk"; bulkOperationIds: string[] }> {
  if (!writes.length) return { path: "none", bulkOperationIds: [] };
  if (writes.length > opts.bulkThreshold) {
    const outcome = await writeTagsBulk(admin, writes, onResult, { ...opts.bulk, onStarted: (id) => onBulkStarted(id) });
    // Lines the bulk operation did not answer (failed or partial operation) go the small way.
    if (outcome.missing.length) await writeTagsSmall(admin, outcome.missing, onResult, { concurrency: opts.concurrency });
    return { path: "bulk", bulkOperationIds: outcome.bulkOperationIds };
  }
  await writeTagsSmall(admin, writes, onResult, { concurrency: opts.concurrency });
  return { path: "small", bulkOperationIds: [] };
}

/**
 * The Flow trigger journal (FlowTriggerLog): `once(trigger, customer, value, report, send)` records the
 * trigger as "sending" BEFORE sending it, then "sent" or "failed". A trigger already recorded for this
 * analysis is not sent again, whatever its status: "sending" means a crash came between recording and
 * Shopify's answer, and sending once more could run the merchant's workflow twice.
 */
function flowJournal(db: Db, shop: string, analysisId: string | null) {
  return async (
    trigger: "risk-changed" | "segment-changed" | "due-reorder",
    handle: string,
    customerId: string,
    value: string,
    report: FlowReport & { alreadySent?: number },
    send: () => Promise<void>,
  ): Promise<void> => {
    // A trigger no workflow uses is not sent (send() counts it as skipped): nothing to journal.
    if (!report.inUse.includes(handle)) return send();
    const key = `${analysisId ?? "none"}|${trigger}|${customerId}|${value}`;
    try {
      await db.flowTriggerLog.create({ data: { shop, key, analysisId: analysisId ?? "none", customerId, trigger } });
    } catch (error) {
      // P2002: the row exists, this trigger was sent (or was being sent) before.
      if ((error as { code?: string }).code !== "P2002") throw error;
      report.alreadySent = (report.alreadySent ?? 0) + 1;
      return;
    }
    const errorsBefore = report.errors.length;
    await send();
    const error = report.errors.length > errorsBefore ? report.errors.at(-1)! : null;
    await db.flowTriggerLog.update({
      where: { shop_key: { shop, key } },
      data: error ? { status: "failed", error } : { status: "sent", sentAt: new Date() },
    });
  };
}

export async function runPublish(db: Db, admin: AdminGraphql, shop: string, opts: PublishOptions = {}): Promise<PublishReport> {
  const startedAt = Date.now();
  const before = { ...admin.stats };
  const settings = await getShopSettings(db, shop);
  const prefix = normalizePrefix(settings.tagPrefix);
  // A changed prefix: the app's tags still carry the former one until a publish moves them, and that
  // publish needs a preview the merchant saw after the change (docs/tagging.md).
  const formerPrefix = settings.previousTagPrefix && normalizePrefix(settings.previousTagPrefix) !== prefix ? normalizePrefix(settings.previousTagPrefix) : null;
  const moveSeen = !!settings.previewSeenAt && !!settings.tagPrefixChangedAt && settings.previewSeenAt >= settings.tagPrefixChangedAt;
  const mustPreview = !!formerPrefix && !moveSeen && !opts.removeAll;
  const previewOnly = mustPreview || (opts.preview ?? (!settings.autoTag && !opts.force));
  const mode: PublishMode = opts.removeAll ? "remove-all" : previewOnly ? "preview" : "publish";
  const bulkThreshold = opts.bulkThreshold ?? BULK_THRESHOLD;
  // Journal marks per statement: a crash re-sends at most that many; a bulk-sized plan marks in larger steps.
  const markBatch = (writes: number) => opts.markBatch ?? (writes > bulkThreshold ? 500 : 25);
  // SyncRun kinds match the job kinds the UI labels: publish, preview, remove-tags.
  const kind = mode === "preview" ? "preview" : mode === "remove-all" ? "remove-tags" : "publish";
  const run = await createSyncRun(db, shop, kind); // with a heartbeat: a killed worker's run is reaped
  const report: PublishReport = {
    runId: run.id,
    mode,
    note:
      mode === "preview" && mustPreview && !opts.preview
        ? `The tag prefix changed from "${formerPrefix}" to "${prefix}": this run only previews moving the tags. Look at the preview, then publish.`
        : mode === "preview" && opts.preview === undefined
          ? "Auto-tagging is off: preview only (turn it on, or publish now, to write)."
          : undefined,
    customers: 0,
    customersChanged: 0,
    tagsAdded: 0,
    tagsRemoved: 0,
    perTag: {},
    atLimit: { count: 0, customerIds: [] },
    errors: [],
    errorCount: 0,
    path: "none",
    bulkOperationIds: [],
    read: { path: "pages", bulkOperationId: null, skippedLines: 0 },
    resumed: { runIds: [], applied: 0, failed: 0, skipped: 0 },
    prefixMove: formerPrefix ? { from: formerPrefix, to: prefix, done: false } : undefined,
    metafields: null,
    flow: null,
    segments: null,
    tagWrites: 0,
    cost: { calls: 0, costPoints: 0, retries: 0 },
    timings: {},
    durationMs: 0,
  };
  let stepStarted = Date.now();
  const step = (name: string) => {
    const now = Date.now();
    report.timings[name] = (report.timings[name] ?? 0) + now - stepStarted;
    stepStarted = now;
  };
  const addError = (e: PublishError) => {
    report.errorCount++;
    if (report.errors.length < MAX_LISTED) report.errors.push(e);
  };
  const noteLimit = (customerId: string) => {
    report.atLimit.count++;
    if (report.atLimit.customerIds.length < MAX_LISTED) report.atLimit.customerIds.push(customerId);
  };
  const finish = async (status: "succeeded" | "failed", error?: string) => {
    report.cost = {
      calls: admin.stats.calls - before.calls,
      costPoints: admin.stats.costPoints - before.costPoints,
      retries: admin.stats.retries - before.retries,
    };
    report.durationMs = Date.now() - startedAt;
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        status,
        error: error ?? null,
        customersCount: report.customers,
        expectedCount: report.tagsAdded + report.tagsRemoved,
        bulkOperationId: report.bulkOperationIds.at(-1) ?? null,
        detailsJson: JSON.stringify({ ...report, runId: undefined }),
        finishedAt: new Date(),
      },
    });
  };

  try {
    const latest = await db.analysis.findFirst({ where: { shop }, orderBy: { createdAt: "desc" }, select: { id: true } });
    const context: PlanContext = { prefix, analysisId: latest?.id ?? null };
    // 1. Finish what an interrupted publish left pending (never in a preview: it writes), except changes
    //    computed for another prefix or an older analysis: those are skipped, the diff below decides anew.
    if (mode !== "preview") {
      for (const oldRunId of await unfinishedRuns(db, shop)) {
        if (oldRunId === run.id) continue;
        report.resumed.skipped += await skipStaleChanges(db, shop, oldRunId, context);
        const pending = await pendingChanges(db, shop, oldRunId);
        report.resumed.runIds.push(oldRunId);
        const marker = changeMarker(db, shop, oldRunId, markBatch(pending.length));
        try {
          await sendWrites(
            admin,
            pending,
            async (r) => {
              await marker.mark({ change: r.write, status: r.ok ? "done" : "failed", error: r.error });
              if (r.ok) report.resumed.applied += r.write.tags.length;
              else report.resumed.failed += r.write.tags.length;
            },
            { ...opts, bulkThreshold },
            async () => undefined,
          );
        } finally {
          await marker.flush();
        }
        await db.syncRun.updateMany({
          where: { id: oldRunId, shop, status: "running" },
          data: { status: "failed", error: `Interrupted; its pending tag changes were finished by publish ${run.id}`, finishedAt: new Date() },
        });
      }
    }

    step("resume");
    // 2-3. Read Shopify, diff against the scores.
    const scores = new Map<string, ScoreRow>();
    if (mode !== "remove-all") {
      const rows = await db.customerScore.findMany({
        where: { shop },
        select: { customerId: true, rfmSegment: true, riskBand: true, clusterKey: true, churnProbability: true, clv12m: true, recommendedJson: true, shopifyRfmGroup: true },
      });
      for (const r of rows) scores.set(r.customerId, r);
    }
    const scored = mode === "remove-all" ? await db.customerScore.count({ where: { shop } }) : scores.size;
    const bulkRead = scored > (opts.readBulkThreshold ?? READ_BULK_THRESHOLD);
    async function* customerPages(): AsyncGenerator<CustomerState[]> {
      if (bulkRead) {
        const stats: BulkReadStats = { bulkOperationId: null, skippedLines: 0 };
        const all = await readCustomersBulk(admin, opts.bulk, stats);
        report.read = { path: "bulk", bulkOperationId: stats.bulkOperationId, skippedLines: stats.skippedLines };
        // A damaged line may be a customer: only a complete read makes a correct diff.
        if (stats.skippedLines === 0) {
          yield all;
          return;
        }
      }
      yield* readCustomers(admin, { pageSize: opts.pageSize });
    }
    // Opt-outs, control groups and due products (issue 16); nothing when none is set up.
    const extras = await loadPublishExtras(db, shop, mode);
    const dueChanges: DueReorderChange[] = [];
    const diffs: Array<{ customerId: string; diff: TagDiff }> = [];
    const metafieldWrites: MetafieldWrite[] = [];
    const metafieldDeletes: Array<{ ownerId: string; key: AppMetafieldKey }> = [];
    const riskChanges: RiskChange[] = [];
    const segmentChanges: SegmentChange[] = [];
    const rfmGroups = new Map<string, string | null>();
    for await (const page of customerPages()) {
      for (const customer of page) {
        report.customers++;
        // An opted-out customer is published as unscored: app tags removed, metafields deleted, no trigger.
        const score = extras.optedOut.has(customer.id) ? undefined : scores.get(customer.id);
        if (score && customer.rfmGroup !== undefined && (customer.rfmGroup ?? null) !== score.shopifyRfmGroup) rfmGroups.set(customer.id, customer.rfmGroup ?? null);
        const desired = score ? withExtraTags(extras, customer.id, prefix, desiredTags(score, settings)) : [];
        const diff = diffTags(customer.tags, desired, prefix, { formerPrefixes: formerPrefix ? [formerPrefix] : [] });
        if (diff.overLimit) noteLimit(customer.id);
        if (diff.add.length || diff.remove.length) diffs.push({ customerId: customer.id, diff });
        if (mode === "remove-all" || (mode === "publish" && extras.optedOut.has(customer.id))) {
          for (const key of Object.keys(customer.metafields) as AppMetafieldKey[]) metafieldDeletes.push({ ownerId: customer.id, key });
        }
        if (mode !== "publish" || !score) continue;
        const values = metafieldValues(score, { recsEnabled: settings.recsEnabled, recsCount: settings.recsCount, dueProducts: extras.due.get(customer.id) });
        metafieldWrites.push(...metafieldChanges(customer.id, customer.metafields, values));
        // Held-out (control group) customers get no Flow trigger.
        if (!flowAllowed(extras, customer.id)) continue;
        const dueChange = dueReorderChange(extras, customer);
        if (dueChange) dueChanges.push(dueChange);
        const previousBand = customer.metafields.risk_band;
        if (previousBand && previousBand !== score.riskBand) {
          riskChanges.push({ customerId: customer.id, previousBand, newBand: score.riskBand, churnProbability: score.churnProbability });
        }
        const previousSegment = customer.metafields.segment;
        if (previousSegment && previousSegment !== score.rfmSegment) {
          segmentChanges.push({ customerId: customer.id, previousSegment, newSegment: score.rfmSegment, churnProbability: score.churnProbability });
        }
      }
    }
    report.customersChanged = diffs.length;
    // Shopify's own RFM group, read on the way, is kept beside ours (shown on the customer page).
    await setShopifyRfmGroups(db, shop, rfmGroups);
    step("read");

    opts.signal?.throwIfAborted();
    // 4. Preview: planned counts only.
    if (mode === "preview") {
      report.tagWrites = diffs.reduce((n, d) => n + (d.diff.add.length ? 1 : 0) + (d.diff.remove.length ? 1 : 0), 0);
      report.perTag = countTagChanges(diffs.map((d) => d.diff));
      for (const { diff } of diffs) {
        report.tagsAdded += diff.add.length;
        report.tagsRemoved += diff.remove.length;
      }
      await finish("succeeded");
      return report;
    }

    // 5. Journal first, then write.
    const writes = diffs.flatMap((d) => toWrites(d.customerId, d.diff));
    const planned: PlannedChange[] = writes.flatMap((w) => w.tags.map((tag) => ({ customerId: w.customerId, tag, action: w.action })));
    report.tagWrites = writes.length;
    await recordPlan(db, shop, run.id, planned, context);
    await db.syncRun.update({ where: { id: run.id }, data: { expectedCount: planned.length } });
    step("plan");
    const done: Array<Pick<TagDiff, "add" | "remove">> = [];
    let tagErrors = 0;
    const limited = new Set(report.atLimit.customerIds);
    const marker = changeMarker(db, shop, run.id, markBatch(writes.length));
    let sent: Awaited<ReturnType<typeof sendWrites>>;
    try {
      sent = await sendWrites(
        admin,
        writes,
        async (r) => {
          await marker.mark({ change: r.write, status: r.ok ? "done" : "failed", error: r.error });
          // Lost the lock: stop sending (what is left stays pending in the journal for the next publish).
          opts.signal?.throwIfAborted();
          if (r.ok) {
            done.push(r.write.action === "add" ? { add: r.write.tags, remove: [] } : { add: [], remove: r.write.tags });
            if (r.write.action === "add") report.tagsAdded += r.write.tags.length;
            else report.tagsRemoved += r.write.tags.length;
          } else {
            if (r.limit && !limited.has(r.write.customerId)) {
              limited.add(r.write.customerId);
              noteLimit(r.write.customerId);
            }
            tagErrors++;
            addError({ customerId: r.write.customerId, tags: r.write.tags, message: r.error ?? "refused" });
          }
        },
        { ...opts, bulkThreshold },
        async (id) => {
          await db.syncRun.update({ where: { id: run.id }, data: { bulkOperationId: id } });
        },
      );
    } finally {
      await marker.flush();
    }
    report.path = sent.path;
    report.bulkOperationIds = sent.bulkOperationIds;
    report.perTag = countTagChanges(done);
    step("tags");

    // 6. Flow, metafields, segments.
    opts.signal?.throwIfAborted();
    if (mode === "publish" && opts.flow !== false) {
      // Only triggers a workflow uses (Flow's lifecycle callbacks); the others are skipped and counted.
      const flow: FlowReport = newFlowReport(await flowTriggersInUse(db, shop));
      // Journaled: each trigger is recorded before it is sent, so a retried or resumed publish never sends
      // the same trigger (analysis, customer, new value) twice.
      const once = flowJournal(db, shop, context.analysisId);
      for (const c of riskChanges) {
        opts.signal?.throwIfAborted();
        await once("risk-changed", FLOW_RISK_CHANGED, c.customerId, c.newBand, flow, () => fireRiskChanged(admin, c, flow));
      }
      for (const c of segmentChanges) {
        opts.signal?.throwIfAborted();
        await once("segment-changed", FLOW_SEGMENT_CHANGED, c.customerId, c.newSegment, flow, () => fireSegmentChanged(admin, c, flow));
      }
      for (const c of dueChanges) {
        opts.signal?.throwIfAborted();
        await once("due-reorder", FLOW_DUE_REORDER, c.customerId, c.productIds.join(","), flow, () => fireDueTriggers(admin, [c], flow));
      }
      report.flow = flow;
      step("flow");
      flow.errors.slice(0, MAX_LISTED).forEach((message) => addError({ message }));
    }
    opts.signal?.throwIfAborted();
    if (mode === "publish" && opts.metafields !== false) {
      const mf: MetafieldsSetReport = { calls: 0, written: 0, errors: [] };
      if (metafieldWrites.length) {
        await ensureMetafieldDefinitions(admin);
        const bulkOperationId = await writeMetafields(admin, metafieldWrites, { bulkThreshold, bulk: opts.bulk }, mf);
        if (bulkOperationId) report.bulkOperationIds.push(bulkOperationId);
      }
      report.metafields = mf;
      step("metafields");
      mf.errors.slice(0, MAX_LISTED).forEach((e) => addError({ customerId: e.ownerId, message: `metafield ${e.key ?? ""}: ${e.message}` }));
    }
    if (mode === "remove-all" && opts.metafields !== false) {
      // Undo: the app's metafields go too (their definitions stay; they are harmless and app-owned).
      report.metafields = await deleteMetafields(admin, metafieldDeletes, { bulkThreshold, bulk: opts.bulk });
      report.metafields.errors.slice(0, MAX_LISTED).forEach((e) => addError({ message: e.message }));
      step("metafields");
    }
    // Opted-out customers' app metafields are deleted (issue 16).
    let optedOutDeleted = 0;
    if (mode === "publish" && opts.metafields !== false && metafieldDeletes.length) {
      const deleted = await removeOptedOutMetafields(admin, metafieldDeletes, { bulkThreshold, bulk: opts.bulk });
      optedOutDeleted = deleted.written;
      deleted.errors.slice(0, MAX_LISTED).forEach((e) => addError({ message: e.message }));
    }
    report.extras = summarizeExtras(extras, optedOutDeleted);
    opts.signal?.throwIfAborted();
    if (opts.segments !== false) {
      report.segments = await syncSegments(db, admin, shop, settings, { removeAll: mode === "remove-all", holdoutSegments: extras.holdout.segments });
      report.segments.errors.forEach((message) => addError({ message }));
      step("segments");
    }

    // Every tag reached its new prefix: the move is over (a refused write keeps it for the next publish).
    const moved = !!formerPrefix && tagErrors === 0;
    if (moved) report.prefixMove!.done = true;
    await updateShopSettings(db, shop, { lastPublishAt: new Date(), ...(moved ? { previousTagPrefix: null, tagPrefixChangedAt: null } : {}) });
    await finish("succeeded");
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finish("failed", message).catch(() => undefined);
    throw error;
  }
}
