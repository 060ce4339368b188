/**
 * The app's side of the Shopify customer segments (app/shopify/segments.server.ts): the Segment rows the
 * reconciliation works from, the risk-band rows it needs, and the ids of the Shopify segments the app
 * created (AppShopifySegment, Segment.shopifySegmentId). Only recorded ids are ever deleted in Shopify.
 */
import type { Db } from "../db.server";
import type { AppSegmentRow, SegmentStore } from "../shopify/segments.server";

const RISK_NAMES: Record<string, string> = {
  high: "High churn risk",
  medium: "Medium churn risk",
  low: "Low churn risk",
};

/** Makes sure every risk band that customers have exists as an app Segment row (kind "risk"). */
export async function ensureRiskSegments(db: Db, shop: string): Promise<void> {
  const bands = await db.customerScore.groupBy({ by: ["riskBand"], where: { shop }, _count: { _all: true } });
  for (const b of bands) {
    await db.segment.upsert({
      where: { shop_kind_key: { shop, kind: "risk", key: b.riskBand } },
      create: {
        shop,
        kind: "risk",
        key: b.riskBand,
        name: RISK_NAMES[b.riskBand] ?? `${b.riskBand} churn risk`,
        size: b._count._all,
      },
      update: {},
    });
  }
}

/** The shop's Segment rows, by kind and key. */
export async function segmentRowsForShopify(db: Db, shop: string): Promise<AppSegmentRow[]> {
  return db.segment.findMany({
    where: { shop },
    orderBy: [{ kind: "asc" }, { key: "asc" }],
    select: { id: true, kind: true, key: true, name: true, customName: true, active: true, shopifySegmentId: true },
  });
}

/** The ids of the Shopify segments the app recorded when it created them. */
export async function recordedShopifySegmentIds(db: Db, shop: string): Promise<string[]> {
  return (await db.appShopifySegment.findMany({ where: { shop }, select: { shopifySegmentId: true } })).map(
    (r) => r.shopifySegmentId,
  );
}

/** The reconciliation's SegmentStore on the database, for one shop. */
export function shopifySegmentStore(db: Db, shop: string): SegmentStore {
  return {
    async forgetCreated(shopifySegmentId) {
      await db.appShopifySegment.deleteMany({ where: { shop, shopifySegmentId } });
    },
    async recordCreated(shopifySegmentId) {
      await db.appShopifySegment.upsert({
        where: { shop_shopifySegmentId: { shop, shopifySegmentId } },
        create: { shop, shopifySegmentId },
        update: {},
      });
    },
    async linkRow(rowId, shopifySegmentId) {
      await db.segment.update({ where: { id: rowId }, data: { shopifySegmentId } });
    },
    async forgetGone(ids) {
      await db.appShopifySegment.deleteMany({ where: { shop, shopifySegmentId: { in: ids } } });
    },
  };
}
