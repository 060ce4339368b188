/**
 * orders/create, orders/updated and orders/cancelled: the REST-shaped webhook payload mapped onto the
 * same facts the bulk export stores, then one idempotent upsert by order GID and updatedAt (an older
 * event never overwrites a newer one). Testable without Remix: the routes only authenticate and call this.
 */
import type { LineItemInput, OrderInput } from "../analytics/types";
import type { Db } from "../db.server";
import { upsertOrders } from "../models/orders.server";
import { forgetWebhook, recordWebhookOnce } from "./dedupe.server";

export const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled", "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED"] as const;

export class WebhookPayloadError extends Error {
  constructor(topic: string, reason: string) {
    super(`${topic} webhook payload rejected: ${reason}`);
    this.name = "WebhookPayloadError";
  }
}

type Json = Record<string, unknown>;

const gid = (kind: string, graphqlId: unknown, numericId: unknown): string | null => {
  if (typeof graphqlId === "string" && graphqlId.startsWith("gid://")) return graphqlId;
  if ((typeof numericId === "number" || typeof numericId === "string") && String(numericId).trim() !== "") return `gid://shopify/${kind}/${numericId}`;
  return null;
};

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

const shopMoney = (set: unknown): number | null => num((set as { shop_money?: { amount?: unknown } } | null | undefined)?.shop_money?.amount);

function date(v: unknown, field: string, topic: string): Date | null {
  if (v === null || v === undefined || v === "") return null;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new WebhookPayloadError(topic, `${field} is not a date: ${JSON.stringify(v)}`);
  return d;
}

/** Refunded amount: Shopify's refund transactions (successful refunds), else a total the payload carries. */
function refundedOf(p: Json): number {
  const refunds = Array.isArray(p.refunds) ? (p.refunds as Json[]) : [];
  let sum = 0;
  let seen = false;
  for (const refund of refunds) {
    for (const t of Array.isArray(refund.transactions) ? (refund.transactions as Json[]) : []) {
      if ((t.kind === "refund" || t.kind === undefined) && (t.status === "success" || t.status === undefined)) {
        const amount = num(t.amount);
        if (amount !== null) {
          sum += amount;
          seen = true;
        }
      }
    }
  }
  if (seen) return Math.round(sum * 100) / 100;
  return shopMoney(p.total_refunded_set) ?? num(p.total_refunded) ?? 0;
}

/** Maps an orders/* webhook payload (REST shape) to analytics input. Throws WebhookPayloadError when unusable. */
export function orderFromWebhook(topic: string, payload: unknown): OrderInput {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new WebhookPayloadError(topic, "not a JSON object");
  const p = payload as Json;
  const id = gid("Order", p.admin_graphql_api_id, p.id);
  if (!id) throw new WebhookPayloadError(topic, "no order id");
  const createdAt = date(p.created_at, "created_at", topic);
  const processedAt = date(p.processed_at, "processed_at", topic) ?? createdAt;
  if (!processedAt) throw new WebhookPayloadError(topic, `order ${id} has neither processed_at nor created_at`);
  const updatedAt = date(p.updated_at, "updated_at", topic);
  const total = shopMoney(p.current_total_price_set) ?? num(p.current_total_price) ?? shopMoney(p.total_price_set) ?? num(p.total_price);
  if (total === null) throw new WebhookPayloadError(topic, `order ${id} has no numeric total`);
  const customer = p.customer as Json | null | undefined;
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
    refunded: refundedOf(p),
    currency: typeof p.currency === "string" ? p.currency : "",
    financialStatus: typeof p.financial_status === "string" ? p.financial_status.toUpperCase() : null,
    lineItems,
  };
}

export interface OrderWebhookResult {
  orderId: string;
  /** "written": stored; "older": the stored copy is newer, nothing changed. */
  outcome: "written" | "older";
}

export async function handleOrderWebhook(db: Db, shop: string, topic: string, payload: unknown): Promise<OrderWebhookResult> {
  if (!(ORDER_TOPICS as readonly string[]).includes(topic)) throw new WebhookPayloadError(topic, "not an order topic");
  const order = orderFromWebhook(topic, payload);
  const r = await upsertOrders(db, shop, [order]);
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
export async function receiveOrderWebhook(db: Db, delivery: WebhookDelivery): Promise<{ status: number; result: OrderWebhookResult | "duplicate" | "rejected" }> {
  const { shop, topic, webhookId, payload } = delivery;
  if (webhookId && !(await recordWebhookOnce(db, webhookId, shop, topic))) return { status: 200, result: "duplicate" };
  try {
    return { status: 200, result: await handleOrderWebhook(db, shop, topic, payload) };
  } catch (error) {
    if (webhookId) await forgetWebhook(db, webhookId).catch(() => undefined);
    // A payload we cannot read will not get better on retry: acknowledge it, say why in the log.
    if (error instanceof WebhookPayloadError) {
      console.error(`[webhooks] ${shop}: ${error.message}`);
      return { status: 200, result: "rejected" };
    }
    throw error;
  }
}
