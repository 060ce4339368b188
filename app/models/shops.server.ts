/**
 * A shop's install state (the Shop row and ShopRedaction): install, uninstall, which shops are installed,
 * and the sync timestamps the Sync page shows. Settings are in shop-settings.server.ts.
 */
import type { Db } from "../db.server";
import { shopsWithOfflineSession } from "./sessions.server";

/**
 * On install and re-install: a shop installing again after shop/redact starts afresh (jobs may write for it
 * again), and its row is marked installed. The row's schedule and sync state for the caller.
 */
export async function markShopInstalled(db: Db, shop: string) {
  await db.shopRedaction.deleteMany({ where: { shop } });
  return db.shop.upsert({ where: { shop }, create: { shop }, update: { uninstalledAt: null } });
}

/** app/uninstalled: the shop is marked uninstalled (its data stays until shop/redact). */
export async function markShopUninstalled(db: Db, shop: string, at: Date): Promise<void> {
  await db.shop.upsert({ where: { shop }, create: { shop, uninstalledAt: at }, update: { uninstalledAt: at } });
}

/** When the shop uninstalled the app (null while installed, or for a shop never seen); creates nothing. */
export async function shopUninstalledAt(db: Db, shop: string): Promise<Date | null> {
  return (await db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } }))?.uninstalledAt ?? null;
}

/** Installed = an offline session and no uninstall since (the uninstall webhook deletes the sessions). */
export async function installedShops(db: Db) {
  const withSession = await shopsWithOfflineSession(db);
  if (!withSession.length) return [];
  return db.shop.findMany({
    where: { shop: { in: withSession }, uninstalledAt: null },
    select: { shop: true, refreshEveryHours: true, lastDeltaSyncAt: true, lastFullSyncAt: true },
    orderBy: { shop: "asc" },
  });
}

/** When the shop last synced and analysed, and whether its order history is limited (null before its first use). */
export async function shopSyncTimes(db: Db, shop: string) {
  return db.shop.findUnique({
    where: { shop },
    select: { lastFullSyncAt: true, lastDeltaSyncAt: true, lastAnalysisAt: true, historyLimited: true },
  });
}
