/**
 * Read models for the customer table, its CSV export and the customer page. Paginated, sorted and
 * filtered in the database; every query is scoped by shop. Nothing personal is stored: customers are
 * GIDs, and names/emails are only ever fetched live from Shopify for display (app/shopify/customers.server.ts).
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import { pAliveKnownOf } from "../analytics/models/next-order";
import { probabilityCell } from "../analytics/narration/probability-format";
import { readReasons, readRecommended } from "./json-columns.server";
import { adminUrl, gidId, humanize } from "./segments.server";
import { getShopCurrency } from "./shop-settings.server";

export const SORT_KEYS = [
  "valueAtRisk",
  "churnProbability",
  "clv12m",
  "monetary",
  "orders",
  "recencyDays",
  "lastOrderAt",
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const RISK_BANDS = ["low", "medium", "high"] as const;
export const PAGE_SIZE = 25;
/** Savable customers first: the most value at risk. */
export const DEFAULT_SORT: SortKey = "valueAtRisk";
export const MAX_SEARCH_LENGTH = 200;

export interface CustomerFilter {
  /** "rfm:<key>" or "cluster:<key>" */
  segment?: string;
  /** Text searched in Shopify's customer search (names, emails); resolved to `ids` by the route. */
  q?: string;
  /** Only these customer GIDs (the search's answer). */
  ids?: string[];
  risk?: (typeof RISK_BANDS)[number];
  clvMin?: number;
  clvMax?: number;
}

export interface CustomerQuery extends CustomerFilter {
  page: number;
  sort: SortKey;
  direction: "asc" | "desc";
}

export class InvalidQueryError extends Error {}

/** Parses and validates the table's URL parameters; bad values are reported, not ignored. */
export function parseCustomerQuery(params: URLSearchParams): CustomerQuery {
  const sortParam = params.get("sort") || DEFAULT_SORT;
  if (!(SORT_KEYS as readonly string[]).includes(sortParam))
    throw new InvalidQueryError(`Unknown sort "${sortParam}". Use one of: ${SORT_KEYS.join(", ")}.`);
  const dirParam = params.get("direction") || "desc";
  if (dirParam !== "asc" && dirParam !== "desc")
    throw new InvalidQueryError(`Sort direction must be asc or desc, not "${dirParam}".`);
  const page = Number(params.get("page") || "1");
  if (!Number.isInteger(page) || page < 1)
    throw new InvalidQueryError(`Page must be a whole number from 1, not "${params.get("page")}".`);
  const risk = params.get("risk") || undefined;
  if (risk && !(RISK_BANDS as readonly string[]).includes(risk))
    throw new InvalidQueryError(`Risk band must be low, medium or high, not "${risk}".`);
  const segment = params.get("segment") || undefined;
  if (segment && !/^(rfm|cluster):[\w.-]+$/.test(segment))
    throw new InvalidQueryError(`Segment must look like rfm:<key> or cluster:<key>, not "${segment}".`);
  const money = (name: string) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n))
      throw new InvalidQueryError(`${name === "clvMin" ? "Minimum" : "Maximum"} CLV must be a number, not "${raw}".`);
    return n;
  };
  const clvMin = money("clvMin");
  const clvMax = money("clvMax");
  if (clvMin !== undefined && clvMax !== undefined && clvMin > clvMax)
    throw new InvalidQueryError("Minimum CLV is above maximum CLV.");
  const q = params.get("q")?.trim() || undefined;
  if (q && q.length > MAX_SEARCH_LENGTH)
    throw new InvalidQueryError(`Search text can have at most ${MAX_SEARCH_LENGTH} characters.`);
  return {
    page,
    sort: sortParam as SortKey,
    direction: dirParam,
    segment,
    risk: risk as CustomerFilter["risk"],
    clvMin,
    clvMax,
    ...(q ? { q } : {}),
  };
}

export function customerWhere(shop: string, f: CustomerFilter): Prisma.CustomerScoreWhereInput {
  const where: Prisma.CustomerScoreWhereInput = { shop };
  if (f.segment) {
    const [kind, key] = f.segment.split(":", 2);
    if (kind === "rfm") where.rfmSegment = key;
    else where.clusterKey = key;
  }
  if (f.risk) where.riskBand = f.risk;
  if (f.ids) where.customerId = { in: f.ids };
  if (f.clvMin !== undefined || f.clvMax !== undefined) {
    where.clv12m = {
      ...(f.clvMin !== undefined ? { gte: f.clvMin } : {}),
      ...(f.clvMax !== undefined ? { lte: f.clvMax } : {}),
    };
  }
  return where;
}

export interface CustomerRow {
  customerId: string;
  numericId: string;
  orders: number;
  lastOrderAt: string;
  recencyDays: number;
  monetary: number;
  clv12m: number;
  churnProbability: number;
  /** What the shop loses over 12 months if this customer is gone (CustomerScore.valueAtRisk, shop currency). */
  valueAtRisk: number;
  /** Next order: central estimate and range; all null when the customer is unlikely to order again. */
  nextOrderDate: string | null;
  nextOrderEarliest: string | null;
  nextOrderLatest: string | null;
  riskBand: string;
  rfmSegment: string;
  rfmSegmentName: string;
  clusterKey: string;
  clusterName: string;
}

export interface CustomerPage {
  rows: CustomerRow[];
  total: number;
  /** The churn horizon of the analysis the scores come from (risk is "82% over 70 days"). */
  horizonDays: number | null;
  page: number;
  pageCount: number;
  query: CustomerQuery;
  segments: Array<{ value: string; label: string }>;
  currencyCode: string;
}

async function segmentNameMaps(db: Db, shop: string) {
  const rows = await db.segment.findMany({
    where: { shop, kind: { in: ["rfm", "cluster"] } },
    select: { kind: true, key: true, name: true, customName: true },
  });
  const rfm = new Map<string, string>();
  const cluster = new Map<string, string>();
  for (const r of rows) (r.kind === "rfm" ? rfm : cluster).set(r.key, r.customName?.trim() || r.name);
  return { rfm, cluster };
}

type ScoreRow = Awaited<ReturnType<Db["customerScore"]["findMany"]>>[number];

function toRow(s: ScoreRow, names: { rfm: Map<string, string>; cluster: Map<string, string> }): CustomerRow {
  return {
    customerId: s.customerId,
    numericId: gidId(s.customerId),
    orders: s.orders,
    lastOrderAt: s.lastOrderAt.toISOString(),
    recencyDays: s.recencyDays,
    monetary: s.monetary,
    clv12m: s.clv12m,
    churnProbability: s.churnProbability,
    valueAtRisk: s.valueAtRisk,
    nextOrderDate: s.nextOrderDate?.toISOString() ?? null,
    nextOrderEarliest: s.nextOrderEarliest?.toISOString() ?? null,
    nextOrderLatest: s.nextOrderLatest?.toISOString() ?? null,
    riskBand: s.riskBand,
    rfmSegment: s.rfmSegment,
    rfmSegmentName: names.rfm.get(s.rfmSegment) ?? humanize(s.rfmSegment),
    clusterKey: s.clusterKey,
    clusterName: names.cluster.get(s.clusterKey) ?? humanize(s.clusterKey),
  };
}

export async function listCustomers(
  db: Db,
  shop: string,
  query: CustomerQuery,
  pageSize = PAGE_SIZE,
): Promise<CustomerPage> {
  const where = customerWhere(shop, query);
  const [total, names, currencyCode, horizonDays] = await Promise.all([
    db.customerScore.count({ where }),
    segmentNameMaps(db, shop),
    getShopCurrency(db, shop),
    latestHorizon(db, shop),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(query.page, pageCount);
  const scores = await db.customerScore.findMany({
    where,
    // customerId breaks ties so pages never overlap or skip rows.
    orderBy: [{ [query.sort]: query.direction }, { customerId: "asc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  const segments = [
    ...[...names.rfm.entries()].map(([key, label]) => ({ value: `rfm:${key}`, label: `RFM: ${label}` })),
    ...[...names.cluster.entries()].map(([key, label]) => ({ value: `cluster:${key}`, label: `Cluster: ${label}` })),
  ];
  return {
    rows: scores.map((s) => toRow(s, names)),
    total,
    horizonDays,
    page,
    pageCount,
    query: { ...query, page },
    segments,
    currencyCode,
  };
}

/** The churn horizon (days) of the shop's latest analysis, null before the first. */
export async function latestHorizon(db: Db, shop: string): Promise<number | null> {
  const a = await db.analysis.findFirst({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { horizonDays: true },
  });
  return a?.horizonDays ?? null;
}

// ---------------------------------------------------------------------------------------------------
// CSV export

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
      const r = toRow(s, segmentNames);
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

// ---------------------------------------------------------------------------------------------------
// The customer page

export interface Recommendation {
  productId: string;
  handle: string | null;
}

export interface CustomerDetail {
  customerId: string;
  numericId: string;
  adminUrl: string;
  currencyCode: string;
  score:
    | (CustomerRow & {
        pAlive: number;
        /** False for a one-time buyer whose P(alive) is BG/NBD's artefact (analytics next-order.ts pAliveKnownOf): not shown. */
        pAliveKnown: boolean;
        expectedOrders: number;
        aov: number;
        r: number;
        f: number;
        m: number;
        firstOrderAt: string;
        typicalGapDays: number | null;
        clv12mLow: number | null;
        clv12mHigh: number | null;
        asOf: string;
      })
    | null;
  /** The churn horizon (days) of the analysis the scores come from. */
  horizonDays: number | null;
  reasons: string[];
  recommendations: Recommendation[];
  orders: Array<{
    id: string;
    processedAt: string;
    total: number;
    refunded: number;
    items: number;
    cancelled: boolean;
  }>;
}

export function customerGid(numericId: string): string {
  if (!/^\d+$/.test(numericId)) throw new InvalidQueryError(`"${numericId}" is not a customer id.`);
  return `gid://shopify/Customer/${numericId}`;
}

export async function getCustomer(db: Db, shop: string, numericId: string): Promise<CustomerDetail | null> {
  const customerId = customerGid(numericId);
  const [score, orders, names, currencyCode, horizonDays] = await Promise.all([
    db.customerScore.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.order.findMany({
      where: { shop, customerId },
      orderBy: { processedAt: "asc" },
      take: 500,
      select: {
        id: true,
        processedAt: true,
        totalAmount: true,
        refundedAmount: true,
        cancelledAt: true,
        _count: { select: { lineItems: true } },
      },
    }),
    segmentNameMaps(db, shop),
    getShopCurrency(db, shop),
    latestHorizon(db, shop),
  ]);
  if (!score && orders.length === 0) return null;
  const recIds = score ? readRecommended(score.recommendedJson, `score of ${customerId}`) : [];
  const products = recIds.length
    ? await db.product.findMany({ where: { shop, id: { in: recIds } }, select: { id: true, handle: true } })
    : [];
  const handles = new Map(products.map((p) => [p.id, p.handle]));
  return {
    customerId,
    numericId,
    adminUrl: adminUrl(shop, `customers/${numericId}`),
    currencyCode,
    horizonDays,
    score: score
      ? {
          ...toRow(score, names),
          pAlive: score.pAlive,
          pAliveKnown: pAliveKnownOf(score.orders, score.pAlive),
          expectedOrders: score.expectedOrders,
          aov: score.aov,
          r: score.r,
          f: score.f,
          m: score.m,
          firstOrderAt: score.firstOrderAt.toISOString(),
          typicalGapDays: score.typicalGapDays,
          clv12mLow: score.clv12mLow,
          clv12mHigh: score.clv12mHigh,
          asOf: score.asOf.toISOString(),
        }
      : null,
    reasons: score ? readReasons(score.reasonsJson, `score of ${customerId}`) : [],
    recommendations: recIds.map((productId) => ({ productId, handle: handles.get(productId) ?? null })),
    orders: orders.map((o) => ({
      id: o.id,
      processedAt: o.processedAt.toISOString(),
      total: o.totalAmount,
      refunded: o.refundedAmount,
      items: o._count.lineItems,
      cancelled: o.cancelledAt !== null,
    })),
  };
}
