import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { customersCsv, type NameLookup } from "./data.server";
import { customerQueryFrom } from "../app/admin-loader.server";
import { fetchCustomerNames } from "../../shopify/customers.server";
import { resolveSearch } from "../app/customer-names.server";

/**
 * GET /app/customers/export?<the table's filters>: the matching customers as a CSV file (streamed), with
 * names and emails read from Shopify at export time, 250 customers a request, and never stored.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const { query } = await resolveSearch(admin, await customerQueryFrom(request));
  const names: NameLookup = async (ids) => {
    const result = await fetchCustomerNames(admin, ids);
    return result.status === "ok" ? { names: result.names, note: null } : { names: null, note: result.note };
  };
  const lines = customersCsv(db, shop, query, 250, names);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error(`[export] ${shop}: ${(error as Error).message}`);
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="churnless-customers-${date}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
};
