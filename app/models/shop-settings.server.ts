/**
 * A shop's settings and sync state (the Shop row), created with defaults on first use.
 * Every query is scoped by shop.
 */
import type { Db } from "../db.server";

export type ShopSettings = Awaited<ReturnType<Db["shop"]["upsert"]>>;

export async function getShopSettings(db: Db, shop: string): Promise<ShopSettings> {
  return db.shop.upsert({ where: { shop }, create: { shop }, update: {} });
}

export type ShopSettingsUpdate = Partial<
  Pick<
    ShopSettings,
    | "churnHorizonDays"
    | "clusterK"
    | "tagPrefix"
    | "autoTag"
    | "tagSegments"
    | "tagRisk"
    | "tagClusters"
    | "previewSeenAt"
    | "refreshEveryHours"
    | "recsEnabled"
    | "recsCount"
    | "historyLimited"
    | "currencyCode"
    | "lastFullSyncAt"
    | "lastDeltaSyncAt"
    | "lastAnalysisAt"
    | "lastPublishAt"
    | "uninstalledAt"
  >
>;

export async function updateShopSettings(db: Db, shop: string, update: ShopSettingsUpdate): Promise<ShopSettings> {
  return db.shop.upsert({ where: { shop }, create: { shop, ...update }, update });
}
