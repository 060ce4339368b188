/**
 * Shopify Flow triggers (extensions/churnless-flow-risk-changed, extensions/churnless-flow-segment-changed,
 * extensions/churnless-flow-due-reorder), fired with `flowTriggerReceive` when a publish changes a customer's
 * risk band or segment, or finds them due to reorder. The payload keys are the trigger's [settings] field
 * keys; the customer reference travels as `customer_id` (numeric id).
 *
 * A trigger fires only while a workflow of the shop uses it: Shopify Flow's lifecycle callback
 * (extensions/churnless-flow-lifecycle, route /flow/lifecycle, app/models/flow-triggers.server.ts) says
 * so per shop and trigger. A change whose trigger is not in use is skipped and counted in the report.
 */
import type { AdminGraphql, UserError } from "./types";

export const FLOW_RISK_CHANGED = "churnless-risk-changed";
export const FLOW_SEGMENT_CHANGED = "churnless-segment-changed";

const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation flowTriggerReceive($handle: String, $payload: JSON) {
    flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
  }`;

export interface RiskChange {
  customerId: string;
  previousBand: string;
  newBand: string;
  churnProbability: number;
}

export interface SegmentChange {
  customerId: string;
  previousSegment: string;
  newSegment: string;
  churnProbability: number;
}

/** The numeric id Flow's customer reference wants, out of a GID. */
export function legacyId(gid: string): number {
  const m = /\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!m) throw new Error(`Not a Shopify GID with a numeric id: ${gid}`);
  return Number(m[1]);
}

export function riskChangedPayload(c: RiskChange): Record<string, unknown> {
  return {
    customer_id: legacyId(c.customerId),
    "previous band": c.previousBand,
    "new band": c.newBand,
    "churn probability": Number(c.churnProbability.toFixed(4)),
  };
}

export function segmentChangedPayload(c: SegmentChange): Record<string, unknown> {
  return {
    customer_id: legacyId(c.customerId),
    "previous segment": c.previousSegment,
    "new segment": c.newSegment,
    "churn probability": Number(c.churnProbability.toFixed(4)),
  };
}

export interface FlowReport {
  riskChanged: number;
  segmentChanged: number;
  errors: string[];
  /** The triggers an enabled workflow of the shop used when the publish began (Flow's lifecycle callbacks). */
  inUse: string[];
  /** Changes not sent because no enabled workflow uses their trigger, per trigger handle. */
  skipped: Record<string, number>;
}

/** An empty report for a publish; `inUse` from flowTriggersInUse (app/models/flow-triggers.server.ts). */
export function newFlowReport(inUse: readonly string[]): FlowReport {
  return { riskChanged: 0, segmentChanged: 0, errors: [], inUse: [...inUse], skipped: {} };
}

/** True when the trigger is in use; otherwise counts the skipped change. */
export function flowTriggerInUse(report: FlowReport, handle: string): boolean {
  if (report.inUse.includes(handle)) return true;
  report.skipped[handle] = (report.skipped[handle] ?? 0) + 1;
  return false;
}

/** Fires one trigger; userErrors are returned as a message (a missing Flow must not fail a publish). */
export async function fireFlowTrigger(
  admin: AdminGraphql,
  handle: string,
  payload: Record<string, unknown>,
): Promise<string | null> {
  const data = await admin.request<{ flowTriggerReceive: { userErrors: UserError[] } }>(FLOW_TRIGGER_RECEIVE, {
    handle,
    payload,
  });
  const errs = data.flowTriggerReceive.userErrors;
  return errs.length ? `flowTriggerReceive ${handle}: ${errs.map((e) => e.message).join("; ")}` : null;
}

export async function fireRiskChanged(admin: AdminGraphql, change: RiskChange, report: FlowReport): Promise<void> {
  if (!flowTriggerInUse(report, FLOW_RISK_CHANGED)) return;
  const error = await fireFlowTrigger(admin, FLOW_RISK_CHANGED, riskChangedPayload(change));
  if (error) report.errors.push(error);
  else report.riskChanged++;
}

export async function fireSegmentChanged(
  admin: AdminGraphql,
  change: SegmentChange,
  report: FlowReport,
): Promise<void> {
  if (!flowTriggerInUse(report, FLOW_SEGMENT_CHANGED)) return;
  const error = await fireFlowTrigger(admin, FLOW_SEGMENT_CHANGED, segmentChangedPayload(change));
  if (error) report.errors.push(error);
  else report.segmentChanged++;
}

// ---------------------------------------------------------------------------------------------------
// "Customer due to reorder" (extensions/churnless-flow-due-reorder)

export const FLOW_DUE_REORDER = "churnless-due-reorder";

export interface DueReorderChange {
  customerId: string;
  /** Product GIDs due now, soonest first. */
  productIds: string[];
  /** The soonest window among them. */
  dueFrom: Date;
  dueTo: Date;
}

/**
 * Payload of "Customer due to reorder": the customer and the soonest due product as references
 * (`customer_id`, `product_id`), every due product's numeric id as a comma list (`product ids`), and the
 * window (`due from`, `due to`, YYYY-MM-DD).
 */
export function dueReorderPayload(c: DueReorderChange): Record<string, unknown> {
  if (!c.productIds.length) throw new Error(`dueReorderPayload: ${c.customerId} has no due product`);
  return {
    customer_id: legacyId(c.customerId),
    product_id: legacyId(c.productIds[0]),
    "product ids": c.productIds.map((id) => String(legacyId(id))).join(","),
    "due from": c.dueFrom.toISOString().slice(0, 10),
    "due to": c.dueTo.toISOString().slice(0, 10),
  };
}

export async function fireDueReorder(
  admin: AdminGraphql,
  change: DueReorderChange,
  report: FlowReport & { dueReorder?: number },
): Promise<void> {
  if (!flowTriggerInUse(report, FLOW_DUE_REORDER)) return;
  const error = await fireFlowTrigger(admin, FLOW_DUE_REORDER, dueReorderPayload(change));
  if (error) report.errors.push(error);
  else report.dueReorder = (report.dueReorder ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------------
// Trigger lifecycle (shopify.dev "Track Flow lifecycle events")

/** The app's triggers: the handle flowTriggerReceive takes, and the extension's `name` (the title in Flow). */
export const FLOW_TRIGGERS: ReadonlyArray<{ handle: string; name: string }> = [
  { handle: FLOW_RISK_CHANGED, name: "Customer churn risk changed" },
  { handle: FLOW_SEGMENT_CHANGED, name: "Customer segment changed" },
  { handle: FLOW_DUE_REORDER, name: "Customer due to reorder" },
];

/**
 * Our trigger's handle for a lifecycle callback's `flow_trigger_definition_id`. Shopify's reference shows
 * a trigger's title there ("Add row to spreadsheet"); a CLI-made trigger may send its handle: both match.
 */
export function triggerHandleOf(definitionId: string): string | null {
  const id = definitionId.trim().toLowerCase();
  return FLOW_TRIGGERS.find((t) => t.handle === id || t.name.toLowerCase() === id)?.handle ?? null;
}

export interface FlowLifecyclePayload {
  flow_trigger_definition_id: string;
  has_enabled_flow: boolean;
  shop_id: number | string;
  shopify_domain: string;
  timestamp: string;
}

/** Checks a lifecycle callback's body; throws a message naming what is wrong. */
export function parseFlowLifecycle(body: unknown): FlowLifecyclePayload {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.flow_trigger_definition_id !== "string" || !b.flow_trigger_definition_id.trim())
    problems.push("flow_trigger_definition_id must be a non-empty string");
  if (typeof b.has_enabled_flow !== "boolean") problems.push("has_enabled_flow must be true or false");
  if (typeof b.shopify_domain !== "string" || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(b.shopify_domain))
    problems.push("shopify_domain must be a myshopify.com domain");
  if (typeof b.timestamp !== "string" || !Number.isFinite(Date.parse(b.timestamp)))
    problems.push("timestamp must be an ISO 8601 date");
  if (problems.length) throw new Error(`Invalid Flow lifecycle callback: ${problems.join("; ")}`);
  return b as unknown as FlowLifecyclePayload;
}
