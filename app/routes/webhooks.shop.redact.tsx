import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleShopRedact } from "../webhooks/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticateWebhook(request);
  await handleShopRedact(db, shop);
  return new Response();
};
