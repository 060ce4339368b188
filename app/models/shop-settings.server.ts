/**
 * A shop's settings and sync state (the Shop row), created with defaults on first use.
 * Every query is scoped by shop.
 */
import type { Db } from "../db.server";

export type ShopSettings = Awaited<ReturnType<Db["shop"]["upsert"]>>;

export async function getShopSettings(db: Db, shop: string): Promise<ShopSettings> {
  return db.shop.upsert({ where: { shop }, create: { shop }, update: {} });
}

/** The shop's currency (ISO code) for formatting money; USD until the first sync has read it. */
export async function getShopCurrency(db: Db, shop: string): Promise<string> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  return row?.currencyCode ?? "USD";
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
