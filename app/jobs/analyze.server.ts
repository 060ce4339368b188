/**
 * The analyze job for one shop: loads the shop's stored orders, line items and products, runs the
 * analysis (app/analytics/analyze.ts) with the shop's settings (churn horizon, number of clusters) and
 * the previous clusters (stable keys), computes recommendations, and saves everything
 * (app/models/scores.server.ts). Each run is recorded as a SyncRun of kind "analyze" with status,
 * timings and the error if any; Shop.lastAnalysisAt is updated on success.
 */
import type { Db } from "../db.server";
import { analyzeOrders } from "../analytics/analyze";
import { buildRecommender } from "../analytics/recommendations";
import type { LineItemInput, OrderInput, ProductInfo } from "../analytics/types";
import { getShopSettings, updateShopSettings } from "../models/shop-settings.server";
import { loadPreviousClusters, saveAnalysis } from "../models/scores.server";

/** Orders read per query (keeps the query and its result small). */
export const ORDER_PAGE = 5000;
/** Recommendations stored per customer (at least the shop's recsCount). */
export const STORED_RECOMMENDATIONS = 10;

/**
 * All orders of a shop with their line items, as analytics input. Orders and line items are each read
 * in pages by id (keyset pagination) and joined in memory: no `IN (...)` list, so SQLite's limit of
 * 999 bound values never applies, whatever the shop's size.
 */
export async function loadShopOrders(db: Db, shop: string): Promise<OrderInput[]> {
  const byId = new Map<string, OrderInput>();
  let cursor: string | undefined;
  for (;;) {
    const page = await db.order.findMany({
      where: { shop, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: ORDER_PAGE,
    });
    for (const o of page) {
      byId.set(o.id, {
        id: o.id,
        customerId: o.customerId,
        processedAt: o.processedAt,
        createdAt: o.createdAt,
        cancelledAt: o.cancelledAt,
        test: o.test,
        total: o.totalAmount,
        refunded: o.refundedAmount,
        currency: o.currencyCode,
        financialStatus: o.financialStatus,
        updatedAt: o.sourceUpdatedAt,
        lineItems: [],
      });
    }
    if (page.length < ORDER_PAGE) break;
    cursor = page[page.length - 1].id;
  }
  let lineCursor: string | undefined;
  for (;;) {
    const lines: Array<LineItemInput & { id: string; orderId: string }> = await db.lineItem.findMany({
      where: { shop, ...(lineCursor ? { id: { gt: lineCursor } } : {}) },
      orderBy: { id: "asc" },
      take: ORDER_PAGE,
      select: { id: true, orderId: true, productId: true, variantId: true, quantity: true, currentQuantity: true, unitPrice: true },
    });
    for (const { orderId, ...line } of lines) byId.get(orderId)?.lineItems.push(line);
    if (lines.length < ORDER_PAGE) break;
    lineCursor = lines[lines.length - 1].id;
  }
  return [...byId.values()];
}

export async function loadShopProducts(db: Db, shop: string): Promise<ProductInfo[]> {
  const rows = await db.product.findMany({ where: { shop }, select: { id: true, handle: true, productType: true, status: true, inStock: true, price: true } });
  return rows.map((p) => ({ ...p, status: (["ACTIVE", "ARCHIVED", "DRAFT"].includes(p.status) ? p.status : "DRAFT") as ProductInfo["status"] }));
}

export async function runAnalyze(db: Db, shop: string, opts: { asOf?: Date } = {}): Promise<{ analysisId: string; customers: number; model: string }> {
  const run = await db.syncRun.create({ data: { shop, kind: "analyze", status: "running" }, select: { id: true } });
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    timings[stage] = Date.now() - t;
    t = Date.now();
  };
  try {
    const settings = await getShopSettings(db, shop);
    const [orders, products, previousClusters, previousScores] = await Promise.all([
      loadShopOrders(db, shop),
      loadShopProducts(db, shop),
      loadPreviousClusters(db, shop),
      db.customerScore.findMany({ where: { shop, shopifyRfmGroup: { not: null } }, select: { customerId: true, shopifyRfmGroup: true } }),
    ]);
    lap("load");
    const shopifyRfmGroups = new Map(previousScores.map((s) => [s.customerId, s.shopifyRfmGroup!]));
    const result = analyzeOrders(orders, {
      asOf: opts.asOf ?? new Date(),
      horizonDays: settings.churnHorizonDays ?? undefined,
      clusterK: settings.clusterK,
      previousClusters,
      products,
      shopifyRfmGroups,
    });
    lap("analyze");
    const clusterOf = new Map(result.customers.map((c) => [c.customerId, c.clusterKey]));
    const recommender = buildRecommender(orders, { products, clusterOf });
    const limit = Math.max(STORED_RECOMMENDATIONS, settings.recsCount);
    const recommendations = new Map(result.customers.map((c) => [c.customerId, recommender.forCustomer(c.customerId, limit)]));
    lap("recommendations");
    const { analysisId } = await saveAnalysis(db, shop, result, { recommendations });
    lap("save");
    await updateShopSettings(db, shop, { lastAnalysisAt: new Date() });
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        status: "succeeded",
        finishedAt: new Date(),
        ordersCount: orders.length,
        lineItemsCount: orders.reduce((s, o) => s + o.lineItems.length, 0),
        customersCount: result.customers.length,
        detailsJson: JSON.stringify({ analysisId, model: result.model, horizonDays: result.horizonDays, timingsMs: timings, analysisTimingsMs: result.details?.timingsMs, skipped: result.skipped }),
      },
    });
    return { analysisId, customers: result.customers.length, model: result.model };
  } catch (error) {
    await db.syncRun
      .update({ where: { id: run.id }, data: { status: "failed", finishedAt: new Date(), error: (error as Error).message, detailsJson: JSON.stringify({ timingsMs: timings }) } })
      .catch(() => undefined);
    throw error;
  }
}
