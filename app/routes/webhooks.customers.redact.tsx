import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import type { CustomerPayload } from "../models/compliance.server";
import { handleCustomersRedact } from "../webhooks/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, shop } = await authenticateWebhook(request);
  await handleCustomersRedact(db, shop, payload as CustomerPayload);
  return new Response();
};
