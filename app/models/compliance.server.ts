/**
 * The rules of the compliance webhooks that jobs and models share: the customer's GIDs, the data export a
 * customers/data_request answers with, and the redaction guard every job step passes (ShopRedactedError,
 * assertShopNotRedacted, enforceRedactions). The queries are in redaction.server.ts; the webhook handlers
 * are in app/webhooks/compliance.server.ts.
 */
import type { Db } from "../db.server";
import {
  customerDataRows,
  deleteShopData,
  isShopRedacted,
  listCustomerRedactions,
  purgeCustomers,
} from "./redaction.server";

export const customerGid = (id: string | number) =>
  String(id).startsWith("gid://") ? String(id) : `gid://shopify/Customer/${id}`;
export const orderGid = (id: string | number) =>
  String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`;

export interface CustomerPayload {
  customer?: { id?: number | string | null } | null;
  orders_requested?: Array<number | string> | null;
  orders_to_redact?: Array<number | string> | null;
}

export function customerOf(shop: string, payload: CustomerPayload): string {
  const id = payload.customer?.id;
  if (id === undefined || id === null || id === "")
    throw new Error(`compliance webhook for ${shop} has no customer.id`);
  return customerGid(id);
}

export interface CustomerDataExport {
  shop: string;
  customerId: string;
  score: Record<string, unknown> | null;
  orders: Array<{
    id: string;
    processedAt: string;
    totalAmount: number;
    refundedAmount: number;
    currencyCode: string;
    lineItems: Array<{ productId: string | null; variantId: string | null; quantity: number; unitPrice: number }>;
  }>;
  /** Every tag change the app made or planned on the customer in Shopify (the app's tag journal). */
  tagChanges: Array<{ tag: string; action: string; status: string; createdAt: string }>;
  /** Events about the customer: Flow triggers sent, opt-out, control-group assignments, reorder reminders. */
  events: {
    flowTriggers: Array<{ trigger: string; status: string; createdAt: string; sentAt: string | null }>;
    optOut: { optedOutAt: string; source: string; revokedAt: string | null } | null;
    holdouts: Array<{
      segmentKind: string;
      segmentKey: string;
      heldOut: boolean;
      assignedAt: string;
      leftAt: string | null;
    }>;
    reorderDue: Array<{ productId: string; lastBoughtAt: string; dueFrom: string; dueTo: string }>;
    /** The customer's orders placed after clicking a recommendation: the order, the product clicked and when. */
    recommendationOrders: Array<{ orderId: string; productId: string; clickedAt: string }>;
  };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * customers/data_request (app/webhooks/compliance.server.ts): everything the app holds about the customer, by GID (no names or emails are
 * stored): the score row, the orders (the customer's and those the request names) with line items, the
 * tags the app wrote, and the events. The webhook only records the request (Shopify ignores the webhook's
 * answer); the merchant downloads this from the admin's Data requests page (app/models/data-requests.server.ts).
 */
export async function customerDataExport(db: Db, shop: string, payload: CustomerPayload): Promise<CustomerDataExport> {
  const customerId = customerOf(shop, payload);
  const requested = (payload.orders_requested ?? []).map(orderGid);
  const { score, orders, tagChanges, flowTriggers, optOut, holdouts, reorderDue, attributions } =
    await customerDataRows(db, shop, customerId, requested);
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
      lineItems: o.lineItems.map((l) => ({
        productId: l.productId,
        variantId: l.variantId,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
    })),
    tagChanges: tagChanges.map((t) => ({
      tag: t.tag,
      action: t.action,
      status: t.status,
      createdAt: t.createdAt.toISOString(),
    })),
    events: {
      flowTriggers: flowTriggers.map((f) => ({
        trigger: f.trigger,
        status: f.status,
        createdAt: f.createdAt.toISOString(),
        sentAt: iso(f.sentAt),
      })),
      optOut: optOut
        ? { optedOutAt: optOut.optedOutAt.toISOString(), source: optOut.source, revokedAt: iso(optOut.revokedAt) }
        : null,
      holdouts: holdouts.map((h) => ({
        segmentKind: h.segmentKind,
        segmentKey: h.segmentKey,
        heldOut: h.heldOut,
        assignedAt: h.assignedAt.toISOString(),
        leftAt: iso(h.leftAt),
      })),
      reorderDue: reorderDue.map((r) => ({
        productId: r.productId,
        lastBoughtAt: r.lastBoughtAt.toISOString(),
        dueFrom: r.dueFrom.toISOString(),
        dueTo: r.dueTo.toISOString(),
      })),
      recommendationOrders: attributions.map((a) => ({
        orderId: a.orderId,
        productId: a.productId,
        clickedAt: a.clickedAt.toISOString(),
      })),
    },
  };
}

export class ShopRedactedError extends Error {
  constructor(readonly shop: string) {
    super(`${shop} was redacted (shop/redact): no job may write for it again`);
    this.name = "ShopRedactedError";
  }
}

/** Throws ShopRedactedError when shop/redact was received for the shop (call before anything writes). */
export async function assertShopNotRedacted(db: Db, shop: string): Promise<void> {
  if (await isShopRedacted(db, shop)) throw new ShopRedactedError(shop);
}

/**
 * Run by the job runner after each step (and when one fails): a step that was running while a redaction
 * arrived may have written back what the redaction deleted. After shop/redact, everything of the shop is
 * deleted again and ShopRedactedError thrown; after customers/redact, the customers' rows and ids go.
 */
export async function enforceRedactions(db: Db, shop: string): Promise<void> {
  if (await isShopRedacted(db, shop)) {
    await deleteShopData(db, shop);
    throw new ShopRedactedError(shop);
  }
  const redactions = await listCustomerRedactions(db, shop);
  if (!redactions.length) return;
  const orderIds = redactions.flatMap((r) => r.orderIds);
  // Run details were scrubbed when each redaction came: only runs finished since then are looked at again.
  const since = new Map<string, Date>();
  for (const r of redactions)
    if (!since.has(r.customerId) || since.get(r.customerId)! > r.redactedAt) since.set(r.customerId, r.redactedAt);
  await purgeCustomers(db, shop, [...since.keys()], [...new Set(orderIds)], since);
}
