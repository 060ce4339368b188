/**
 * orders/create, orders/updated and orders/cancelled: the REST-shaped webhook payload mapped onto the
 * same facts the bulk export stores, then one idempotent upsert by order GID and updatedAt (an older
 * event never overwrites a newer one). Testable without Remix: the routes only authenticate and call this.
 * Money is shop money, as in the bulk export: `current_total_price_set.shop_money`, line items'
 * `price_set.shop_money`, and refunds from `refunds[].transactions` converted to the shop's currency.
 * Names, emails and addresses in the payload are never read.
 */
import type { LineItemInput, OrderInput } from "../analytics/types";
import type { Db } from "../db.server";
import { deleteOrder, upsertOrders } from "../models/orders.server";
import { recordOrderAttribution } from "../models/rec-events.server";
import { isOrderRedacted, isShopRedacted } from "../models/redaction.server";
import { forgetWebhook, isOrderDeleted, markOrderDeleted, recordWebhookOnce } from "../models/webhook-dedupe.server";

export const ORDER_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_CANCELLED",
] as const;

export class WebhookPayloadError extends Error {
  constructor(topic: string, reason: string) {
    super(`${topic} webhook payload rejected: ${reason}`);
    this.name = "WebhookPayloadError";
  }
}

type Json = Record<string, unknown>;

const gid = (kind: string, graphqlId: unknown, numericId: unknown): string | null => {
  if (typeof graphqlId === "string" && graphqlId.startsWith("gid://")) return graphqlId;
  if ((typeof numericId === "number" || typeof numericId === "string") && String(numericId).trim() !== "")
    return `gid://shopify/${kind}/${numericId}`;
  return null;
};

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

const shopMoney = (set: unknown): number | null =>
  num((set as { shop_money?: { amount?: unknown } } | null | undefined)?.shop_money?.amount);

function date(v: unknown, field: string, topic: string): Date | null {
  if (v === null || v === undefined || v === "") return null;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new WebhookPayloadError(topic, `${field} is not a date: ${JSON.stringify(v)}`);
  return d;
}

const moneyCurrency = (set: unknown, which: "shop_money" | "presentment_money"): string | null => {
  const code = (set as Record<string, { currency_code?: unknown } | undefined> | null | undefined)?.[which]
    ?.currency_code;
  return typeof code === "string" ? code : null;
};

const presentmentMoney = (set: unknown): number | null =>
  num((set as { presentment_money?: { amount?: unknown } } | null | undefined)?.presentment_money?.amount);

/**
 * Shop-currency units per presentment-currency unit for this order, from its largest amount with both
 * monies (`total_price_set`, `current_total_price_set`): Shopify converts an order, and refunds of it, at
 * one rate. Null when the payload carries no usable pair.
 */
function shopPerPresentment(p: Json): number | null {
  let best: { shop: number; presentment: number } | null = null;
  for (const set of [p.total_price_set, p.current_total_price_set, p.subtotal_price_set]) {
    const shop = shopMoney(set);
    const presentment = presentmentMoney(set);
    if (
      shop !== null &&
      presentment !== null &&
      shop > 0 &&
      presentment > 0 &&
      (!best || presentment > best.presentment)
    )
      best = { shop, presentment };
  }
  return best ? best.shop / best.presentment : null;
}

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * What one refund is worth by its parts, in shop and presentment money, as Shopify computed them: refunded
 * line items (subtotal and tax), refunded shipping lines, less order adjustments (a `refund_discrepancy` or,
 * without refund_shipping_lines, a `shipping_refund` is negative when money was refunded beyond the parts).
 */
function refundParts(refund: Json): { shop: number; presentment: number } | null {
  let shop = 0;
  let presentment = 0;
  const add = (set: unknown, sign = 1): boolean => {
    const s = shopMoney(set);
    const pm = presentmentMoney(set);
    if (s === null || pm === null) return false;
    shop += sign * s;
    presentment += sign * pm;
    return true;
  };
  for (const line of list(refund.refund_line_items))
    if (!add(line.subtotal_set) || (line.total_tax_set && !add(line.total_tax_set))) return null;
  const shippingLines = list(refund.refund_shipping_lines);
  for (const line of shippingLines) if (!add(line.subtotal_amount_set)) return null;
  for (const adj of list(refund.order_adjustments)) {
    if (adj.kind === "shipping_refund" && shippingLines.length) continue;
    if (!add(adj.amount_set, -1)) return null;
  }
  return { shop, presentment };
}

/**
 * Refunded amount in shop money, with the bulk path's meaning (GraphQL `totalRefundedSet.shopMoney`: the
 * successful refund transactions). A REST refund transaction carries `amount` in its own `currency`:
 * - in the shop's currency, it is taken as is;
 * - in the presentment currency, the refund's own shop money is used when its parts (refundParts) add up to
 *   the money refunded (Shopify's figures, exact); otherwise the amount is converted at the order's rate
 *   (shopPerPresentment), rounded to cents.
 * Refunded line items are not taken out of the total here: the current total and quantities already
 * exclude them, as in the bulk path, and purchase-history's netValue nets both paths the same way.
 */
function refundedOf(topic: string, p: Json, shopCurrency: string): number {
  let sum = 0;
  let rate: number | null | undefined;
  for (const refund of list(p.refunds)) {
    let inShop = 0;
    let inPresentment = 0;
    for (const t of list(refund.transactions)) {
      if (t.kind !== "refund" || t.status !== "success") continue;
      const amount = num(t.amount);
      if (amount === null)
        throw new WebhookPayloadError(topic, `refund transaction ${String(t.id ?? "?")} has no numeric amount`);
      const currency = typeof t.currency === "string" ? t.currency : shopCurrency;
      if (!shopCurrency || currency === shopCurrency) inShop += amount;
      else inPresentment += amount;
    }
    sum += inShop;
    if (inPresentment === 0) continue;
    const parts = refundParts(refund);
    if (parts && Math.abs(parts.presentment - inPresentment) < 0.005) {
      sum += parts.shop;
      continue;
    }
    if (rate === undefined) rate = shopPerPresentment(p);
    if (rate === null)
      throw new WebhookPayloadError(
        topic,
        `refund in the presentment currency but no shop/presentment total to convert it to ${shopCurrency}`,
      );
    sum += inPresentment * rate;
  }
  return Math.round(sum * 100) / 100;
}

/** Maps an orders/* webhook payload (REST shape) to analytics input. Throws WebhookPayloadError when unusable. */
export function orderFromWebhook(topic: string, payload: unknown): OrderInput {
  if (!payload || typeof payload !== "object" || Array.isArray(payload))
    throw new WebhookPayloadError(topic, "not a JSON object");
  const p = payload as Json;
  const id = gid("Order", p.admin_graphql_api_id, p.id);
  if (!id) throw new WebhookPayloadError(topic, "no order id");
  const createdAt = date(p.created_at, "created_at", topic);
  const processedAt = date(p.processed_at, "processed_at", topic) ?? createdAt;
  if (!processedAt) throw new WebhookPayloadError(topic, `order ${id} has neither processed_at nor created_at`);
  const updatedAt = date(p.updated_at, "updated_at", topic);
  const total =
    shopMoney(p.current_total_price_set) ??
    num(p.current_total_price) ??
    shopMoney(p.total_price_set) ??
    num(p.total_price);
  if (total === null) throw new WebhookPayloadError(topic, `order ${id} has no numeric total`);
  const customer = p.customer as Json | null | undefined;
  const currency =
    moneyCurrency(p.current_total_price_set, "shop_money") ??
    moneyCurrency(p.total_price_set, "shop_money") ??
    (typeof p.currency === "string" ? p.currency : "");
  const lineItems: LineItemInput[] = (Array.isArray(p.line_items) ? (p.line_items as Json[]) : []).map((li, i) => {
    const quantity = num(li.quantity);
    if (quantity === null) throw new WebhookPayloadError(topic, `line item ${i + 1} of order ${id} has no quantity`);
    return {
      id: gid("LineItem", li.admin_graphql_api_id, li.id) ?? undefined,
      productId: gid("Product", null, li.product_id),
      variantId: gid("ProductVariant", null, li.variant_id),
      quantity,
      currentQuantity: num(li.current_quantity) ?? quantity,
      unitPrice: shopMoney(li.price_set) ?? num(li.price) ?? 0,
    };
  });
  return {
    id,
    customerId: customer ? gid("Customer", customer.admin_graphql_api_id, customer.id) : null,
    createdAt: createdAt ?? processedAt,
    processedAt,
    updatedAt,
    cancelledAt: date(p.cancelled_at, "cancelled_at", topic),
    test: p.test === true,
    total,
    refunded: refundedOf(topic, p, currency),
    currency,
    financialStatus: typeof p.financial_status === "string" ? p.financial_status.toUpperCase() : null,
    lineItems,
  };
}

export interface OrderWebhookResult {
  orderId: string;
  /**
   * "written": stored; "older": the stored copy is newer, nothing changed; "redacted": customers/redact named
   * the order or its customer, or shop/redact the shop, so nothing is stored; "deleted": orders/delete came
   * first (this delivery is late), nothing is stored.
   */
  outcome: "written" | "older" | "redacted" | "deleted";
}

export async function handleOrderWebhook(
  db: Db,
  shop: string,
  topic: string,
  payload: unknown,
): Promise<OrderWebhookResult> {
  if (!(ORDER_TOPICS as readonly string[]).includes(topic)) throw new WebhookPayloadError(topic, "not an order topic");
  const order = orderFromWebhook(topic, payload);
  // Redaction wins over a late delivery: nothing of a redacted shop, customer or order is stored again.
  if ((await isShopRedacted(db, shop)) || (await isOrderRedacted(db, shop, order.id, order.customerId)))
    return { orderId: order.id, outcome: "redacted" };
  if (await isOrderDeleted(db, shop, order.id)) return { orderId: order.id, outcome: "deleted" };
  const r = await upsertOrders(db, shop, [order]);
  // The recommendations' cart attribute: the only way an order is attributed to them (rec-events.server.ts).
  if (r.written)
    await recordOrderAttribution(db, shop, order, (payload as { note_attributes?: unknown }).note_attributes);
  return { orderId: order.id, outcome: r.written ? "written" : "older" };
}

export interface WebhookDelivery {
  shop: string;
  topic: string;
  webhookId?: string | null;
  payload: unknown;
}

/**
 * One authenticated delivery: duplicates (same X-Shopify-Webhook-Id) are ignored; a delivery whose
 * handling fails is forgotten again so Shopify's retry is processed. Returns the HTTP status to answer.
 */
export async function receiveOrderWebhook(
  db: Db,
  delivery: WebhookDelivery,
): Promise<{ status: number; result: OrderWebhookResult | "duplicate" | "rejected" | "redacted" }> {
  const { shop, topic, webhookId, payload } = delivery;
  // After shop/redact not even the delivery's id is kept for the shop (a reinstall clears the redaction).
  if (await isShopRedacted(db, shop)) return { status: 200, result: "redacted" };
  if (webhookId && !(await recordWebhookOnce(db, webhookId, shop, topic))) return { status: 200, result: "duplicate" };
  try {
    return { status: 200, result: await handleOrderWebhook(db, shop, topic, payload) };
  } catch (error) {
    if (webhookId) {
      // Forgetting is best effort: the handling error below is what matters; a failure to forget is logged.
      await forgetWebhook(db, webhookId).catch((forgetError: unknown) =>
        console.error(
          `[webhooks] ${shop}: could not forget delivery ${webhookId} after a failure: ${(forgetError as Error)?.message ?? forgetError}`,
        ),
      );
    }
    // A payload we cannot read will not get better on retry: acknowledge it, say why in the log.
    if (error instanceof WebhookPayloadError) {
      console.error(`[webhooks] ${shop}: ${error.message}`);
      return { status: 200, result: "rejected" };
    }
    throw error;
  }
}

/**
 * orders/delete (its body is only the order's id): the order, its line items and its storefront attribution
 * are removed, so the next analysis runs without it, and a late orders/create or orders/updated of it is not
 * stored again (markOrderDeleted). Repeats harmlessly; nothing is done for a redacted shop.
 */
export async function handleOrderDelete(
  db: Db,
  shop: string,
  orderId: number | string,
): Promise<{ orderId: string; orders: number; lineItems: number; attributions: number }> {
  const id = `gid://shopify/Order/${orderId}`;
  if (await isShopRedacted(db, shop)) return { orderId: id, orders: 0, lineItems: 0, attributions: 0 };
  await markOrderDeleted(db, shop, id);
  return { orderId: id, ...(await deleteOrder(db, shop, id)) };
}
