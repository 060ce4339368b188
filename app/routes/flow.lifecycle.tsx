/**
 * Shopify Flow's trigger lifecycle callback (extensions/churnless-flow-lifecycle, shopify.dev "Track Flow
 * lifecycle events"): Flow POSTs here when a merchant enables or disables a workflow that uses one of the
 * app's triggers. `authenticateFlow` (app/shopify.server.ts: `authenticate.flow` with a bounded body) checks the HMAC (X-Shopify-Hmac-SHA256 over the body with the app's
 * secret) and that the shop has installed the app; a 2xx lets the merchant enable the workflow.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { recordFlowLifecycle } from "../models/flow-triggers.server";
import { authenticateFlow } from "../shopify.server";
import { parseFlowLifecycle, triggerHandleOf } from "../shopify/flow.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload } = await authenticateFlow(request);
  let body;
  try {
    body = parseFlowLifecycle(payload);
  } catch (error) {
    console.error(`[flow] ${(error as Error).message}`);
    return new Response((error as Error).message, { status: 400 });
  }
  const handle = triggerHandleOf(body.flow_trigger_definition_id);
  if (!handle)
    console.error(
      `[flow] ${body.shopify_domain}: lifecycle callback for a trigger that is not ours: ${body.flow_trigger_definition_id}`,
    );
  const outcome = await recordFlowLifecycle(db, {
    shop: body.shopify_domain,
    trigger: handle ?? body.flow_trigger_definition_id,
    inUse: body.has_enabled_flow,
    at: new Date(body.timestamp),
  });
  // Not Response.json: under remix-serve the fetch globals are Remix's polyfill, which has no static json().
  return new Response(JSON.stringify({ ok: true, trigger: handle, stored: outcome === "stored" }), {
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
};
