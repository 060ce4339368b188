import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleCustomersRedact } from "../webhooks/compliance.server";

/** customers/redact, for the shop the signed body names (authenticateWebhook refuses another header). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, shop } = await authenticateWebhook(request, "customers/redact");
  await handleCustomersRedact(db, shop, payload);
  return new Response();
};
