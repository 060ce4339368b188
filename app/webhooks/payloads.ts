/**
 * What each webhook topic's body must be before the app acts on it: one zod schema per topic the app
 * subscribes to (shopify.app.toml), written from Shopify's webhook reference, checking every field the app
 * reads and keeping numbers within the ranges of the columns they are stored in (prisma/schema.prisma).
 * Fields the app does not read pass through unchecked. A body that fails its schema is acknowledged and
 * logged, never stored (see ./README.md: what Shopify does with each status code).
 */
import { z } from "zod";

/**
 * The largest body read (bytes). Shopify's REST and GraphQL draft orders hold at most 499 line items; a
 * REST order payload is about 1.5-3 KB per line item, so an order of 1,000 line items fits with room.
 */
export const MAX_WEBHOOK_BODY_BYTES = 4 * 1024 * 1024;
/** Line items of one order: twice the 499 Shopify's order APIs accept. */
export const MAX_LINE_ITEMS = 1_000;
/** Refunds of one order, and transactions or lines of one refund. */
export const MAX_REFUNDS = 250;
/** The Int columns (LineItem.quantity, currentQuantity): PostgreSQL's integer. */
export const MAX_INT_COLUMN = 2_147_483_647;
/**
 * Money in the shop's currency: at most 10^12 (a trillion; more than any real order, even in VND or IDR).
 * Totals are stored as doubles, exact to the cent up to here, and sums of millions of them stay finite.
 */
export const MAX_MONEY = 1e12;

/** A myshopify.com domain, as Shopify sends it in X-Shopify-Shop-Domain and the compliance bodies. */
export const SHOP_DOMAIN_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const shopDomain = z.string().regex(SHOP_DOMAIN_RE, "must be a myshopify.com domain");

/**
 * The body's JSON, with integers beyond 2^53 kept as their digits: Shopify's ids are 64-bit and its
 * reference's examples use ids such as 820982911946154508, which a plain JSON.parse rounds to another id.
 */
export function parseWebhookJson(text: string): unknown {
  type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
  const keepBigIntegers: Reviver = (_key, value, context) =>
    typeof value === "number" &&
    Number.isInteger(value) &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
}

/** A Shopify numeric id (number or digits, as the body carries it), 1 to 20 digits. */
const numericId = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^[1-9][0-9]{0,19}$/, "must be a numeric id"),
]);
const gidOf = (kind: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${kind}/[1-9][0-9]{0,19}$`), `must be a ${kind} GID`);

/** A money amount, as REST sends it (a decimal string) or as a number, within MAX_MONEY either way. */
const money = z
  .union([z.number(), z.string().regex(/^-?[0-9]{1,16}(\.[0-9]{1,10})?$/, "must be a decimal amount")])
  .transform(Number)
  .refine((n) => Number.isFinite(n) && Math.abs(n) <= MAX_MONEY, `must be within ±${MAX_MONEY}`);
const moneySet = z
  .object({
    shop_money: z.object({ amount: money, currency_code: z.string().regex(/^[A-Z]{3}$/) }).passthrough(),
    presentment_money: z
      .object({ amount: money, currency_code: z.string().regex(/^[A-Z]{3}$/) })
      .passthrough()
      .optional(),
  })
  .passthrough();
const intColumn = z.number().int().min(0).max(MAX_INT_COLUMN);
/** A timestamp, as an ISO 8601 string between 1970 and 2100. */
const timestamp = z
  .string()
  .max(40)
  .refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && t >= 0 && t < Date.UTC(2100, 0, 1);
  }, "must be an ISO 8601 date between 1970 and 2100");
/** Short text the app stores or compares (no NUL: PostgreSQL refuses it in text). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL");

const lineItem = z
  .object({
    id: numericId.optional(),
    admin_graphql_api_id: gidOf("LineItem").optional(),
    product_id: numericId.nullish(),
    variant_id: numericId.nullish(),
    quantity: intColumn,
    current_quantity: intColumn.nullish(),
    price: money.nullish(),
    price_set: moneySet.nullish(),
  })
  .passthrough();

const refund = z
  .object({
    transactions: z
      .array(
        z
          .object({
            kind: text(40).nullish(),
            status: text(40).nullish(),
            amount: money.nullish(),
            currency: z
              .string()
              .regex(/^[A-Z]{3}$/)
              .nullish(),
          })
          .passthrough(),
      )
      .max(MAX_REFUNDS)
      .nullish(),
    refund_line_items: z
      .array(z.object({ subtotal_set: moneySet.nullish(), total_tax_set: moneySet.nullish() }).passthrough())
      .max(MAX_LINE_ITEMS)
      .nullish(),
    refund_shipping_lines: z
      .array(z.object({ subtotal_amount_set: moneySet.nullish() }).passthrough())
      .max(MAX_REFUNDS)
      .nullish(),
    order_adjustments: z
      .array(z.object({ kind: text(40).nullish(), amount_set: moneySet.nullish() }).passthrough())
      .max(MAX_REFUNDS)
      .nullish(),
  })
  .passthrough();

/** orders/create, orders/updated, orders/cancelled: the REST Order, as far as the app reads it. */
export const orderPayloadSchema = z
  .object({
    id: numericId,
    admin_graphql_api_id: gidOf("Order").optional(),
    created_at: timestamp.nullish(),
    processed_at: timestamp.nullish(),
    updated_at: timestamp.nullish(),
    cancelled_at: timestamp.nullish(),
    test: z.boolean().nullish(),
    financial_status: text(40).nullish(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .nullish(),
    total_price: money.nullish(),
    current_total_price: money.nullish(),
    total_price_set: moneySet.nullish(),
    current_total_price_set: moneySet.nullish(),
    subtotal_price_set: moneySet.nullish(),
    customer: z
      .object({ id: numericId.nullish(), admin_graphql_api_id: gidOf("Customer").nullish() })
      .passthrough()
      .nullish(),
    line_items: z.array(lineItem).max(MAX_LINE_ITEMS).nullish(),
    refunds: z.array(refund).max(MAX_REFUNDS).nullish(),
    note_attributes: z
      .array(z.object({ name: z.unknown(), value: z.unknown() }).passthrough())
      .max(250)
      .nullish(),
  })
  .passthrough()
  .refine(
    (o) => !o.admin_graphql_api_id || o.admin_graphql_api_id === `gid://shopify/Order/${String(o.id)}`,
    "admin_graphql_api_id must name the same order as id",
  );

/** orders/delete: only the deleted order's id (the reference's example is `{"id": 820982911946154508}`). */
export const orderDeletePayloadSchema = z.object({ id: numericId }).passthrough();

const customerRef = z.object({ id: numericId }).passthrough();

/** customers/data_request (shopify.dev "Privacy law compliance"). */
export const dataRequestPayloadSchema = z
  .object({
    shop_id: numericId.optional(),
    shop_domain: shopDomain,
    orders_requested: z.array(numericId).max(10_000).nullish(),
    customer: customerRef,
    data_request: z.object({ id: numericId }).passthrough().nullish(),
  })
  .passthrough();

/** customers/redact. */
export const customersRedactPayloadSchema = z
  .object({
    shop_id: numericId.optional(),
    shop_domain: shopDomain,
    customer: customerRef,
    orders_to_redact: z.array(numericId).max(10_000).nullish(),
  })
  .passthrough();

/** shop/redact. */
export const shopRedactPayloadSchema = z
  .object({ shop_id: numericId.optional(), shop_domain: shopDomain })
  .passthrough();

/**
 * app/uninstalled: the REST Shop. `domain` is the shop's primary domain (a custom domain, or null), so the
 * shop is named by `myshopify_domain`.
 */
export const appUninstalledPayloadSchema = z
  .object({ id: numericId.optional(), myshopify_domain: shopDomain.nullish() })
  .passthrough();

/** app/scopes_update (its id names the app installation, as a number or as its GID; the app does not use it). */
export const scopesUpdatePayloadSchema = z
  .object({
    id: z.union([numericId, gidOf("AppInstallation")]).optional(),
    previous: z.array(text(100)).max(200).nullish(),
    current: z.array(text(100)).max(200),
    updated_at: timestamp.nullish(),
  })
  .passthrough();

/** bulk_operations/finish. */
export const bulkFinishPayloadSchema = z
  .object({
    admin_graphql_api_id: gidOf("BulkOperation"),
    status: text(40).nullish(),
    error_code: text(80).nullish(),
  })
  .passthrough();

export const WEBHOOK_SCHEMAS = {
  "orders/create": orderPayloadSchema,
  "orders/updated": orderPayloadSchema,
  "orders/cancelled": orderPayloadSchema,
  "orders/delete": orderDeletePayloadSchema,
  "customers/data_request": dataRequestPayloadSchema,
  "customers/redact": customersRedactPayloadSchema,
  "shop/redact": shopRedactPayloadSchema,
  "app/uninstalled": appUninstalledPayloadSchema,
  "app/scopes_update": scopesUpdatePayloadSchema,
  "bulk_operations/finish": bulkFinishPayloadSchema,
} as const;

export type WebhookTopic = keyof typeof WEBHOOK_SCHEMAS;
export type WebhookPayload<T extends WebhookTopic> = z.output<(typeof WEBHOOK_SCHEMAS)[T]>;

/** "orders/create" and "ORDERS_CREATE" (the library's form of X-Shopify-Topic) alike. */
export function sameTopic(a: string, b: string): boolean {
  const norm = (t: string) => t.replace(/[/.]/g, "_").toUpperCase();
  return norm(a) === norm(b);
}

/** The shop the signed body names, when the topic's body names one. */
export function shopNamedBy(topic: WebhookTopic, payload: unknown): string | null {
  const p = payload as { shop_domain?: unknown; myshopify_domain?: unknown } | null;
  if (topic === "app/uninstalled") return typeof p?.myshopify_domain === "string" ? p.myshopify_domain : null;
  return typeof p?.shop_domain === "string" ? p.shop_domain : null;
}

export type PayloadCheck<T extends WebhookTopic> =
  { ok: true; payload: WebhookPayload<T> } | { ok: false; reason: string };

/** The topic's schema applied to the body's text (lossless JSON); the first problem named when it fails. */
export function checkWebhookPayload<T extends WebhookTopic>(topic: T, body: string): PayloadCheck<T> {
  let json: unknown;
  try {
    json = parseWebhookJson(body);
  } catch (error) {
    return { ok: false, reason: `body is not JSON (${(error as Error).message.slice(0, 120)})` };
  }
  const parsed = WEBHOOK_SCHEMAS[topic].safeParse(json);
  if (parsed.success) return { ok: true, payload: parsed.data as WebhookPayload<T> };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue.path.join(".") || "body"} ${issue.message}` };
}
