import { createHash, createHmac } from "node:crypto";
import { gidNumber, type BulkOperationRecord } from "./store";
import { presentmentAmount } from "./resolvers";
import type { StandinCustomer, StandinOrder } from "./types";

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

/** The orders/delete payload: only the order's id (Shopify's webhook reference: `{"id": 820982911946154508}`). */
export function orderDeletePayload(order: Pick<StandinOrder, "id">): Record<string, unknown> {
  return { id: gidNumber(order.id) };
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

/** A REST money set: the shop's amount and the customer's (presentment) amount. */
function moneySet(order: StandinOrder, amount: string): Record<string, unknown> {
  const presentment =
    order.presentmentCurrencyCode && order.presentmentRate !== undefined
      ? { amount: presentmentAmount(amount, order.presentmentRate), currency_code: order.presentmentCurrencyCode }
      : { amount, currency_code: order.currencyCode };
  return { shop_money: { amount, currency_code: order.currencyCode }, presentment_money: presentment };
}

const cents = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);

/**
 * The order's refunds as the REST order carries them (shopify.dev REST Refund resource): the returned line
 * items (quantity - current quantity) as `refund_line_items` with shop and presentment `subtotal_set`; money
 * refunded beyond the returned items (or short of them) as a `refund_discrepancy` order adjustment (amount
 * negative when more was refunded than calculated, as Shopify's `shipping_refund` adjustment of -5.00 for 5.00
 * refunded); and one successful `refund` transaction for the money, its `amount` in its `currency`, the
 * presentment currency (REST transactions carry no shop-money amount).
 */
function refundsOf(order: StandinOrder): Record<string, unknown>[] {
  const refunded = Number(order.totalRefunded);
  const returned = order.lineItems.filter((li) => li.quantity > li.currentQuantity);
  if (!(refunded > 0) && returned.length === 0) return [];
  const orderId = gidNumber(order.id);
  const refundId = orderId * 10 + 1;
  const presentmentCurrency = order.presentmentCurrencyCode ?? order.currencyCode;
  const inPresentment = (amount: string) =>
    order.presentmentRate !== undefined && order.presentmentCurrencyCode
      ? presentmentAmount(amount, order.presentmentRate)
      : amount;
  const zero = moneySet(order, "0.00");
  const lines = returned.map((li) => {
    const quantity = li.quantity - li.currentQuantity;
    const subtotal = cents(Number(li.unitPrice) * quantity);
    return {
      id: gidNumber(li.id) * 10 + 1,
      line_item_id: gidNumber(li.id),
      quantity,
      location_id: null,
      restock_type: "return",
      subtotal: Number(subtotal),
      total_tax: 0,
      subtotal_set: moneySet(order, subtotal),
      total_tax_set: zero,
    };
  });
  const calculatedShop = returned.reduce(
    (sum, li) => sum + Number(li.unitPrice) * (li.quantity - li.currentQuantity),
    0,
  );
  const calculatedPresentment = lines.reduce((sum, l) => sum + Number(inPresentment(cents(l.subtotal))), 0);
  const discrepancy = cents(calculatedShop - refunded);
  const adjustments =
    Number(discrepancy) !== 0
      ? [
          {
            id: refundId * 10 + 2,
            order_id: orderId,
            refund_id: refundId,
            kind: "refund_discrepancy",
            reason: "Refund discrepancy",
            amount: discrepancy,
            amount_set: moneySet(order, discrepancy),
            tax_amount: "0.00",
            tax_amount_set: zero,
          },
        ]
      : [];
  const moneyPresentment = cents(calculatedPresentment - Number(inPresentment(discrepancy)));
  return [
    {
      id: refundId,
      admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
      order_id: orderId,
      created_at: order.updatedAt,
      processed_at: order.updatedAt,
      note: null,
      user_id: null,
      restock: returned.length > 0,
      duties: [],
      total_duties_set: zero,
      additional_fees: [],
      total_additional_fees_set: zero,
      refund_shipping_lines: [],
      order_adjustments: adjustments,
      refund_line_items: lines,
      transactions:
        refunded > 0
          ? [
              {
                id: refundId * 10 + 1,
                admin_graphql_api_id: `gid://shopify/OrderTransaction/${refundId * 10 + 1}`,
                order_id: orderId,
                kind: "refund",
                gateway: "manual",
                status: "success",
                message: null,
                created_at: order.updatedAt,
                processed_at: order.updatedAt,
                test: order.test,
                authorization: null,
                parent_id: null,
                amount: moneyPresentment,
                currency: presentmentCurrency,
              },
            ]
          : [],
    },
  ];
}

/**
 * An orders/create, orders/updated or orders/cancelled payload for an order of the store, in the REST
 * webhook shape (fields Shopify's REST Order resource has, shop and presentment money sets, `refunds[]`
 * with `transactions` and `refund_line_items`; nothing the REST order does not have). `customer` adds the
 * customer's name and email, as Shopify sends them to an app with protected customer data Level 2 (the
 * stand-in's deliverWebhook nulls them for Level 1).
 */
export function orderWebhookPayload(order: StandinOrder, customer?: StandinCustomer): Record<string, unknown> {
  const number = Number(order.name.replace(/\D/g, "")) || gidNumber(order.id);
  const email = customer?.email ?? null;
  return {
    id: gidNumber(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    number: number - 1000,
    order_number: number,
    email,
    contact_email: email,
    phone: null,
    created_at: order.createdAt,
    processed_at: order.processedAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelledAt ? "customer" : null,
    closed_at: null,
    confirmed: true,
    test: order.test,
    financial_status: FINANCIAL_STATUS[order.displayFinancialStatus],
    currency: order.currencyCode,
    presentment_currency: order.presentmentCurrencyCode ?? order.currencyCode,
    total_price: order.totalPrice,
    total_price_set: moneySet(order, order.totalPrice),
    current_total_price: order.totalPrice,
    current_total_price_set: moneySet(order, order.totalPrice),
    subtotal_price: order.totalPrice,
    subtotal_price_set: moneySet(order, order.totalPrice),
    current_subtotal_price: order.totalPrice,
    current_subtotal_price_set: moneySet(order, order.totalPrice),
    total_tax: "0.00",
    total_tax_set: moneySet(order, "0.00"),
    taxes_included: false,
    customer: order.customerId
      ? {
          id: gidNumber(order.customerId),
          admin_graphql_api_id: order.customerId,
          email,
          first_name: customer?.firstName ?? null,
          last_name: customer?.lastName ?? null,
          phone: null,
          currency: order.currencyCode,
          created_at: customer?.createdAt ?? null,
          updated_at: customer?.updatedAt ?? null,
          tags: customer ? customer.tags.join(", ") : "",
        }
      : null,
    line_items: order.lineItems.map((li) => ({
      id: gidNumber(li.id),
      admin_graphql_api_id: li.id,
      product_id: li.productId ? gidNumber(li.productId) : null,
      variant_id: li.variantId ? gidNumber(li.variantId) : null,
      quantity: li.quantity,
      current_quantity: li.currentQuantity,
      fulfillable_quantity: li.currentQuantity,
      price: li.unitPrice,
      price_set: moneySet(order, li.unitPrice),
      total_discount: "0.00",
      total_discount_set: moneySet(order, "0.00"),
      gift_card: false,
      taxable: true,
      tax_lines: [],
      discount_allocations: [],
      duties: [],
    })),
    refunds: refundsOf(order),
    shipping_lines: [],
    tax_lines: [],
    discount_codes: [],
    note_attributes: [],
  };
}
