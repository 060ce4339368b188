import { createHash, createHmac } from "node:crypto";
import { gidNumber, type BulkOperationRecord } from "./store";
import type { StandinOrder } from "./types";

/**
 * Webhook delivery like Shopify's: a JSON POST with X-Shopify-Topic, X-Shopify-Shop-Domain,
 * X-Shopify-Webhook-Id, X-Shopify-Event-Id, X-Shopify-Triggered-At, X-Shopify-API-Version and
 * X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(raw body, app secret)). A forged delivery signs the same
 * body with another key, so the header is well-formed but wrong.
 */

/** "orders/create" -> "ORDERS_CREATE" (the WebhookSubscriptionTopic enum). */
export function topicToEnum(topic: string): string {
  return topic.replace(/[/.]/g, "_").toUpperCase();
}

export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export interface WebhookRequest {
  target: string;
  topic: string;
  shop: string;
  apiVersion: string;
  payload: unknown;
  webhookId: string;
  secret: string;
  forged?: boolean;
  triggeredAt: string;
}

export function webhookHeaders(req: WebhookRequest, body: string): Record<string, string> {
  const hmac = webhookHmac(body, req.forged ? `forged:${req.secret}` : req.secret);
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": req.topic,
    "X-Shopify-Shop-Domain": req.shop,
    "X-Shopify-Webhook-Id": req.webhookId,
    "X-Shopify-Event-Id": createHash("sha256").update(`event:${req.webhookId}`).digest("hex").slice(0, 24),
    "X-Shopify-Triggered-At": req.triggeredAt,
    "X-Shopify-API-Version": req.apiVersion,
    "X-Shopify-Hmac-Sha256": hmac,
  };
}

export async function postWebhook(req: WebhookRequest): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(req.payload);
  const res = await fetch(req.target, { method: "POST", headers: webhookHeaders(req, body), body });
  return { status: res.status, body: await res.text() };
}

/** The bulk_operations/finish payload (status and error code in lower case, as Shopify sends them). */
export function bulkFinishPayload(op: BulkOperationRecord): Record<string, unknown> {
  return {
    admin_graphql_api_id: op.id,
    completed_at: op.completedAt,
    created_at: op.createdAt,
    error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}

const FINANCIAL_STATUS: Record<StandinOrder["displayFinancialStatus"], string> = {
  PAID: "paid",
  PARTIALLY_REFUNDED: "partially_refunded",
  REFUNDED: "refunded",
  PENDING: "pending",
  VOIDED: "voided",
};

/**
 * An orders/create, orders/updated or orders/cancelled payload (REST shape) for an order of the store,
 * so webhook tests send what Shopify would send for that order.
 */
export function orderWebhookPayload(order: StandinOrder): Record<string, unknown> {
  return {
    id: gidNumber(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: order.createdAt,
    processed_at: order.processedAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    test: order.test,
    financial_status: FINANCIAL_STATUS[order.displayFinancialStatus],
    currency: order.currencyCode,
    current_total_price: order.totalPrice,
    total_price: order.totalPrice,
    current_total_price_set: { shop_money: { amount: order.totalPrice, currency_code: order.currencyCode } },
    total_refunded: order.totalRefunded,
    customer: order.customerId ? { id: gidNumber(order.customerId), admin_graphql_api_id: order.customerId } : null,
    line_items: order.lineItems.map((li) => ({
      id: gidNumber(li.id),
      admin_graphql_api_id: li.id,
      product_id: li.productId ? gidNumber(li.productId) : null,
      variant_id: li.variantId ? gidNumber(li.variantId) : null,
      quantity: li.quantity,
      current_quantity: li.currentQuantity,
      price: li.unitPrice,
      price_set: { shop_money: { amount: li.unitPrice, currency_code: order.currencyCode } },
    })),
  };
}
