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
  tagChanges: Array<{ tag: string; action: string; status: string; createdAt: string }>;
}

/** customers/data_request: everything stored about the customer (scores, orders and tags, by GID). */
export async function handleCustomersDataRequest(db: Db, shop: string, payload: CustomerPayload): Promise<CustomerDataExport> {
  const customerId = customerOf(shop, payload);
  const requested = (payload.orders_requested ?? []).map(orderGid);
  const [score, orders, tagChanges] = await Promise.all([
    db.customerScore.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.order.findMany({
      where: { shop, OR: [{ customerId }, ...(requested.length ? [{ id: { in: requested } }] : [])] },
      include: { lineItems: true },
      orderBy: { processedAt: "asc" },
    }),
    db.tagChange.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
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
  };
}

/** customers/redact: deletes the customer's score, orders (with line items) and tag log. */
export async function handleCustomersRedact(db: Db, shop: string, payload: CustomerPayload): Promise<{ orders: number; scores: number; tagChanges: number }> {
  const customerId = customerOf(shop, payload);
  const extra = (payload.orders_to_redact ?? []).map(orderGid);
  const orderWhere = { shop, OR: [{ customerId }, ...(extra.length ? [{ id: { in: extra } }] : [])] };
  return db.$transaction(async (tx) => {
    const orderIds = (await tx.order.findMany({ where: orderWhere, select: { id: true } })).map((o) => o.id);
    if (orderIds.length) await tx.lineItem.deleteMany({ where: { shop, orderId: { in: orderIds } } });
    const orders = orderIds.length ? (await tx.order.deleteMany({ where: { shop, id: { in: orderIds } } })).count : 0;
    const scores = (await tx.customerScore.deleteMany({ where: { shop, customerId } })).count;
    const tagChanges = (await tx.tagChange.deleteMany({ where: { shop, customerId } })).count;
    return { orders, scores, tagChanges };
  });
}

/** shop/redact (48 hours after uninstall): deletes everything of the shop. */
export async function handleShopRedact(db: Db, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const where = { shop };
    const counts: Record<string, number> = {};
    counts.lineItems = (await tx.lineItem.deleteMany({ where })).count;
    counts.orders = (await tx.order.deleteMany({ where })).count;
    counts.products = (await tx.product.deleteMany({ where })).count;
    counts.customerScores = (await tx.customerScore.deleteMany({ where })).count;
    counts.segments = (await tx.segment.deleteMany({ where })).count;
    counts.syncRuns = (await tx.syncRun.deleteMany({ where })).count;
    counts.analyses = (await tx.analysis.deleteMany({ where })).count;
    counts.tagChanges = (await tx.tagChange.deleteMany({ where })).count;
    counts.webhookEvents = (await tx.webhookEvent.deleteMany({ where })).count;
    counts.recEvents = (await tx.recEvent.deleteMany({ where })).count;
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
