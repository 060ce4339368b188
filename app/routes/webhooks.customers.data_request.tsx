import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleCustomersDataRequest, type CustomerPayload } from "../webhooks/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, shop } = await authenticateWebhook(request);
  const data = await handleCustomersDataRequest(db, shop, payload as CustomerPayload);
  return Response.json(data);
};
