import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleOrderDelete } from "../webhooks/orders.server";

/** orders/delete: the order, its line items and its attribution leave the analysis's inputs. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticateWebhook(request, "orders/delete");
  await handleOrderDelete(db, shop, payload.id);
  return new Response(null, { status: 200 });
};
