import { GraphQLError } from "graphql";
import type { ShopState } from "./store";
import type { ProtectedDataLevel } from "./types";

/**
 * Protected customer data, as Shopify enforces it per app (shopify.dev "Work with protected customer
 * data"): Level 0 = no customer data; Level 1 = customer data (Customer and Order objects, order and
 * customer webhooks, customer metafields) without the protected fields; Level 2 = also name, email,
 * phone and address. The stand-in plays one app, so the granted level is the app's: set it with
 * `startStandin({ protectedDataLevel })` or `standin.setProtectedDataLevel(level)` (every shop), or one
 * shop's `standin.state(shop).protectedDataLevel`.
 *
 * How each case answers (the docs' "Example API requests for protected customer data"):
 * - an unapproved field is null and `errors[]` carries "This app is not approved to access the Customer
 *   object. See ... for more details." with its `path` (HTTP 200); extensions.code is ACCESS_DENIED;
 * - `Customer.displayName` is non-null: without name access it answers "•••" (Shopify's redaction mark
 *   from the changelog "displayName no longer exposes unapproved email or phone") instead of an error;
 * - Level 0: Customer/Order objects (root fields, connections, `Order.customer`) are null with the same
 *   error for the object; webhookSubscriptionCreate on a protected topic gets Shopify's userError; a
 *   protected topic is not delivered (recorded with status 0);
 * - Level 1: webhooks on protected topics are delivered with the protected fields set to null;
 * - a bulk query that selects an unapproved field or object ends FAILED with errorCode ACCESS_DENIED
 *   (a bulk file has no per-field error channel; this is the stand-in's choice, stricter than a null).
 */

export type { ProtectedDataLevel };

export const PROTECTED_DATA_DOCS = "https://shopify.dev/docs/apps/launch/protected-customer-data";

/** Shopify's redaction mark for displayName without access to the value it would return. */
export const REDACTED_DISPLAY_NAME = "•••";

export type ProtectedField = "name" | "email" | "phone" | "address";

function notApproved(objectType: string): GraphQLError {
  return new GraphQLError(
    `This app is not approved to access the ${objectType} object. See ${PROTECTED_DATA_DOCS} for more details.`,
    {
      extensions: { code: "ACCESS_DENIED", documentation: PROTECTED_DATA_DOCS },
    },
  );
}

/** Throws Shopify's error when the app lacks Level 1 (customer data) for a Customer or Order object. */
export function requireCustomerData(state: ShopState, objectType: "Customer" | "Order"): void {
  if (state.protectedDataLevel < 1) throw notApproved(objectType);
}

/** Throws Shopify's error when the app lacks Level 2 for a protected field (name, email, phone, address). */
export function requireProtectedField(
  state: ShopState,
  objectType: "Customer" | "Order",
  _field: ProtectedField,
): void {
  if (state.protectedDataLevel < 2) throw notApproved(objectType);
}

/** Resolves a protected field: its value with Level 2, else Shopify's error (null in `data`). */
export function protectedValue<T>(
  state: ShopState,
  objectType: "Customer" | "Order",
  field: ProtectedField,
  value: () => T,
): () => T {
  return () => {
    requireProtectedField(state, objectType, field);
    return value();
  };
}

/** The message of webhookSubscriptionCreate's userError for a protected topic without Level 1. */
export const PROTECTED_TOPIC_MESSAGE = `This app is not approved to subscribe to webhook topics containing protected customer data. See ${PROTECTED_DATA_DOCS} for more details.`;

/** The mandatory compliance topics are delivered to every app, whatever its level. */
const COMPLIANCE_TOPICS = new Set(["customers/data_request", "customers/redact", "shop/redact"]);
const PROTECTED_PREFIXES = [
  "orders/",
  "order_transactions/",
  "refunds/",
  "customers/",
  "customers_email_marketing_consent/",
  "customers_marketing_consent/",
  "customer_account_settings/",
  "customer.",
  "customer_payment_methods/",
  "checkouts/",
  "draft_orders/",
  "fulfillments/",
  "fulfillment_orders/",
  "fulfillment_events/",
  "returns/",
  "disputes/",
  "subscription_contracts/",
  "tender_transactions/",
];

/** Whether a webhook topic ("orders/create" or "ORDERS_CREATE") carries protected customer data. */
export function isProtectedTopic(topic: string): boolean {
  const t = topic.includes("/") ? topic.toLowerCase() : topic.toLowerCase().replace(/_/, "/");
  if (COMPLIANCE_TOPICS.has(t)) return false;
  const lower = topic.toLowerCase();
  return PROTECTED_PREFIXES.some((p) => lower.startsWith(p) || lower.startsWith(p.replace(/[/.]$/, "_")));
}

/** Keys of REST webhook payloads that hold name, email, phone or address data (Level 2). */
const LEVEL2_KEYS = new Set([
  "first_name",
  "last_name",
  "email",
  "contact_email",
  "phone",
  "billing_address",
  "shipping_address",
  "default_address",
  "addresses",
]);

/** A protected-topic payload as an app with Level 1 only receives it: Level 2 fields set to null. */
export function redactLevel2(payload: unknown): unknown {
  if (Array.isArray(payload)) return payload.map(redactLevel2);
  if (!payload || typeof payload !== "object") return payload;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    out[key] = LEVEL2_KEYS.has(key) ? null : redactLevel2(value);
  }
  return out;
}
