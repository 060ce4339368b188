/**
 * The mandatory compliance webhooks and the app's lifecycle webhooks. The routes only authenticate
 * (HMAC) and call these; every handler is idempotent, because Shopify delivers webhooks again.
 * Nothing personal is stored, so a data request is answered with what we hold by GID.
 */
import type { Db } from "../db.server";

export const customerGid = (id: string | number) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Customer/${id}`);
export const orderGid = (id: string | number) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`);

export interface CustomerPayload {
  customer?: { id?: number | string | null } | null;
  orders_requested?: Array<number | string> | null;
  orders_to_redact?: Array<number | string> | null;
}

function customerOf(shop: string, payload: CustomerPayload): string {
  const id = payload.customer?.id;
  if (id === undefined || id === null || id === "") throw new Error(`compliance webhook for ${shop} has no customer.id`);
  return customerGid(id);
}

export interface CustomerDataExport {
  shop: string;
  customerId: string;
  score: Record<string, unknown> | null;
  orders: Array<{ id: string; processedAt: string; totalAmount: number; refundedAmount: number; currencyCode: string; lineItems: Array<{ productId: string | null; variantId: string | null; quantity: number; unitPrice: number }> }>;
  /** Every tag change the app made or planned on the customer in Shopify (the app's tag journal). */
  tagChanges: Array<{ tag: string; action: string; status: string; createdAt: string }>;
  /** Events about the customer: Flow triggers sent, opt-out, control-group assignments, reorder reminders. */
  events: {
    flowTriggers: Array<{ trigger: string; status: string; createdAt: string; sentAt: string | null }>;
    optOut: { optedOutAt: string; source: string; revokedAt: string | null } | null;
    holdouts: Array<{ segmentKind: string; segmentKey: string; heldOut: boolean; assignedAt: string; leftAt: string | null }>;
    reorderDue: Array<{ productId: string; lastBoughtAt: string; dueFrom: string; dueTo: string }>;
  };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * customers/data_request: everything the app holds about the customer, by GID (no names or emails are
 * stored): the score row, the orders (the customer's and those the request names) with line items, the
 * tags the app wrote, and the events. The webhook only records the request (Shopify ignores the webhook's
 * answer); the merchant downloads this from the admin's Data requests page (app/models/data-requests.server.ts).
 */
export async function handleCustomersDataRequest(db: Db, shop: string, payload: CustomerPayload): Promise<CustomerDataExport> {
  const customerId = customerOf(shop, payload);
  const requested = (payload.orders_requested ?? []).map(orderGid);
  const [score, orders, tagChanges, flowTriggers, optOut, holdouts, reorderDue] = await Promise.all([
    db.customerScore.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.order.findMany({
      where: { shop, OR: [{ customerId }, ...(requested.length ? [{ id: { in: requested } }] : [])] },
      include: { lineItems: true },
      orderBy: { processedAt: "asc" },
    }),
    db.tagChange.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
    db.flowTriggerLog.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
    db.customerOptOut.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.holdoutAssignment.findMany({ where: { shop, customerId }, orderBy: { assignedAt: "asc" } }),
    db.reorderDue.findMany({ where: { shop, customerId }, orderBy: { dueFrom: "asc" } }),
  ]);
  return {
    shop,
    customerId,
    score: score
      ? Object.fromEntries(Object.entries(score).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]))
      : null,
    orders: orders.map((o) => ({
      id: o.id,
      processedAt: o.processedAt.toISOString(),
      totalAmount: o.totalAmount,
      refundedAmount: o.refundedAmount,
      currencyCode: o.currencyCode,
      lineItems: o.lineItems.map((l) => ({ productId: l.productId, variantId: l.variantId, quantity: l.quantity, unitPrice: l.unitPrice })),
    })),
    tagChanges: tagChanges.map((t) => ({ tag: t.tag, action: t.action, status: t.status, createdAt: t.createdAt.toISOString() })),
    events: {
      flowTriggers: flowTriggers.map((f) => ({ trigger: f.trigger, status: f.status, createdAt: f.createdAt.toISOString(), sentAt: iso(f.sentAt) })),
      optOut: optOut ? { optedOutAt: optOut.optedOutAt.toISOString(), source: optOut.source, revokedAt: iso(optOut.revokedAt) } : null,
      holdouts: holdouts.map((h) => ({ segmentKind: h.segmentKind, segmentKey: h.segmentKey, heldOut: h.heldOut, assignedAt: h.assignedAt.toISOString(), leftAt: iso(h.leftAt) })),
      reorderDue: reorderDue.map((r) => ({ productId: r.productId, lastBoughtAt: r.lastBoughtAt.toISOString(), dueFrom: r.dueFrom.toISOString(), dueTo: r.dueTo.toISOString() })),
    },
  };
}

/**
 * customers/redact: records the redaction first (so a sync, analysis or publish running now deletes what
 * it writes back for this customer when its step ends: see enforceRedactions), then deletes the customer's
 * score, orders (with line items), tag log, Flow trigger log and per-customer rows, and removes the
 * customer's id from the run details (SyncRun.detailsJson).
 */
export async function handleCustomersRedact(
  db: Db,
  shop: string,
  payload: CustomerPayload,
): Promise<{ orders: number; scores: number; tagChanges: number; runDetails: number }> {
  const customerId = customerOf(shop, payload);
  const extra = (payload.orders_to_redact ?? []).map(orderGid);
  await db.customerRedaction.create({ data: { shop, customerId, orderIdsJson: JSON.stringify(extra) } });
  return purgeCustomers(db, shop, [customerId], extra);
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Deletes what is stored about these customers (and orders) and scrubs their ids from the run details. */
async function purgeCustomers(
  db: Db,
  shop: string,
  customerIds: string[],
  orderIds: string[],
  /** Per customer: only runs that finished after this (or still run) can mention them again. */
  runsSince?: Map<string, Date>,
): Promise<{ orders: number; scores: number; tagChanges: number; runDetails: number }> {
  const orderWhere = { shop, OR: [{ customerId: { in: customerIds } }, ...(orderIds.length ? [{ id: { in: orderIds } }] : [])] };
  const counts = await db.$transaction(async (tx: Tx) => {
    const ids = (await tx.order.findMany({ where: orderWhere, select: { id: true } })).map((o) => o.id);
    if (ids.length) await tx.lineItem.deleteMany({ where: { shop, orderId: { in: ids } } });
    const orders = ids.length ? (await tx.order.deleteMany({ where: { shop, id: { in: ids } } })).count : 0;
    const byCustomer = { shop, customerId: { in: customerIds } };
    const scores = (await tx.customerScore.deleteMany({ where: byCustomer })).count;
    const tagChanges = (await tx.tagChange.deleteMany({ where: byCustomer })).count;
    await tx.flowTriggerLog.deleteMany({ where: byCustomer });
    await tx.holdoutAssignment.deleteMany({ where: byCustomer });
    await tx.customerOptOut.deleteMany({ where: byCustomer });
    await tx.reorderDue.deleteMany({ where: byCustomer });
    return { orders, scores, tagChanges };
  });
  return { ...counts, runDetails: await scrubRunDetails(db, shop, customerIds, runsSince) };
}

/** Removes the customers' ids from every SyncRun.detailsJson of the shop that mentions them. */
async function scrubRunDetails(db: Db, shop: string, customerIds: string[], runsSince?: Map<string, Date>): Promise<number> {
  let changed = 0;
  for (const customerId of customerIds) {
    const since = runsSince?.get(customerId);
    const recent = since ? { OR: [{ finishedAt: null }, { finishedAt: { gte: since } }] } : {};
    const runs = await db.syncRun.findMany({ where: { shop, detailsJson: { contains: customerId }, ...recent }, select: { id: true, detailsJson: true } });
    for (const run of runs) {
      let details: unknown;
      try {
        details = JSON.parse(run.detailsJson);
      } catch (error) {
        // Not JSON (the app never writes that): the id is cut out of the text.
        console.error(`[redact] SyncRun ${run.id} details are not JSON (${(error as Error).message}); cutting the id out of the text`);
        await db.syncRun.update({ where: { id: run.id }, data: { detailsJson: run.detailsJson.split(customerId).join("[redacted]") } });
        changed++;
        continue;
      }
      await db.syncRun.update({ where: { id: run.id }, data: { detailsJson: JSON.stringify(withoutId(details, customerId)) } });
      changed++;
    }
  }
  return changed;
}

/** A copy of `value` without `id`: list entries that are it or carry it are dropped, other strings have it cut. */
export function withoutId(value: unknown, id: string): unknown {
  const mentions = (v: unknown): boolean =>
    typeof v === "string" ? v === id : !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).some((x) => x === id);
  if (Array.isArray(value)) return value.filter((v) => !mentions(v)).map((v) => withoutId(v, id));
  if (typeof value === "string") return value.includes(id) ? value.split(id).join("[redacted]") : value;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutId(v, id)]));
  return value;
}

export class ShopRedactedError extends Error {
  constructor(readonly shop: string) {
    super(`${shop} was redacted (shop/redact): no job may write for it again`);
    this.name = "ShopRedactedError";
  }
}

/** Throws ShopRedactedError when shop/redact was received for the shop (call before anything writes). */
export async function assertShopNotRedacted(db: Db, shop: string): Promise<void> {
  if (await db.shopRedaction.findUnique({ where: { shop } })) throw new ShopRedactedError(shop);
}

/**
 * Run by the job runner after each step (and when one fails): a step that was running while a redaction
 * arrived may have written back what the redaction deleted. After shop/redact, everything of the shop is
 * deleted again and ShopRedactedError thrown; after customers/redact, the customers' rows and ids go.
 */
export async function enforceRedactions(db: Db, shop: string): Promise<void> {
  if (await db.shopRedaction.findUnique({ where: { shop } })) {
    await deleteShopData(db, shop);
    throw new ShopRedactedError(shop);
  }
  const redactions = await db.customerRedaction.findMany({ where: { shop }, select: { customerId: true, orderIdsJson: true, redactedAt: true } });
  if (!redactions.length) return;
  const orderIds = redactions.flatMap((r) => JSON.parse(r.orderIdsJson) as string[]);
  // Run details were scrubbed when each redaction came: only runs finished since then are looked at again.
  const since = new Map<string, Date>();
  for (const r of redactions) if (!since.has(r.customerId) || since.get(r.customerId)! > r.redactedAt) since.set(r.customerId, r.redactedAt);
  await purgeCustomers(db, shop, [...since.keys()], [...new Set(orderIds)], since);
}

/**
 * shop/redact (48 hours after uninstall): records the redaction first (jobs check it before and after each
 * step, so none re-creates the shop's rows), then deletes everything of the shop. A reinstall clears it.
 */
export async function handleShopRedact(db: Db, shop: string): Promise<Record<string, number>> {
  await db.shopRedaction.upsert({ where: { shop }, create: { shop }, update: { redactedAt: new Date() } });
  return deleteShopData(db, shop);
}

async function deleteShopData(db: Db, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx: Tx) => {
    const where = { shop };
    const counts: Record<string, number> = {};
    counts.lineItems = (await tx.lineItem.deleteMany({ where })).count;
    counts.orders = (await tx.order.deleteMany({ where })).count;
    counts.products = (await tx.product.deleteMany({ where })).count;
    counts.customerScores = (await tx.customerScore.deleteMany({ where })).count;
    counts.segments = (await tx.segment.deleteMany({ where })).count;
    counts.syncRuns = (await tx.syncRun.deleteMany({ where })).count;
    counts.analyses = (await tx.analysis.deleteMany({ where })).count;
    counts.analysisSnapshots = (await tx.analysisSnapshot.deleteMany({ where })).count;
    counts.tagChanges = (await tx.tagChange.deleteMany({ where })).count;
    counts.webhookEvents = (await tx.webhookEvent.deleteMany({ where })).count;
    counts.recEvents = (await tx.recEvent.deleteMany({ where })).count;
    counts.appShopifySegments = (await tx.appShopifySegment.deleteMany({ where })).count;
    counts.flowTriggers = (await tx.flowTriggerLog.deleteMany({ where })).count;
    counts.customerRedactions = (await tx.customerRedaction.deleteMany({ where })).count;
    counts.controlGroups = (await tx.controlGroup.deleteMany({ where })).count;
    counts.holdoutAssignments = (await tx.holdoutAssignment.deleteMany({ where })).count;
    counts.customerOptOuts = (await tx.customerOptOut.deleteMany({ where })).count;
    counts.productCycles = (await tx.productCycle.deleteMany({ where })).count;
    counts.reorderDue = (await tx.reorderDue.deleteMany({ where })).count;
    counts.sessions = (await tx.session.deleteMany({ where })).count;
    counts.shops = (await tx.shop.deleteMany({ where })).count;
    return counts;
  });
}

/** app/uninstalled: the shop's sessions are deleted and the shop marked uninstalled (data stays until shop/redact). */
export async function handleAppUninstalled(db: Db, shop: string, at: Date = new Date()): Promise<{ sessions: number }> {
  const sessions = (await db.session.deleteMany({ where: { shop } })).count;
  await db.shop.upsert({ where: { shop }, create: { shop, uninstalledAt: at }, update: { uninstalledAt: at } });
  return { sessions };
}

/** app/scopes_update: records the granted scopes; without read_all_orders only 60 days of orders are visible. */
export async function handleScopesUpdate(db: Db, shop: string, sessionId: string | null, current: string[]): Promise<void> {
  if (sessionId) await db.session.updateMany({ where: { id: sessionId, shop }, data: { scope: current.join(",") } });
  const historyLimited = !current.includes("read_all_orders");
  await db.shop.upsert({ where: { shop }, create: { shop, historyLimited }, update: { historyLimited } });
}
