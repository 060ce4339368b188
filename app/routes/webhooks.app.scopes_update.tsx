import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticateWebhook } from "../shopify.server";
import { handleScopesUpdate } from "../webhooks/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session, shop } = await authenticateWebhook(request, "app/scopes_update");
  const current = Array.isArray(payload.current) ? (payload.current as unknown[]).map(String) : [];
  await handleScopesUpdate(db, shop, session?.id ?? null, current);
  return new Response();
};
