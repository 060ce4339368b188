/**
 * /app/reorder?customerId=gid://shopify/Customer/N (resource route, no page): the products a customer is
 * due to reorder, each with the window in which the next purchase is expected and the product's learned
 * cycle (app/analytics/reorder.ts). Read by the customer page's "Due to reorder" card.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { dueProductsOf } from "../models/reorder.server";
import { fetchProductTitles } from "../shopify/customers.server";

const GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
  if (!GID.test(customerId)) return json({ error: "customerId must be gid://shopify/Customer/<number>", due: [] }, { status: 400 });
  const rows = await dueProductsOf(db, shop, customerId);
  const ids = rows.map((r) => r.productId);
  const [cycles, products, titles] = await Promise.all([
    db.productCycle.findMany({ where: { shop, productId: { in: ids } }, select: { productId: true, medianDays: true } }),
    db.product.findMany({ where: { shop, id: { in: ids } }, select: { id: true, handle: true } }),
    fetchProductTitles(admin, ids),
  ]);
  const cycle = new Map(cycles.map((c) => [c.productId, c.medianDays]));
  const handle = new Map(products.map((p) => [p.id, p.handle]));
  return json(
    {
      error: null as string | null,
      due: rows.map((r) => ({
        productId: r.productId,
        name: titles.get(r.productId) ?? handle.get(r.productId) ?? r.productId,
        lastBoughtAt: r.lastBoughtAt.toISOString(),
        dueFrom: r.dueFrom.toISOString(),
        dueTo: r.dueTo.toISOString(),
        cycleDays: cycle.get(r.productId) ?? null,
      })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};
