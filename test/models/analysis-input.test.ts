/** The analysis's loader reads back what the sync stored, across pages, on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrderInput } from "../../app/analytics/types";
import { loadOrdersForAnalysis, loadProductsForAnalysis } from "../../app/models/analysis-input.server";
import { upsertOrders } from "../../app/models/orders.server";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import {
  customerGid,
  lineItemGid,
  lineItemInput,
  orderGid,
  orderInput,
  productGid,
  variantGid,
} from "../helpers/orders";

const kinds = await databaseKinds();
const SHOP = "input-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

function order(n: number, extra: Partial<OrderInput> = {}): OrderInput {
  return orderInput({
    id: orderGid(1000 + n),
    customerId: n % 4 === 0 ? null : customerGid(n % 3),
    processedAt: new Date(Date.UTC(2025, 0, 1 + n, 10, 30)),
    createdAt: new Date(Date.UTC(2025, 0, 1 + n, 10, 0)),
    updatedAt: new Date(Date.UTC(2025, 1, 1)),
    cancelledAt: n === 5 ? new Date(Date.UTC(2025, 0, 9)) : null,
    test: n === 6,
    total: 10 * n + 0.25,
    refunded: n === 7 ? 2.5 : 0,
    financialStatus: n === 7 ? "PARTIALLY_REFUNDED" : "PAID",
    lineItems: Array.from({ length: n % 3 }, (_, i) =>
      lineItemInput(productGid(i + 1), {
        id: lineItemGid(n * 10 + i),
        variantId: i === 1 ? null : variantGid(i + 1),
        quantity: i + 1,
        currentQuantity: i,
        unitPrice: 4.99,
      }),
    ),
    ...extra,
  });
}

describe.each(kinds)("analysis input on %s", (kind) => {
  let t: TestDb;
  const orders = Array.from({ length: 11 }, (_, i) => order(i + 1));
  beforeAll(async () => {
    t = await createTestDb(kind);
    await upsertOrders(t.db, SHOP, orders);
    await upsertOrders(t.db, OTHER, [order(1, { total: 999 })]);
    await t.db.product.createMany({
      data: ["ACTIVE", "ARCHIVED", "DRAFT", "UNLISTED"].map((status, i) => ({
        shop: SHOP,
        id: `gid://shopify/Product/${i + 1}`,
        handle: `p-${i + 1}`,
        productType: "Tea",
        status,
        inStock: true,
        price: 4.99,
      })),
    });
  });
  afterAll(async () => t?.cleanup());

  it("reads every order of the shop with its line items, in pages smaller than the shop", async () => {
    // Page size 3: several pages of orders and of line items, joined whatever page a line item falls in.
    const loaded = await loadOrdersForAnalysis(t.db, SHOP, 3);
    const expected = orders.map(({ createdAt: _c, updatedAt: _u, lineItems, ...o }) => ({
      ...o,
      lineItems: lineItems.map(({ id: _id, ...l }) => l),
    }));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect([...loaded].sort(byId)).toEqual([...expected].sort(byId));
    expect(await loadOrdersForAnalysis(t.db, SHOP)).toHaveLength(orders.length);
    expect([...(await loadOrdersForAnalysis(t.db, OTHER))].map((o) => o.total)).toEqual([999]);
  });

  it("never offers a product whose status it does not know as shown", async () => {
    const products = await loadProductsForAnalysis(t.db, SHOP);
    expect(Object.fromEntries(products.map((p) => [p.handle, p.status]))).toEqual({
      "p-1": "ACTIVE",
      "p-2": "ARCHIVED",
      "p-3": "DRAFT",
      "p-4": "DRAFT",
    });
  });
});
