/**
 * The mandatory compliance webhooks and the app's lifecycle webhooks. The routes only authenticate
 * (HMAC) and call these; every handler is idempotent, because Shopify delivers webhooks again.
 * Nothing personal is stored, so a data request is answered with what we hold by GID. The queries are in
 * app/models (compliance, redaction, sessions, shops); these handlers parse the payload and decide.
 */
import type { Db } from "../db.server";
import {
  customerDataExport,
  customerOf,
  orderGid,
  type CustomerDataExport,
  type CustomerPayload,
} from "../models/compliance.server";
import { recordDataRequest, type DataRequestPayload } from "../models/data-requests.server";
import {
  deleteDataRequestsOf,
  deleteShopData,
  isShopRedacted,
  purgeCustomers,
  recordCustomerRedaction,
  recordShopRedaction,
} from "../models/redaction.server";
import { deleteShopSessions, setSessionScopes } from "../models/sessions.server";
import { markShopUninstalled } from "../models/shops.server";
import { getShopSettings, updateShopSettings } from "../models/shop-settings.server";
import { FULL_HISTORY_SCOPE } from "../shopify/orders-sync.server";

/**
 * customers/data_request: everything the app holds about the customer, by GID (customerDataExport). The
 * webhook only records the request (Shopify ignores the webhook's answer); the merchant downloads this
 * from the admin's Data requests page (app/models/data-requests.server.ts).
 */
export async function handleCustomersDataRequest(
  db: Db,
  shop: string,
  payload: CustomerPayload,
): Promise<CustomerDataExport> {
  return customerDataExport(db, shop, payload);
}

/**
 * customers/data_request as the webhook delivers it: recorded for the merchant to download (once per
 * data_request.id), except for a shop already redacted (shop/redact), of which nothing is stored again.
 */
export async function receiveDataRequest(
  db: Db,
  shop: string,
  payload: DataRequestPayload,
  webhookId: string | null,
): Promise<{ id: string; created: boolean } | "redacted"> {
  if (await isShopRedacted(db, shop)) return "redacted";
  return recordDataRequest(db, shop, payload, { webhookId });
}

/**
 * customers/redact: records the redaction first (so a sync, analysis or publish running now deletes what
 * it writes back for this customer when its step ends: see enforceRedactions), then deletes the customer's
 * score, orders (with line items) and their storefront attributions, tag log, Flow trigger log, per-customer
 * rows and recorded data requests, and removes the customer's id from the run details (SyncRun.detailsJson).
 */
export async function handleCustomersRedact(
  db: Db,
  shop: string,
  payload: CustomerPayload,
): Promise<{ orders: number; scores: number; tagChanges: number; runDetails: number; dataRequests: number }> {
  const customerId = customerOf(shop, payload);
  // After shop/redact everything of the shop is gone, and not even the redaction is recorded again.
  if (await isShopRedacted(db, shop)) return { orders: 0, scores: 0, tagChanges: 0, runDetails: 0, dataRequests: 0 };
  const extra = (payload.orders_to_redact ?? []).map(orderGid);
  await recordCustomerRedaction(db, shop, customerId, extra);
  const purged = await purgeCustomers(db, shop, [customerId], extra);
  return { ...purged, dataRequests: await deleteDataRequestsOf(db, shop, customerId) };
}

/**
 * shop/redact (48 hours after uninstall): records the redaction first (jobs check it before and after each
 * step, so none re-creates the shop's rows), then deletes everything of the shop. A reinstall clears it.
 */
export async function handleShopRedact(db: Db, shop: string): Promise<Record<string, number>> {
  await recordShopRedaction(db, shop);
  return deleteShopData(db, shop);
}

/** app/uninstalled: the shop's sessions are deleted and the shop marked uninstalled (data stays until shop/redact). */
export async function handleAppUninstalled(db: Db, shop: string, at: Date = new Date()): Promise<{ sessions: number }> {
  const sessions = await deleteShopSessions(db, shop);
  await markShopUninstalled(db, shop, at);
  return { sessions };
}

/**
 * app/scopes_update (payload `previous`, `current`): records the granted scopes and whether the order
 * history is limited to 60 days (no read_all_orders). When read_all_orders has just been granted (it was not
 * in `previous`, or the shop's history was limited), `resyncFullHistory` runs: the orders older than 60 days
 * exist for the app only now, and only a full sync fetches them. Idempotent: a repeated delivery after the
 * flag was cleared, with read_all_orders already in `previous`, asks for nothing.
 */
export async function handleScopesUpdate(
  db: Db,
  shop: string,
  sessionId: string | null,
  current: string[],
  opts: { previous?: string[] | null; resyncFullHistory?: (shop: string) => Promise<unknown> } = {},
): Promise<{ historyLimited: boolean; fullHistoryGranted: boolean }> {
  const before = await getShopSettings(db, shop);
  if (sessionId) await setSessionScopes(db, shop, sessionId, current);
  const historyLimited = !current.includes(FULL_HISTORY_SCOPE);
  const hadIt = Array.isArray(opts.previous) ? opts.previous.includes(FULL_HISTORY_SCOPE) : !before.historyLimited;
  const fullHistoryGranted = !historyLimited && (!hadIt || before.historyLimited);
  await updateShopSettings(db, shop, { historyLimited });
  if (fullHistoryGranted) await opts.resyncFullHistory?.(shop);
  return { historyLimited, fullHistoryGranted };
}
