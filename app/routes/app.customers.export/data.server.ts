/**
 * The customers export: every customer matching the list's filter as CSV, in the table's sort order,
 * read in batches, with names and emails asked live from Shopify per batch and never stored.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../../db.server";
import { probabilityCell } from "../../analytics/narration/probability-format";
import { latestHorizon, toCustomerRow } from "../../models/customers.server";
import { segmentNameMaps } from "../../models/segments.server";
import { customerWhere, type CustomerQuery } from "../app/customer-list.server";

export const CSV_COLUMNS = [
  "customer_number",
  "name",
  "email",
  "value_at_risk",
  "churn_probability",
  "churn_horizon_days",
  "risk_band",
  "days_since_last_order",
  "next_order_earliest",
  "next_order_latest",
  "orders",
  "last_order_at",
  "total_spent",
  "predicted_clv_12m",
  "rfm_segment",
  "cluster",
  "shopify_customer_id",
] as const;

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV Injection"): a formula starter (=, +, -, @ or
 * their full-width forms ＝ ＋ － ＠, which Excel and LibreOffice read as the ASCII ones) first, or after
 * leading blanks (spaces, tabs, line breaks, NUL, no-break and ideographic spaces, which spreadsheets
 * skip); or a tab, carriage return, line feed or NUL first.
 */
const FORMULA_START = /^(?:[\s\0\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n\0])/u;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break, and defused with a leading ' when a
 * spreadsheet would read it as a formula (FORMULA_START). Numbers are written as they are.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const s = String(value);
  const safe = typeof value === "string" && FORMULA_START.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Live names for the export's rows (app/shopify/customers.server.ts fetchCustomerNames), never stored. */
export type NameLookup = (
  ids: string[],
) => Promise<{ names: Map<string, { name: string | null; email: string | null }> | null; note: string | null }>;

export class ExportInterruptedError extends Error {}

/**
 * The CSV of every customer matching the filter, in the table's sort order, read in batches. Every batch
 * comes from the same analysis (the scores' asOf of the first batch); when a new analysis replaces the
 * scores mid-export the stream fails with ExportInterruptedError instead of mixing two analyses.
 * `names` adds the name and email columns, asked from Shopify per batch (batchSize <= 250).
 */
export async function* customersCsv(
  db: Db,
  shop: string,
  query: Omit<CustomerQuery, "page">,
  batchSize = 250,
  names?: NameLookup,
): AsyncGenerator<string> {
  const [segmentNames, horizonDays] = await Promise.all([segmentNameMaps(db, shop), latestHorizon(db, shop)]);
  const where = customerWhere(shop, query);
  const first = await db.customerScore.findFirst({ where: { shop }, select: { asOf: true } });
  const asOf = first?.asOf;
  const pinned: Prisma.CustomerScoreWhereInput = asOf ? { ...where, asOf } : where;
  const expected = await db.customerScore.count({ where: pinned });
  yield CSV_COLUMNS.join(",") + "\n";
  let written = 0;
  let note: string | null = null;
  for (let skip = 0; ; skip += batchSize) {
    const batch = await db.customerScore.findMany({
      where: pinned,
      orderBy: [{ [query.sort]: query.direction }, { customerId: "asc" }],
      skip,
      take: batchSize,
    });
    if (batch.length === 0) break;
    const live: Awaited<ReturnType<NameLookup>> =
      names && note === null ? await names(batch.map((s) => s.customerId)) : { names: null, note };
    note = live.note;
    let chunk = "";
    for (const s of batch) {
      const r = toCustomerRow(s, segmentNames);
      const person = live.names?.get(r.customerId);
      chunk +=
        [
          r.numericId,
          person?.name ?? null,
          person?.email ?? null,
          r.valueAtRisk.toFixed(2),
          probabilityCell(r.churnProbability),
          horizonDays,
          r.riskBand,
          Math.round(r.recencyDays),
          r.nextOrderEarliest?.slice(0, 10) ?? null,
          r.nextOrderLatest?.slice(0, 10) ?? null,
          r.orders,
          r.lastOrderAt.slice(0, 10),
          r.monetary.toFixed(2),
          r.clv12m.toFixed(2),
          r.rfmSegmentName,
          r.clusterName,
          r.customerId,
        ]
          .map(csvCell)
          .join(",") + "\n";
    }
    written += batch.length;
    yield chunk;
    if (batch.length < batchSize) break;
  }
  if (written !== expected) {
    throw new ExportInterruptedError("A new analysis replaced the scores during the export: download the CSV again.");
  }
}
