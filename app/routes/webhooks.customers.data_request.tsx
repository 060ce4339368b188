import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { DataRequestError } from "../models/data-requests.server";
import { authenticateWebhook } from "../shopify.server";
import { receiveDataRequest } from "../webhooks/compliance.server";

/**
 * customers/data_request: Shopify ignores the answer's body, so the request is recorded and the merchant
 * downloads the customer's data from /app/data-requests (within Shopify's 30 days). Nothing is stored for a
 * shop already redacted. Every genuine delivery is acknowledged with 200 (a refusal is logged).
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, shop, webhookId } = await authenticateWebhook(request, "customers/data_request");
  try {
    const recorded = await receiveDataRequest(db, shop, payload, webhookId);
    if (recorded === "redacted")
      console.error(`[webhooks] ${shop}: customers/data_request after shop/redact, nothing stored`);
  } catch (error) {
    if (!(error instanceof DataRequestError)) throw error;
    console.error(`[webhooks] ${shop}: ${error.message}`);
  }
  return new Response(null, { status: 200 });
};
