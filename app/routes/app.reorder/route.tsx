/**
 * /app/reorder?customerId=gid://shopify/Customer/N (resource route, no page): the products a customer is
 * due to reorder, each with the window in which the next purchase is expected and the product's learned
 * cycle (app/analytics/recommendations/reorder.ts). Read by the customer page's "Due to reorder" card.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { dueProductsView } from "./data.server";
import { fetchProductTitles } from "../../shopify/customers.server";

const GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
  if (!GID.test(customerId))
    return json({ error: "customerId must be gid://shopify/Customer/<number>", due: [] }, { status: 400 });
  const rows = await dueProductsView(db, shop, customerId);
  const titles = await fetchProductTitles(
    admin,
    rows.map((r) => r.productId),
  );
  return json(
    {
      error: null as string | null,
      due: rows.map(({ handle, ...r }) => ({ ...r, name: titles.get(r.productId) ?? handle ?? r.productId })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};
