/**
 * /app/opt-outs (resource route, no page): a customer's opt-out of automated decisions, read and changed
 * by the merchant from the customer page (app/components/OptOutCard.tsx).
 *   GET  ?customerId=gid://shopify/Customer/N  -> { optedOut, optedOutAt, source, revokedAt }
 *   POST intent=opt-out|restore, customerId    -> the new state
 * An opt-out takes the app's tags and metafields off Shopify at once; an undo brings them back at the next
 * publish.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { optOutNow } from "./opt-out.server";
import { getOptOut, restoreCustomer, type OptOutState } from "../../models/opt-outs.server";

const GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;

function view(s: OptOutState) {
  return {
    customerId: s.customerId,
    optedOut: s.optedOut,
    optedOutAt: s.optedOutAt?.toISOString() ?? null,
    source: s.source,
    revokedAt: s.revokedAt?.toISOString() ?? null,
    error: null as string | null,
  };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
  if (!GID.test(customerId))
    return json({ error: "customerId must be gid://shopify/Customer/<number>" }, { status: 400 });
  return json(view(await getOptOut(db, shop, customerId)), { headers: { "Cache-Control": "private, no-store" } });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const form = await request.formData();
  const customerId = String(form.get("customerId") ?? "");
  if (!GID.test(customerId))
    return json({ error: "customerId must be gid://shopify/Customer/<number>" }, { status: 400 });
  const intent = form.get("intent");
  if (intent === "opt-out") {
    // The app's tags and metafields come off Shopify now; the next publish checks again.
    return json(view(await optOutNow(db, shop, customerId, "merchant", admin)));
  }
  if (intent === "restore") return json(view(await restoreCustomer(db, shop, customerId)));
  return json({ error: `Unknown intent "${String(intent)}"` }, { status: 400 });
};
