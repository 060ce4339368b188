/**
 * /app/full-history (resource route, POST only): asks the merchant for read_all_orders, the optional scope
 * without which Shopify shows the app only the last 60 days of orders. Through the library's scopes API:
 * `scopes.request` answers with Shopify's grant screen (a redirect that App Bridge follows); once the
 * merchant grants it, Shopify sends app/scopes_update and the app re-syncs the whole history
 * (webhooks.app.scopes_update.tsx). Already granted: 200 { granted: true }. Demo mode has no Shopify to
 * ask: 409 with the reason.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate, isDemoMode } from "../shopify.server";
import { FULL_HISTORY_SCOPE } from "../shopify/orders-sync.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (isDemoMode())
    return json(
      { granted: false, error: "The demo shop has no Shopify to ask; it is given its whole order history." },
      { status: 409 },
    );
  const { scopes } = await authenticate.admin(request);
  const { granted } = await scopes.query();
  // Throws Shopify's grant screen (a redirect; for App Bridge's fetch, a 401 with its reauthorize url).
  if (!granted.includes(FULL_HISTORY_SCOPE)) await scopes.request([FULL_HISTORY_SCOPE]);
  return json({ granted: true });
};
