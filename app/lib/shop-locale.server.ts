/**
 * The shop's currency and time zone for the admin layout: from the Shop row, and on the first visit
 * the time zone is asked from Shopify once and kept.
 */
import type { Db } from "../db.server";
import type { AdminGraphql } from "../shopify/types";
import { fetchShopZone } from "../shopify/customers.server";
import { getShopLocale, saveShopTimeZone, type ShopLocaleRow } from "../models/shop-locale.server";

export async function loadShopLocale(db: Db, shop: string, admin: AdminGraphql | null): Promise<ShopLocaleRow> {
  const locale = await getShopLocale(db, shop);
  if (locale.timeZone || !admin) return locale;
  const zone = await fetchShopZone(admin);
  if (!zone?.ianaTimezone) return locale;
  await saveShopTimeZone(db, shop, zone.ianaTimezone);
  return { ...locale, timeZone: zone.ianaTimezone };
}
