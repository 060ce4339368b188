/**
 * Plan: read every customer's tags and app metafields from Shopify (the truth, whatever happened since the
 * last publish) and diff them against what the scores want. Writes nothing to Shopify; the only database
 * writes are Shopify's own RFM group kept beside ours and, in a publish, the control groups' new draws
 * (loadPublishExtras).
 */
import type { Db } from "../../db.server";
import { readRecommended } from "../../models/json-columns.server";
import { countScores, scoresForPublish } from "../../models/publish-inputs.server";
import { setShopifyRfmGroups } from "../../models/scores.server";
import type { ShopSettings } from "../../models/shop-settings.server";
import type { DueReorderChange, RiskChange, SegmentChange } from "../../shopify/flow.server";
import { metafieldChanges, metafieldValues, type MetafieldWrite } from "../../shopify/metafields.server";
import {
  READ_BULK_THRESHOLD,
  readCustomers,
  readCustomersBulk,
  type AppMetafieldKey,
  type BulkReadStats,
  type CustomerState,
  type TagWrite,
} from "../../shopify/tag-writer.server";
import { countTagChanges, desiredTags, diffTags, type TagDiff } from "../../shopify/tags";
import type { AdminGraphql } from "../../shopify/types";
import { dueReorderChange, flowAllowed, loadPublishExtras, withExtraTags, type PublishExtras } from "./extras.server";
import { assertUnreachable, type Mode } from "./mode";
import type { PlanSummary, TagOutcome } from "./report";
import type { PublishOptions, ReadReport, ScoreRow } from "./types";

export interface MetafieldDelete {
  ownerId: string;
  key: AppMetafieldKey;
}

export interface PublishPlan {
  summary: PlanSummary;
  /** Customers whose app tags differ from the desired ones, with the difference (nothing else is written). */
  diffs: Array<{ customerId: string; diff: TagDiff }>;
  /** Publish: app metafields whose value changed. */
  metafieldWrites: MetafieldWrite[];
  /** Undo: every app metafield; publish: the app metafields of opted-out customers. */
  metafieldDeletes: MetafieldDelete[];
  riskChanges: RiskChange[];
  segmentChanges: SegmentChange[];
  dueChanges: DueReorderChange[];
  extras: PublishExtras;
}

/** What one customer needs, from its state on Shopify and its score. Pure. */
interface CustomerPlan {
  diff: TagDiff;
  /** Shopify's own RFM group when it differs from the stored one. */
  rfmGroup?: string | null;
  metafieldWrites: MetafieldWrite[];
  metafieldDeletes: MetafieldDelete[];
  risk?: RiskChange;
  segment?: SegmentChange;
  due?: DueReorderChange;
}

interface PlanInputs {
  mode: Mode;
  prefix: string;
  formerPrefix: string | null;
  settings: ShopSettings;
  scores: ReadonlyMap<string, ScoreRow>;
  extras: PublishExtras;
}

const allMetafields = (customer: CustomerState): MetafieldDelete[] =>
  (Object.keys(customer.metafields) as AppMetafieldKey[]).map((key) => ({ ownerId: customer.id, key }));

export function planCustomer(customer: CustomerState, input: PlanInputs): CustomerPlan {
  const { extras, prefix } = input;
  // Opt-outs: an opted-out customer is planned as unscored: its app tags are removed, its app metafields
  // deleted, and it gets no Flow trigger and no control-group tag (withExtraTags is never asked).
  const optedOut = extras.optedOut.has(customer.id);
  const score = optedOut ? undefined : input.scores.get(customer.id);
  const rfmGroup =
    score && customer.rfmGroup !== undefined && (customer.rfmGroup ?? null) !== score.shopifyRfmGroup
      ? { rfmGroup: customer.rfmGroup ?? null }
      : {};
  const desired = score ? withExtraTags(extras, customer.id, prefix, desiredTags(score, input.settings)) : [];
  // Diff-only tagging, merchant tags never touched: diffTags removes only tags of the app's own kinds
  // (<prefix>:risk:*, :segment:*, :cluster:*, ... of the prefix or the former one, never a merchant's
  // `<prefix>:wholesale`), refuses a desired tag that is not one, and adds only what is missing. An
  // unchanged customer gets an empty diff, so an unchanged re-run writes nothing.
  const diff = diffTags(customer.tags, desired, prefix, {
    formerPrefixes: input.formerPrefix ? [input.formerPrefix] : [],
  });
  const tagsOnly: CustomerPlan = { diff, ...rfmGroup, metafieldWrites: [], metafieldDeletes: [] };
  switch (input.mode.kind) {
    case "preview":
      return tagsOnly;
    case "remove-all":
      // Undo: the app's metafields go too.
      return { ...tagsOnly, metafieldDeletes: allMetafields(customer) };
    case "publish": {
      if (optedOut) return { ...tagsOnly, metafieldDeletes: allMetafields(customer) };
      if (!score) return tagsOnly;
      const values = metafieldValues(
        { ...score, recommended: readRecommended(score.recommendedJson, "metafields") },
        {
          recsEnabled: input.settings.recsEnabled,
          recsCount: input.settings.recsCount,
          dueProducts: extras.due.get(customer.id),
        },
      );
      // Only values that changed are written.
      const withMetafields: CustomerPlan = {
        ...tagsOnly,
        metafieldWrites: metafieldChanges(customer.id, customer.metafields, values),
      };
      // Held-out (control group) customers get no Flow trigger.
      if (!flowAllowed(extras, customer.id)) return withMetafields;
      // A trigger needs a previous publish: the value stored in the app metafield on Shopify.
      const previousBand = customer.metafields.risk_band;
      const previousSegment = customer.metafields.segment;
      const due = dueReorderChange(extras, customer);
      return {
        ...withMetafields,
        ...(due ? { due } : {}),
        ...(previousBand && previousBand !== score.riskBand
          ? {
              risk: {
                customerId: customer.id,
                previousBand,
                newBand: score.riskBand,
                churnProbability: score.churnProbability,
              },
            }
          : {}),
        ...(previousSegment && previousSegment !== score.rfmSegment
          ? {
              segment: {
                customerId: customer.id,
                previousSegment,
                newSegment: score.rfmSegment,
                churnProbability: score.churnProbability,
              },
            }
          : {}),
      };
    }
    default:
      return assertUnreachable(input.mode);
  }
}

/**
 * Reads Shopify's customers: one bulk query for a large shop, pages otherwise. A bulk file with damaged
 * lines is dropped for pages: a damaged line may be a customer, and only a complete read makes a correct diff.
 */
async function readShopify(
  admin: AdminGraphql,
  scored: number,
  opts: PublishOptions,
): Promise<{ read: ReadReport; pages: AsyncIterable<CustomerState[]> | Iterable<CustomerState[]> }> {
  const paged = () => readCustomers(admin, { pageSize: opts.pageSize });
  if (scored <= (opts.readBulkThreshold ?? READ_BULK_THRESHOLD))
    return { read: { path: "pages", bulkOperationId: null, skippedLines: 0 }, pages: paged() };
  const stats: BulkReadStats = { bulkOperationId: null, skippedLines: 0 };
  const all = await readCustomersBulk(admin, opts.bulk, stats);
  const read: ReadReport = { path: "bulk", bulkOperationId: stats.bulkOperationId, skippedLines: stats.skippedLines };
  return { read, pages: stats.skippedLines === 0 ? [all] : paged() };
}

export interface PlanRequest {
  mode: Mode;
  prefix: string;
  formerPrefix: string | null;
  settings: ShopSettings;
  opts: PublishOptions;
}

export async function planPublish(db: Db, admin: AdminGraphql, shop: string, req: PlanRequest): Promise<PublishPlan> {
  const { mode } = req;
  // The undo wants no app tag at all: it reads no scores, only their number (to choose the read path).
  const scores = new Map<string, ScoreRow>();
  if (mode.kind !== "remove-all") for (const r of await scoresForPublish(db, shop)) scores.set(r.customerId, r);
  const scored = mode.kind === "remove-all" ? await countScores(db, shop) : scores.size;
  // Opt-outs, control groups and due products; nothing when none is set up.
  const extras = await loadPublishExtras(db, shop, mode.kind);
  const { read, pages } = await readShopify(admin, scored, req.opts);
  const input: PlanInputs = {
    mode,
    prefix: req.prefix,
    formerPrefix: req.formerPrefix,
    settings: req.settings,
    scores,
    extras,
  };

  let customers = 0;
  const plan: Omit<PublishPlan, "summary" | "extras"> = {
    diffs: [],
    metafieldWrites: [],
    metafieldDeletes: [],
    riskChanges: [],
    segmentChanges: [],
    dueChanges: [],
  };
  const overLimit: string[] = [];
  const rfmGroups = new Map<string, string | null>();
  for await (const page of pages) {
    for (const customer of page) {
      customers++;
      const c = planCustomer(customer, input);
      if (c.rfmGroup !== undefined) rfmGroups.set(customer.id, c.rfmGroup);
      if (c.diff.overLimit) overLimit.push(customer.id);
      if (c.diff.add.length || c.diff.remove.length) plan.diffs.push({ customerId: customer.id, diff: c.diff });
      for (const d of c.metafieldDeletes) plan.metafieldDeletes.push(d);
      for (const w of c.metafieldWrites) plan.metafieldWrites.push(w);
      if (c.due) plan.dueChanges.push(c.due);
      if (c.risk) plan.riskChanges.push(c.risk);
      if (c.segment) plan.segmentChanges.push(c.segment);
    }
    await req.opts.onCustomersRead?.(customers, scored);
  }
  // Shopify's own RFM group, read on the way, is kept beside ours (shown on the customer page).
  await setShopifyRfmGroups(db, shop, rfmGroups);
  return { ...plan, extras, summary: { customers, customersChanged: plan.diffs.length, read, overLimit } };
}

/** One tagsRemove and one tagsAdd per customer at most (removes first). */
export function tagWritesOf(plan: Pick<PublishPlan, "diffs">): TagWrite[] {
  const writes: TagWrite[] = [];
  for (const { customerId, diff } of plan.diffs) {
    if (diff.remove.length) writes.push({ customerId, action: "remove", tags: diff.remove });
    if (diff.add.length) writes.push({ customerId, action: "add", tags: diff.add });
  }
  return writes;
}

/** Preview: the plan's counts per tag, as a publish would write them; nothing is sent or journaled. */
export function previewTags(plan: Pick<PublishPlan, "diffs">): TagOutcome {
  let tagsAdded = 0;
  let tagsRemoved = 0;
  for (const { diff } of plan.diffs) {
    tagsAdded += diff.add.length;
    tagsRemoved += diff.remove.length;
  }
  return {
    tagWrites: tagWritesOf(plan).length,
    tagsAdded,
    tagsRemoved,
    perTag: countTagChanges(plan.diffs.map((d) => d.diff)),
    path: "none",
    bulkOperationIds: [],
    errors: { listed: [], count: 0 },
    refusedAtLimit: [],
    failedWrites: 0,
  };
}
