/**
 * The customer list's query, shared by the pages that list customers (the customers table, a segment's
 * page, the CSV export): its URL parameters parsed and checked, the filter as a CustomerScore `where`, and
 * one page of rows, paginated, sorted and filtered in the database. Every query is scoped by shop.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../../db.server";
import { latestHorizon, toCustomerRow, type CustomerRow } from "../../models/customers.server";
import { segmentNameMaps } from "../../models/segments.server";
import { getShopCurrency } from "../../models/shop-settings.server";

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
    rows: scores.map((s) => toCustomerRow(s, names)),
    total,
    horizonDays,
    page,
    pageCount,
    query: { ...query, page },
    segments,
    currencyCode,
  };
}

export function customerGid(numericId: string): string {
  if (!/^\d+$/.test(numericId)) throw new InvalidQueryError(`"${numericId}" is not a customer id.`);
  return `gid://shopify/Customer/${numericId}`;
}
