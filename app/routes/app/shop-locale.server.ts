/**
 * The shop's currency and time zone for the admin layout, from the Shop row (every sync keeps them,
 * app/jobs/sync/run.server.ts). Before the first sync has stored the time zone, it is asked from
 * Shopify for this page only: a page load writes nothing.
 */
import type { Db } from "../../db.server";
import type { AdminGraphql } from "../../shopify/types";
import { fetchShopZone } from "../../shopify/customers.server";
import { getShopLocale, type ShopLocaleRow } from "../../models/shop-locale.server";

export async function loadShopLocale(db: Db, shop: string, admin: AdminGraphql | null): Promise<ShopLocaleRow> {
  const locale = await getShopLocale(db, shop);
  if (locale.timeZone || !admin) return locale;
  const zone = await fetchShopZone(admin);
  return zone?.ianaTimezone ? { currency: zone.currencyCode || locale.currency, timeZone: zone.ianaTimezone } : locale;
}
