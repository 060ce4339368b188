/**
 * Shopify Flow triggers (extensions/churnless-flow-risk-changed, extensions/churnless-flow-segment-changed),
 * fired with `flowTriggerReceive` when a publish changes a customer's risk band or segment. The payload keys
 * are the trigger's [settings] field keys; the customer reference travels as `customer_id` (numeric id).
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
}

/** Fires one trigger; userErrors are returned as a message (a missing Flow must not fail a publish). */
export async function fireFlowTrigger(admin: AdminGraphql, handle: string, payload: Record<string, unknown>): Promise<string | null> {
  const data = await admin.request<{ flowTriggerReceive: { userErrors: UserError[] } }>(FLOW_TRIGGER_RECEIVE, { handle, payload });
  const errs = data.flowTriggerReceive.userErrors;
  return errs.length ? `flowTriggerReceive ${handle}: ${errs.map((e) => e.message).join("; ")}` : null;
}

export async function fireRiskChanged(admin: AdminGraphql, change: RiskChange, report: FlowReport): Promise<void> {
  const error = await fireFlowTrigger(admin, FLOW_RISK_CHANGED, riskChangedPayload(change));
  if (error) report.errors.push(error);
  else report.riskChanged++;
}

export async function fireSegmentChanged(admin: AdminGraphql, change: SegmentChange, report: FlowReport): Promise<void> {
  const error = await fireFlowTrigger(admin, FLOW_SEGMENT_CHANGED, segmentChangedPayload(change));
  if (error) report.errors.push(error);
  else report.segmentChanged++;
}

// ---------------------------------------------------------------------------------------------------
// "Customer due to reorder" (extensions/churnless-flow-due-reorder, issue 16)

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

export async function fireDueReorder(admin: AdminGraphql, change: DueReorderChange, report: FlowReport & { dueReorder?: number }): Promise<void> {
  const error = await fireFlowTrigger(admin, FLOW_DUE_REORDER, dueReorderPayload(change));
  if (error) report.errors.push(error);
  else report.dueReorder = (report.dueReorder ?? 0) + 1;
}
