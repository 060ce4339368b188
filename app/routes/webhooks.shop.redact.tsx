import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleShopRedact } from "../webhooks/compliance.server";

/** shop/redact, for the shop the signed body names (authenticateWebhook refuses another header). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticateWebhook(request, "shop/redact");
  await handleShopRedact(db, shop);
  return new Response();
};
