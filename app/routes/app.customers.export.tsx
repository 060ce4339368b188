import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { customersCsv } from "../models/customers.server";
import { customerQueryFrom } from "../lib/admin-loader.server";

/** GET /app/customers/export?<the table's filters>: the matching customers as a CSV file (streamed). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = await customerQueryFrom(request);
  const lines = customersCsv(db, shop, query);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
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
      "Cache-Control": "no-store",
    },
  });
};
