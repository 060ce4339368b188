/**
 * The columnar order history (app/analytics/data/order-table.ts) gives back every order as it was pushed,
 * and the analysis and the recommender answer the same on the table as on the array of records.
 */
import { describe, expect, it } from "vitest";
import { analyzeOrders } from "../../../app/analytics/analyze";
import { OrderTable } from "../../../app/analytics/data/order-table";
import { buildRecommender } from "../../../app/analytics/recommendations";
import type { OrderInput } from "../../../app/analytics/types";
import { generateShop } from "../../helpers/generate-orders";

const edgeCases: OrderInput[] = [
  {
    id: "gid://shopify/Order/9001",
    customerId: null, // guest
    processedAt: new Date("2024-03-01T10:00:00Z"),
    cancelledAt: null,
    test: false,
    total: 20,
    refunded: 0,
    currency: "EUR",
    lineItems: [{ productId: null, variantId: null, quantity: 1, unitPrice: 20 }], // custom line, no currentQuantity
  },
  {
    id: "gid://shopify/Order/9002",
    customerId: "gid://shopify/Customer/77",
    processedAt: new Date("2024-03-02T10:00:00Z"),
    cancelledAt: new Date("2024-03-03T00:00:00Z"),
    test: true,
    total: 35.5,
    refunded: 10.25,
    currency: "EUR",
    financialStatus: "PARTIALLY_REFUNDED",
    lineItems: [
      {
        productId: "gid://shopify/Product/1",
        variantId: "gid://shopify/ProductVariant/10",
        quantity: 2,
        currentQuantity: 0,
        unitPrice: 5.25,
      },
      {
        productId: "gid://shopify/Product/1",
        variantId: "gid://shopify/ProductVariant/11",
        quantity: 3,
        currentQuantity: 3,
        unitPrice: 8.33,
      },
    ],
  },
  {
    id: "gid://shopify/Order/9003",
    customerId: "gid://shopify/Customer/77",
    processedAt: new Date("2024-03-04T10:00:00Z"),
    cancelledAt: null,
    test: false,
    total: 0,
    refunded: 0,
    currency: "EUR",
    financialStatus: null,
    lineItems: [],
  },
];

describe("OrderTable", () => {
  it("gives back each order as pushed (ids, dates, flags, money, statuses, line items with and without currentQuantity)", () => {
    const table = OrderTable.from(edgeCases);
    expect(table.length).toBe(3);
    expect(table.lineItemCount).toBe(3);
    expect([...table]).toEqual(edgeCases.map((o) => ({ financialStatus: null, ...o })));
    expect(table.at(1)).toEqual(edgeCases[1]);
    expect(() => table.at(3)).toThrow(RangeError);
    // Repeated strings are stored once.
    expect(table.strings.filter((s) => s === "gid://shopify/Product/1")).toHaveLength(1);
    expect(table.strings.filter((s) => s === "EUR")).toHaveLength(1);
  });

  it("reserved at its size, fills without growing and compacts without copying; more or fewer orders than reserved still fit", () => {
    const exact = new OrderTable().reserve(edgeCases.length, 3);
    const before = exact.lineProduct;
    for (const o of edgeCases) exact.push(o);
    expect(exact.lineProduct).toBe(before);
    const columns = exact.columns();
    exact.compact();
    expect(exact.columns()).toEqual(columns);
    expect(exact.lineProduct).toBe(before);
    expect([...exact]).toEqual([...OrderTable.from(edgeCases)]);
    for (const [orders, lines] of [
      [1, 0],
      [100, 100],
    ]) {
      const t = new OrderTable().reserve(orders, lines);
      for (const o of edgeCases) t.push(o);
      expect([...t.compact()]).toEqual([...OrderTable.from(edgeCases)]);
    }
  });

  it("survives a structured clone (postMessage to the analysis thread) as its plain data", () => {
    const table = OrderTable.from(edgeCases);
    const copy = OrderTable.fromData(structuredClone(table.toData()));
    expect([...copy]).toEqual([...table]);
    expect(copy.intern("EUR")).toBe(table.intern("EUR"));
    const broken = { ...table.toData(), total: new Float64Array(1) };
    expect(() => OrderTable.fromData(broken)).toThrow(/do not fit/);
  });

  it("the analysis and the recommendations are the same on the table as on the records", () => {
    const shop = generateShop({
      customers: 400,
      ordersPerCustomer: 5,
      products: 60,
      seed: 11,
      end: new Date("2024-12-31T00:00:00Z"),
    });
    const orders = [...shop.orders, ...edgeCases];
    const table = new OrderTable();
    for (const o of orders) table.push(o); // pushed one by one, as a reader streams them
    table.compact();
    expect(table.length).toBe(orders.length);
    const asOf = new Date("2024-12-31T00:00:00Z");
    const fromRecords = analyzeOrders(orders, { asOf });
    const fromTable = analyzeOrders(table, { asOf });
    const comparable = (r: typeof fromRecords) => ({ ...r, details: { ...r.details, timingsMs: null } });
    expect(fromTable.customers.length).toBeGreaterThan(300);
    expect(comparable(fromTable)).toEqual(comparable(fromRecords));
    const clusterOf = new Map(fromRecords.customers.map((c) => [c.customerId, c.clusterKey]));
    const a = buildRecommender(orders, { products: shop.products, clusterOf });
    const b = buildRecommender(table, { products: shop.products, clusterOf });
    for (const c of fromRecords.customers)
      expect(b.forCustomer(c.customerId, 10)).toEqual(a.forCustomer(c.customerId, 10));
    expect(b.forProducts([shop.products[0].id], 5)).toEqual(a.forProducts([shop.products[0].id], 5));
  });
});
