import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateWebhook } from "../shopify.server";
import { handleBulkFinishWebhook } from "../webhooks/bulk.server";

/** bulk_operations/finish: tells a waiting sync its export is done (polling is the backstop). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload } = await authenticateWebhook(request, "bulk_operations/finish");
  handleBulkFinishWebhook(payload);
  return new Response(null, { status: 200 });
};
