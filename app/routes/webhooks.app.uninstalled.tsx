import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleAppUninstalled } from "../webhooks/compliance.server";
import { getQueue } from "../jobs/runtime/queue.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticateWebhook(request, "app/uninstalled");
  // Webhooks can repeat, and may arrive after the shop's data is gone: the handler is idempotent.
  await handleAppUninstalled(db, shop);
  await (
    await getQueue()
  )
    .forgetShop(shop)
    .catch((error: Error) => console.error(`forgetting ${shop}'s jobs failed: ${error.message}`));
  return new Response();
};
