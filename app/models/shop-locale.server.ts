/**
 * The shop's currency and time zone, for the admin's money and dates and the analysis's days. Neither is
 * part of the orders the sync reads: every sync asks Shopify (app/jobs/sync/run.server.ts) and
 * keeps them on the Shop row (settings of the store, not personal data).
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

export async function saveShopLocale(
  db: Db,
  shop: string,
  locale: { ianaTimezone: string; currencyCode: string },
): Promise<void> {
  const data = { ianaTimezone: locale.ianaTimezone, currencyCode: locale.currencyCode };
  await db.shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}
