/**
 * Apply: the steps of a publish (or an undo) that write to Shopify, each returning what it did. Tags first
 * (journaled, journal.server.ts), then Flow triggers, metafields and segments. Each step starts with a
 * lock check: a job that lost its lock stops before its next write (the journal keeps what is left).
 */
import type { Db } from "../../db.server";
import { flowTriggersInUse } from "../../models/flow-triggers.server";
import type { ShopSettings } from "../../models/shop-settings.server";
import { updateSyncRun } from "../../models/sync-runs.server";
import {
  FLOW_DUE_REORDER,
  FLOW_RISK_CHANGED,
  FLOW_SEGMENT_CHANGED,
  fireRiskChanged,
  fireSegmentChanged,
  newFlowReport,
  type FlowReport,
} from "../../shopify/flow.server";
import {
  deleteMetafields,
  ensureMetafieldDefinitions,
  writeMetafields,
  type MetafieldsSetReport,
} from "../../shopify/metafields.server";
import {
  ensureRiskSegments,
  recordedShopifySegmentIds,
  segmentRowsForShopify,
  shopifySegmentStore,
} from "../../models/shopify-segments.server";
import { reconcileSegments, type SegmentSyncReport } from "../../shopify/segments.server";
import type { TagSettings } from "../../shopify/tags";
import type { BulkOptions } from "../../shopify/tag-writer.server";
import { countTagChanges, type TagDiff } from "../../shopify/tags";
import type { AdminGraphql } from "../../shopify/types";
import { fireDueTriggers, removeOptedOutMetafields } from "./extras.server";
import { sendJournaled, sendTriggerOnce, type SendOptions } from "./journal.server";
import type { PublishPlan } from "./plan.server";
import { tagWritesOf } from "./plan.server";
import { tally, type ErrorTally, type MetafieldOutcome, type StepResults, type TagOutcome } from "./report";
import { MAX_LISTED, type PublishError } from "./types";

/** Flow and metafield errors: the report lists and counts the first MAX_LISTED of them (as it always has). */
const tallyFirst = (list: readonly PublishError[]): ErrorTally => tally(list.slice(0, MAX_LISTED));

/**
 * Sends the plan's tag changes, which journalPlan recorded as pending before (never the other way round),
 * and counts what Shopify accepted. `alreadyAtLimit`: customers the plan already knew to be at the limit.
 */
export async function applyTags(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  runId: string,
  plan: Pick<PublishPlan, "diffs">,
  alreadyAtLimit: readonly string[],
  opts: SendOptions & { signal?: AbortSignal; onAnswered?: (answered: number, of: number) => Promise<void> },
): Promise<TagOutcome> {
  const writes = tagWritesOf(plan);
  const sent = await sendJournaled(db, admin, shop, runId, writes, {
    ...opts,
    // The run shows the bulk operation as soon as it exists.
    onBulkStarted: (id) => updateSyncRun(db, runId, { bulkOperationId: id }),
  });
  const done: Array<Pick<TagDiff, "add" | "remove">> = [];
  const errors: PublishError[] = [];
  const limited = new Set(alreadyAtLimit);
  const refusedAtLimit: string[] = [];
  let tagsAdded = 0;
  let tagsRemoved = 0;
  for (const r of sent.results) {
    if (r.ok) {
      done.push(r.write.action === "add" ? { add: r.write.tags, remove: [] } : { add: [], remove: r.write.tags });
      if (r.write.action === "add") tagsAdded += r.write.tags.length;
      else tagsRemoved += r.write.tags.length;
      continue;
    }
    // Shopify refused: the change stays "failed" in the journal and is reported, not retried here.
    if (r.limit && !limited.has(r.write.customerId)) {
      limited.add(r.write.customerId);
      refusedAtLimit.push(r.write.customerId);
    }
    errors.push({ customerId: r.write.customerId, tags: r.write.tags, message: r.error ?? "refused" });
  }
  return {
    tagWrites: writes.length,
    tagsAdded,
    tagsRemoved,
    perTag: countTagChanges(done),
    path: sent.path,
    bulkOperationIds: sent.bulkOperationIds,
    errors: tally(errors),
    refusedAtLimit,
    failedWrites: errors.length,
  };
}

/**
 * Flow triggers for changed risk bands, segments and due products. Only triggers a workflow uses are sent
 * (Flow's lifecycle callbacks); the others are skipped and counted. Journaled (sendTriggerOnce): a retried
 * or resumed publish never sends the same trigger (analysis, customer, new value) twice. Opted-out and
 * held-out customers have no change in the plan (planCustomer).
 */
export async function fireFlowTriggers(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  analysisId: string | null,
  plan: Pick<PublishPlan, "riskChanges" | "segmentChanges" | "dueChanges">,
  signal: AbortSignal | undefined,
): Promise<NonNullable<StepResults["flow"]>> {
  const flow: FlowReport = newFlowReport(await flowTriggersInUse(db, shop));
  const outcomes: Array<Awaited<ReturnType<typeof sendTriggerOnce>>> = [];
  for (const c of plan.riskChanges) {
    signal?.throwIfAborted();
    const trigger = {
      shop,
      analysisId,
      customerId: c.customerId,
      trigger: "risk-changed",
      handle: FLOW_RISK_CHANGED,
      value: c.newBand,
    } as const;
    outcomes.push(await sendTriggerOnce(db, trigger, flow, () => fireRiskChanged(admin, c, flow)));
  }
  for (const c of plan.segmentChanges) {
    signal?.throwIfAborted();
    const trigger = {
      shop,
      analysisId,
      customerId: c.customerId,
      trigger: "segment-changed",
      handle: FLOW_SEGMENT_CHANGED,
      value: c.newSegment,
    } as const;
    outcomes.push(await sendTriggerOnce(db, trigger, flow, () => fireSegmentChanged(admin, c, flow)));
  }
  for (const c of plan.dueChanges) {
    signal?.throwIfAborted();
    const trigger = {
      shop,
      analysisId,
      customerId: c.customerId,
      trigger: "due-reorder",
      handle: FLOW_DUE_REORDER,
      value: c.productIds.join(","),
    } as const;
    outcomes.push(await sendTriggerOnce(db, trigger, flow, () => fireDueTriggers(admin, [c], flow)));
  }
  const alreadySent = outcomes.filter((o) => o === "already-sent").length;
  return {
    report: alreadySent ? { ...flow, alreadySent } : flow,
    errors: tallyFirst(flow.errors.map((message) => ({ message }))),
  };
}

type MetafieldOptions = { bulkThreshold: number; bulk?: BulkOptions };

/** Publish: the app metafields whose value changed (metafieldsSet, or one bulk mutation for many). */
export async function writeAppMetafields(
  admin: AdminGraphql,
  plan: Pick<PublishPlan, "metafieldWrites">,
  options: MetafieldOptions,
): Promise<MetafieldOutcome> {
  const report: MetafieldsSetReport = { calls: 0, written: 0, errors: [] };
  let bulkOperationId: string | null = null;
  if (plan.metafieldWrites.length) {
    await ensureMetafieldDefinitions(admin);
    bulkOperationId = await writeMetafields(admin, plan.metafieldWrites, options, report);
  }
  const errors = report.errors.map((e) => ({
    customerId: e.ownerId,
    message: `metafield ${e.key ?? ""}: ${e.message}`,
  }));
  return { report, bulkOperationId, errors: tallyFirst(errors) };
}

/** Undo: every app metafield goes (their definitions stay; they are harmless and app-owned). */
export async function deleteAppMetafields(
  admin: AdminGraphql,
  plan: Pick<PublishPlan, "metafieldDeletes">,
  options: MetafieldOptions,
): Promise<MetafieldOutcome> {
  const report = await deleteMetafields(admin, plan.metafieldDeletes, options);
  return { report, bulkOperationId: null, errors: tallyFirst(report.errors.map((e) => ({ message: e.message }))) };
}

/** Opt-outs: opted-out customers' app metafields are deleted. */
export async function deleteOptedOutMetafields(
  admin: AdminGraphql,
  plan: Pick<PublishPlan, "metafieldDeletes">,
  options: MetafieldOptions,
): Promise<NonNullable<StepResults["optedOutMetafields"]>> {
  const deleted = await removeOptedOutMetafields(admin, plan.metafieldDeletes, options);
  return { deleted: deleted.written, errors: tallyFirst(deleted.errors.map((e) => ({ message: e.message }))) };
}

/**
 * Brings the shop's Shopify segments in line with the app's. syncSegments deletes only segments whose ids
 * the app recorded when it created them (never a merchant's segment, whatever its name or query); the undo
 * deletes all of those. Held-out customers are kept out of a segment whose control group is on.
 */
export async function syncAppSegments(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  settings: ShopSettings,
  removeAll: boolean,
  plan: Pick<PublishPlan, "extras">,
): Promise<NonNullable<StepResults["segments"]>> {
  const report = await syncSegments(db, admin, shop, settings, {
    removeAll,
    holdoutSegments: plan.extras.holdout.segments,
  });
  return { report, errors: tally(report.errors.map((message) => ({ message }))) };
}

/**
 * Brings the shop's Shopify segments in line with the app's Segment rows. With `removeAll`, deletes every
 * Shopify segment the app made; see reconcileSegments.
 */
/**
 * Keeps the shop's Shopify customer segments in line with the app's: reads the rows, reconciles them
 * through the Admin API, which records each id it creates or deletes as it goes.
 */
async function syncSegments(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  settings: TagSettings,
  options: { removeAll?: boolean; holdoutSegments?: ReadonlySet<string> } = {},
): Promise<SegmentSyncReport> {
  if (!options.removeAll) await ensureRiskSegments(db, shop);
  const rows = await segmentRowsForShopify(db, shop);
  const recorded = await recordedShopifySegmentIds(db, shop);
  return reconcileSegments(admin, rows, recorded, settings, shopifySegmentStore(db, shop), options);
}
