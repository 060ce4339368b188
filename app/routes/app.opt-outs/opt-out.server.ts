/**
 * Opting a customer out, for the two places that do it (the merchant's /app/opt-outs and the shopper's
 * /proxy/opt-out): the opt-out is recorded (app/models/opt-outs.server.ts), the customer's control-group
 * draw ends, and the app's tags and metafields come off Shopify at once (app/shopify/opt-out.server.ts).
 */
import type { Db } from "../../db.server";
import { closeAssignmentsOf } from "../../models/holdouts.server";
import { optOutCustomer, type OptOutSource, type OptOutState } from "../../models/opt-outs.server";
import { getShopSettings } from "../../models/shop-settings.server";
import { withdrawFromShopify, type WithdrawReport } from "../../shopify/opt-out.server";
import type { AdminGraphql } from "../../shopify/types";

/**
 * Takes an opted-out customer's app tags and metafields off Shopify now (not at the next publish). A
 * failure is logged with its cause and left to the next publish, which removes them too; null then.
 */
export async function withdrawNow(
  db: Db,
  shop: string,
  customerId: string,
  admin: AdminGraphql | null,
): Promise<WithdrawReport | null> {
  if (!admin) {
    console.warn(
      `[opt-out] ${shop} ${customerId}: Shopify cannot be reached now; the next publish removes the app's tags and metafields`,
    );
    return null;
  }
  try {
    const { tagPrefix } = await getShopSettings(db, shop);
    const report = await withdrawFromShopify(admin, customerId, tagPrefix);
    if (report.errors.length)
      console.warn(`[opt-out] ${shop} ${customerId}: ${report.errors.join("; ")}; the next publish tries again`);
    return report;
  } catch (error) {
    console.error(
      `[opt-out] ${shop} ${customerId}: removing the app's tags and metafields failed (${(error as Error).message}); the next publish tries again`,
    );
    return null;
  }
}

/** Records the opt-out, ends the customer's control-group draw and withdraws what the app set in Shopify. */
export async function optOutNow(
  db: Db,
  shop: string,
  customerId: string,
  source: OptOutSource,
  admin: AdminGraphql | null,
  now = new Date(),
): Promise<OptOutState> {
  const state = await optOutCustomer(db, shop, customerId, source, now);
  await closeAssignmentsOf(db, shop, customerId, now);
  await withdrawNow(db, shop, customerId, admin);
  return state;
}
