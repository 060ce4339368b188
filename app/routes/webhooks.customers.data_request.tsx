import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { DataRequestError, recordDataRequest, type DataRequestPayload } from "../models/data-requests.server";
import { authenticateWebhook } from "../shopify.server";

/**
 * customers/data_request: Shopify ignores the answer's body, so the request is recorded and the merchant
 * downloads the customer's data from /app/data-requests (within Shopify's 30 days). A delivery without a
 * customer id is acknowledged and logged: Shopify would only send it again.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, shop, webhookId } = await authenticateWebhook(request);
  try {
    const recorded = await recordDataRequest(db, shop, payload as DataRequestPayload, { webhookId });
    return Response.json({ recorded: recorded.id, created: recorded.created });
  } catch (error) {
    if (error instanceof DataRequestError) {
      console.error(`[webhooks] ${shop}: ${error.message}`);
      return Response.json({ recorded: null, error: error.message });
    }
    throw error;
  }
};
