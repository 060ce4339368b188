/**
 * The CustomerScore table as the admin shows a row: one customer's scores with the names of their RFM
 * segment and cluster, and the churn horizon of the analysis they come from. Nothing personal is stored:
 * customers are GIDs, and names/emails are only ever fetched live from Shopify for display
 * (app/shopify/customers.server.ts).
 */
import type { Db } from "../db.server";
import { gidId, humanize, type SegmentNames } from "./segments.server";

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

type ScoreRow = Awaited<ReturnType<Db["customerScore"]["findMany"]>>[number];

/** A score as the table, the CSV and the customer page show it; a segment without a stored name is humanized. */
export function toCustomerRow(s: ScoreRow, names: SegmentNames): CustomerRow {
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

/** The churn horizon (days) of the shop's latest analysis, null before the first. */
export async function latestHorizon(db: Db, shop: string): Promise<number | null> {
  const a = await db.analysis.findFirst({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { horizonDays: true },
  });
  return a?.horizonDays ?? null;
}
