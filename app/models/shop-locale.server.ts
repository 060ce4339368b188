/**
 * The shop's currency and time zone for the admin's money and dates. The time zone is not part of the
 * orders the sync reads: the admin asks Shopify once (app/shopify/customers.server.ts fetchShopZone) and
 * keeps it on the Shop row (a setting of the store, not personal data).
 */
import type { Db } from "../db.server";

export interface ShopLocaleRow {
  currency: string;
  timeZone: string | null;
}

export async function getShopLocale(db: Db, shop: string): Promise<ShopLocaleRow> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true, ianaTimezone: true } });
  return { currency: row?.currencyCode ?? "USD", timeZone: row?.ianaTimezone ?? null };
}

export async function saveShopTimeZone(db: Db, shop: string, ianaTimezone: string): Promise<void> {
  await db.shop.upsert({ where: { shop }, create: { shop, ianaTimezone }, update: { ianaTimezone } });
}
