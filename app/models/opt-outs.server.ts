/**
 * Customers opted out of automated decisions, by the merchant (customer page) or by themselves (the
 * storefront link, through the signed app proxy). A fact per customer with its date and who asked;
 * the merchant can reverse it (revokedAt), which keeps the row as the record of both dates.
 *
 * What an opt-out means everywhere (docs/tagging.md, "Opt-out"): no app tags (existing ones removed at
 * the next publish), no app metafields (deleted), no control-group membership, no Flow triggers, and
 * only non-personal storefront recommendations. The scores are still computed, for shop-level figures.
 */
import type { Db } from "../db.server";

export type OptOutSource = "merchant" | "shopper";

export interface OptOutState {
  customerId: string;
  optedOut: boolean;
  optedOutAt: Date | null;
  source: OptOutSource | null;
  revokedAt: Date | null;
}

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;

function checkCustomer(customerId: string): string {
  if (!CUSTOMER_GID.test(customerId))
    throw new Error(`Not a customer id (gid://shopify/Customer/<number>): ${customerId.slice(0, 60)}`);
  return customerId;
}

/** Records that the customer opted out (again), dated `now`. */
export async function optOutCustomer(
  db: Db,
  shop: string,
  customerId: string,
  source: OptOutSource,
  now = new Date(),
): Promise<OptOutState> {
  checkCustomer(customerId);
  const row = await db.customerOptOut.upsert({
    where: { shop_customerId: { shop, customerId } },
    create: { shop, customerId, optedOutAt: now, source },
    update: { optedOutAt: now, source, revokedAt: null },
  });
  return {
    customerId,
    optedOut: true,
    optedOutAt: row.optedOutAt,
    source: row.source as OptOutSource,
    revokedAt: null,
  };
}

/** The merchant reverses an opt-out; the row stays with both dates. No-op when not opted out. */
export async function restoreCustomer(
  db: Db,
  shop: string,
  customerId: string,
  now = new Date(),
): Promise<OptOutState> {
  checkCustomer(customerId);
  await db.customerOptOut.updateMany({ where: { shop, customerId, revokedAt: null }, data: { revokedAt: now } });
  return getOptOut(db, shop, customerId);
}

export async function getOptOut(db: Db, shop: string, customerId: string): Promise<OptOutState> {
  const row = await db.customerOptOut.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (!row) return { customerId, optedOut: false, optedOutAt: null, source: null, revokedAt: null };
  return {
    customerId,
    optedOut: row.revokedAt === null,
    optedOutAt: row.optedOutAt,
    source: row.source as OptOutSource,
    revokedAt: row.revokedAt,
  };
}

export async function isOptedOut(db: Db, shop: string, customerId: string): Promise<boolean> {
  return (await db.customerOptOut.count({ where: { shop, customerId, revokedAt: null } })) > 0;
}

/** Every customer of the shop currently opted out. */
export async function optedOutCustomers(db: Db, shop: string): Promise<Set<string>> {
  const rows = await db.customerOptOut.findMany({ where: { shop, revokedAt: null }, select: { customerId: true } });
  return new Set(rows.map((r) => r.customerId));
}

/** Opt-outs, newest first (the settings list and the merchant's record). */
export async function listOptOuts(db: Db, shop: string, take = 100): Promise<OptOutState[]> {
  const rows = await db.customerOptOut.findMany({
    where: { shop, revokedAt: null },
    orderBy: { optedOutAt: "desc" },
    take,
  });
  return rows.map((r) => ({
    customerId: r.customerId,
    optedOut: true,
    optedOutAt: r.optedOutAt,
    source: r.source as OptOutSource,
    revokedAt: null,
  }));
}
