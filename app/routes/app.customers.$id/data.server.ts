/**
 * The customer page's read-model: the customer's scores, reasons, recommended products and orders.
 * Customers are GIDs; names and emails are fetched live from Shopify for display only.
 */
import type { Db } from "../../db.server";
import { pAliveKnownOf } from "../../analytics/models/next-order";
import { readReasons, readRecommended } from "../../models/json-columns.server";
import { latestHorizon, toCustomerRow, type CustomerRow } from "../../models/customers.server";
import { adminUrl, segmentNameMaps } from "../../models/segments.server";
import { getShopCurrency } from "../../models/shop-settings.server";
import { customerGid } from "../app/customer-list.server";

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
          ...toCustomerRow(score, names),
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
