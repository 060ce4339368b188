/**
 * The shop's time zone and currency, asked from Shopify at the start of every sync job and kept on the
 * Shop row: the analysis counts days in the shop's time zone and the admin shows money in its currency,
 * so both must be known before the first analysis, not only once a merchant has opened the admin.
 */
import type { Db } from "../db.server";
import { saveShopLocale } from "../models/shop-locale.server";
import { fetchShopZone } from "../shopify/customers.server";
import type { AdminGraphql } from "../shopify/types";

/** Stores the shop's time zone and currency; false (and the stored ones kept) when Shopify cannot be asked. */
export async function refreshShopLocale(db: Db, admin: AdminGraphql, shop: string): Promise<boolean> {
  const zone = await fetchShopZone(admin);
  if (!zone?.ianaTimezone || !zone.currencyCode) return false;
  await saveShopLocale(db, shop, zone);
  return true;
}
