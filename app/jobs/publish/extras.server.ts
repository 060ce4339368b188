/**
 * What opt-outs, control groups and due-to-reorder add to a publish, kept out of publish.server.ts so its hooks there stay a few lines:
 *
 * - opt-outs: an opted-out customer is published as if unscored (no app tags: existing ones removed;
 *   no metafields: existing ones deleted; no Flow triggers; no control-group membership);
 * - control groups: held-out customers carry `<prefix>:holdout`, are left out of the Shopify segment of
 *   a segment whose control group is on, and get no Flow trigger;
 * - due to reorder: `<prefix>:due:reorder` and the `due_products` metafield for customers with due
 *   products, and the "Customer due to reorder" Flow trigger when a customer becomes due for a product.
 *
 * With no control group on, no opt-out and no due product, a publish is exactly what it was before.
 */
import type { Db } from "../../db.server";
import { refreshHoldouts, type HoldoutState } from "../../models/holdouts.server";
import { optedOutCustomers } from "../../models/opt-outs.server";
import { dueRowsForPublish } from "../../models/publish-inputs.server";
import { fireDueReorder, type DueReorderChange, type FlowReport } from "../../shopify/flow.server";
import { deleteMetafields, type MetafieldsSetReport } from "../../shopify/metafields.server";
import type { AppMetafieldKey, BulkOptions, CustomerState } from "../../shopify/tag-writer.server";
import { appTag } from "../../shopify/tags";
import type { AdminGraphql } from "../../shopify/types";

export interface PublishExtras {
  optedOut: Set<string>;
  holdout: HoldoutState;
  /** Due product GIDs per customer, soonest first (opted-out customers have none). */
  due: Map<string, string[]>;
  /** The soonest due window per customer. */
  dueWindow: Map<string, { from: Date; to: Date }>;
}

export interface PublishExtrasSummary {
  optedOut: number;
  heldOut: number;
  controlGroups: number;
  assignmentsEntered: number;
  assignmentsLeft: number;
  dueCustomers: number;
  optedOutMetafieldsDeleted: number;
}

/**
 * Loads the opt-outs, the control groups' holdouts and the due products. Control-group draws of new
 * members are recorded only by a publish that writes (`mode` "publish"); an undo needs nothing.
 */
export async function loadPublishExtras(
  db: Db,
  shop: string,
  mode: "publish" | "preview" | "remove-all",
  now = new Date(),
): Promise<PublishExtras> {
  const empty: PublishExtras = {
    optedOut: new Set(),
    holdout: { heldOut: new Set(), segments: new Set(), entered: 0, left: 0 },
    due: new Map(),
    dueWindow: new Map(),
  };
  if (mode === "remove-all") return empty;
  const optedOut = await optedOutCustomers(db, shop);
  const holdout = await refreshHoldouts(db, shop, { save: mode === "publish", optedOut, now });
  const rows = await dueRowsForPublish(db, shop);
  const due = new Map<string, string[]>();
  const dueWindow = new Map<string, { from: Date; to: Date }>();
  for (const r of rows) {
    if (optedOut.has(r.customerId)) continue;
    const list = due.get(r.customerId);
    if (list) list.push(r.productId);
    else {
      due.set(r.customerId, [r.productId]);
      dueWindow.set(r.customerId, { from: r.dueFrom, to: r.dueTo });
    }
  }
  return { optedOut, holdout, due, dueWindow };
}

/**
 * A (scored, not opted-out) customer's desired tags with the issue-16 ones: the holdout tag first (a
 * customer without room for it would land in the campaigns' segment and spoil the comparison), then
 * risk, segment and cluster, then the due tag.
 */
export function withExtraTags(
  extras: PublishExtras,
  customerId: string,
  prefix: string,
  tags: readonly string[],
): string[] {
  const out: string[] = [];
  if (extras.holdout.heldOut.has(customerId)) out.push(appTag(prefix, "holdout"));
  out.push(...tags);
  if (extras.due.has(customerId)) out.push(appTag(prefix, "due", "reorder"));
  return out;
}

/** Flow triggers go to customers neither opted out nor held out of a control group. */
export function flowAllowed(extras: PublishExtras, customerId: string): boolean {
  return !extras.optedOut.has(customerId) && !extras.holdout.heldOut.has(customerId);
}

function parseList(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : [];
  } catch (error) {
    console.warn(`[publish] unreadable due_products metafield value (${(error as Error).message}); treated as empty`);
    return [];
  }
}

/**
 * The "Customer due to reorder" trigger for a customer who became due for a product since the last
 * publish (a product not in the stored `due_products`). Like the other triggers it needs a previous
 * publish (the stored risk_band): the first publish fires nothing.
 */
export function dueReorderChange(extras: PublishExtras, customer: CustomerState): DueReorderChange | null {
  const due = extras.due.get(customer.id);
  if (!due?.length || customer.metafields.risk_band === undefined) return null;
  const before = new Set(parseList(customer.metafields.due_products));
  if (due.every((id) => before.has(id))) return null;
  const window = extras.dueWindow.get(customer.id)!;
  return { customerId: customer.id, productIds: due, dueFrom: window.from, dueTo: window.to };
}

/** Fires "Customer due to reorder" for each change (errors go to the report, as for the other triggers). */
export async function fireDueTriggers(
  admin: AdminGraphql,
  changes: readonly DueReorderChange[],
  report: FlowReport & { dueReorder?: number },
): Promise<void> {
  for (const c of changes) await fireDueReorder(admin, c, report);
}

/** Deletes the app metafields of opted-out customers (collected by the publish while reading). */
export async function removeOptedOutMetafields(
  admin: AdminGraphql,
  targets: ReadonlyArray<{ ownerId: string; key: AppMetafieldKey }>,
  options: { bulkThreshold: number; bulk?: BulkOptions },
): Promise<MetafieldsSetReport> {
  if (!targets.length) return { calls: 0, written: 0, errors: [] };
  return deleteMetafields(admin, targets, options);
}

export function summarizeExtras(extras: PublishExtras, deleted: number): PublishExtrasSummary {
  return {
    optedOut: extras.optedOut.size,
    heldOut: extras.holdout.heldOut.size,
    controlGroups: extras.holdout.segments.size,
    assignmentsEntered: extras.holdout.entered,
    assignmentsLeft: extras.holdout.left,
    dueCustomers: extras.due.size,
    optedOutMetafieldsDeleted: deleted,
  };
}
