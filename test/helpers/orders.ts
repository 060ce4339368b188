/**
 * The one order factory for tests. `orderInput` makes the record the sync hands to the analysis and the
 * models (app/analytics/types.ts OrderInput): a paid, uncancelled, non-test guest order of 0 EUR on
 * 2025-01-01 with no lines, and each test overrides what it is about. `lineItemInput` makes a line (one
 * unit at 10, no variant); `basket` is the recommendations tests' shorthand (one unit of each product on
 * day `day` of 2025); `orderRow` turns an OrderInput into the Order row (with its LineItem rows) that
 * Prisma's `db.order.create` takes, as the sync would store it.
 *
 * Ids without an explicit `id` come from a counter per test file (vitest loads this module afresh for
 * each file), zero-padded so that ids sort in the order the orders were made.
 */
import type { Prisma } from "@prisma/client";
import type { LineItemInput, OrderInput } from "../../app/analytics/types";

export const DAY_MS = 86_400_000;

export const orderGid = (n: number | string) => `gid://shopify/Order/${n}`;
export const customerGid = (n: number | string) => `gid://shopify/Customer/${n}`;
export const productGid = (n: number | string) => `gid://shopify/Product/${n}`;
export const variantGid = (n: number | string) => `gid://shopify/ProductVariant/${n}`;
export const lineItemGid = (n: number | string) => `gid://shopify/LineItem/${n}`;

let made = 0;

/** The next order id of this test file: gid://shopify/Order/000001, then …000002, … */
export function nextOrderId(): string {
  made += 1;
  return orderGid(String(made).padStart(6, "0"));
}

/** A line of `productId` (null for a custom line): one unit at 10, no variant; `fields` override. */
export function lineItemInput(productId: string | null, fields: Partial<LineItemInput> = {}): LineItemInput {
  return { productId, variantId: null, quantity: 1, unitPrice: 10, ...fields };
}

/** An order with the defaults above; `fields` override them (an `id` given keeps the counter as it is). */
export function orderInput(fields: Partial<OrderInput> = {}): OrderInput {
  return {
    id: fields.id ?? nextOrderId(),
    customerId: null,
    processedAt: new Date(Date.UTC(2025, 0, 1)),
    cancelledAt: null,
    test: false,
    total: 0,
    refunded: 0,
    currency: "EUR",
    lineItems: [],
    ...fields,
  };
}

/**
 * An order of one unit of each product (`products` are short ids: "a" is gid://shopify/Product/a) at 10
 * each, by customer `customer` (a short id; null for a guest) on day `day` of 2025 (day 0 is 1 January).
 */
export function basket(
  customer: string | null,
  day: number,
  products: string[],
  extra: Partial<OrderInput> = {},
): OrderInput {
  return orderInput({
    customerId: customer === null ? null : customerGid(customer),
    processedAt: new Date(Date.UTC(2025, 0, 1 + day)),
    total: 10 * products.length,
    lineItems: products.map((p) => lineItemInput(productGid(p))),
    ...extra,
  });
}

/**
 * The Order row of `shop` for `order` with its LineItem rows nested, for `db.order.create({ data })`:
 * createdAt defaults to processedAt, Shopify's updatedAt (sourceUpdatedAt) to processedAt, a line's
 * currentQuantity to its quantity and a line's id to `<order id>-li-<index>`.
 */
export function orderRow(shop: string, order: OrderInput): Prisma.OrderUncheckedCreateInput {
  return {
    shop,
    id: order.id,
    customerId: order.customerId,
    createdAt: order.createdAt ?? order.processedAt,
    processedAt: order.processedAt,
    cancelledAt: order.cancelledAt,
    test: order.test,
    financialStatus: order.financialStatus ?? null,
    totalAmount: order.total,
    refundedAmount: order.refunded,
    currencyCode: order.currency,
    sourceUpdatedAt: order.updatedAt ?? order.processedAt,
    lineItems: {
      create: order.lineItems.map((l, k) => ({
        id: l.id ?? `${order.id}-li-${k}`,
        productId: l.productId,
        variantId: l.variantId,
        quantity: l.quantity,
        currentQuantity: l.currentQuantity ?? l.quantity,
        unitPrice: l.unitPrice,
      })),
    },
  };
}
