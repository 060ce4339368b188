import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { receiveOrderWebhook } from "../webhooks/orders.server";

/** orders/create: one idempotent order upsert (see app/webhooks/orders.server.ts). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, payload, webhookId } = await authenticateWebhook(request, "orders/create");
  const { status } = await receiveOrderWebhook(db, { shop, topic: String(topic), webhookId, payload });
  return new Response(null, { status });
};
