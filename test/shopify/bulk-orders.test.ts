import { describe, expect, it } from "vitest";
import { OrderAssembler, newStats, parseBulkOrdersText, readBulkOrders } from "../../app/shopify/bulk-orders";

const order = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: `gid://shopify/Order/${n}`,
    createdAt: "2025-03-01T10:00:00Z",
    processedAt: "2025-03-01T09:00:00Z",
    cancelledAt: null,
    test: false,
    customer: { id: `gid://shopify/Customer/${n % 3}` },
    currentTotalPriceSet: { shopMoney: { amount: "30.00", currencyCode: "EUR" } },
    totalRefundedSet: { shopMoney: { amount: "5.50", currencyCode: "EUR" } },
    ...extra,
  });
const item = (n: number, parent: number, q = 1) =>
  JSON.stringify({
    id: `gid://shopify/LineItem/${n}`,
    quantity: q,
    currentQuantity: q,
    product: { id: `gid://shopify/Product/${n % 5}` },
    variant: null,
    originalUnitPriceSet: { shopMoney: { amount: "10.00", currencyCode: "EUR" } },
    __parentId: `gid://shopify/Order/${parent}`,
  });

describe("bulk orders JSONL", () => {
  it("parses orders with money, dates and their line items", () => {
    const { orders, stats } = parseBulkOrdersText([order(1), item(11, 1, 2), item(12, 1)].join("\n"));
    expect(orders).toHaveLength(1);
    const o = orders[0];
    expect(o.total).toBe(30);
    expect(o.refunded).toBe(5.5);
    expect(o.currency).toBe("EUR");
    expect(o.customerId).toBe("gid://shopify/Customer/1");
    expect(o.processedAt.toISOString()).toBe("2025-03-01T09:00:00.000Z");
    expect(o.lineItems.map((l) => [l.productId, l.quantity, l.unitPrice])).toEqual([
      ["gid://shopify/Product/1", 2, 10],
      ["gid://shopify/Product/2", 1, 10],
    ]);
    expect(stats).toMatchObject({ lines: 3, orders: 1, lineItems: 2, skipped: 0 });
  });

  it("joins children that come before their parent", () => {
    const { orders } = parseBulkOrdersText([item(21, 2), order(1), order(2), item(11, 1)].join("\n"));
    expect(orders.find((o) => o.id.endsWith("/2"))!.lineItems).toHaveLength(1);
    expect(orders.find((o) => o.id.endsWith("/1"))!.lineItems).toHaveLength(1);
  });

  it("says what is wrong with a line that is not an order or one of its line items", () => {
    const odd = [
      JSON.stringify({ id: "gid://shopify/LineItem/5", quantity: 1 }), // a line item without its order
      JSON.stringify({ id: "gid://shopify/Customer/5" }), // an object our query does not ask for
      JSON.stringify({ currentTotalPriceSet: null }), // no id at all
      JSON.stringify({ __typename: "Refund", id: "gid://shopify/Refund/5" }), // a typed object we skip quietly
      JSON.stringify({ __typename: "Refund", id: "gid://shopify/Refund/6", __parentId: "gid://shopify/Order/1" }),
      JSON.stringify({
        __typename: "LineItem",
        id: "gid://shopify/LineItem/7",
        quantity: 2,
        __parentId: "gid://shopify/Order/1",
      }),
      order(2, { processedAt: null, createdAt: null }),
      order(3, { currentTotalPriceSet: { shopMoney: { amount: "ten", currencyCode: "EUR" } } }),
      item(31, 1, Number.NaN).replace("null", '"many"'),
    ];
    const { orders, stats } = parseBulkOrdersText([order(1), ...odd].join("\n"));
    expect(orders.map((o) => [o.id, o.lineItems.map((l) => l.id)])).toEqual([
      ["gid://shopify/Order/1", ["gid://shopify/LineItem/7"]],
    ]);
    expect(stats.problems).toEqual([
      "line 2: line item without __parentId",
      "line 3: unknown object gid://shopify/Customer/5",
      "line 4: object without id",
      "line 8: order has neither processedAt nor createdAt",
      "line 9: order has no numeric currentTotalPriceSet",
      "line 10: quantity is not a number",
    ]);
    expect(stats.skipped).toBe(6);
  });

  it("reads dates with and without milliseconds, and other ISO forms, to the same instants", () => {
    const { orders } = parseBulkOrdersText(
      [
        order(1, {
          createdAt: "2024-02-29T23:59:59Z",
          processedAt: "2024-02-29T23:59:59Z",
          updatedAt: "2024-03-01T00:00:00.250Z",
        }),
        order(2, { createdAt: "2024-02-29T23:59:59+00:00", processedAt: "2024-03-01T01:59:59+02:00", updatedAt: null }),
      ].join("\n"),
    );
    const [a, b] = orders;
    expect(a.processedAt.toISOString()).toBe("2024-02-29T23:59:59.000Z");
    expect(a.updatedAt?.toISOString()).toBe("2024-03-01T00:00:00.250Z");
    expect(b.createdAt?.getTime()).toBe(a.createdAt?.getTime());
    expect(b.processedAt.getTime()).toBe(a.processedAt.getTime());
    expect(b.updatedAt).toBeNull();
  });

  it("counts malformed lines and orphans without failing", () => {
    const { orders, stats } = parseBulkOrdersText(
      [order(1), "{not json", item(11, 1), order(2, { processedAt: "yesterday" }), item(99, 42), "[1,2]"].join("\n"),
    );
    expect(orders).toHaveLength(1);
    expect(stats.skipped).toBe(4);
    expect(stats.problems.join("\n")).toMatch(/line 2: not valid JSON/);
    expect(stats.problems.join("\n")).toMatch(/processedAt is not a date/);
    expect(stats.problems.join("\n")).toMatch(/order gid:\/\/shopify\/Order\/42, which is not in the file/);
  });

  it("falls back to createdAt and treats guests as customerId null", () => {
    const { orders } = parseBulkOrdersText(order(5, { processedAt: null, customer: null }));
    expect(orders[0].processedAt.toISOString()).toBe("2025-03-01T10:00:00.000Z");
    expect(orders[0].customerId).toBeNull();
  });

  it("streams with a bounded window and reports late children", async () => {
    async function* lines() {
      for (let n = 1; n <= 50; n++) {
        yield order(n);
        yield item(n * 10, n);
      }
      yield item(9999, 1); // far too late for the window
    }
    const stats = newStats();
    const gen = readBulkOrders(lines(), stats, 4);
    const seen: string[] = [];
    let r = await gen.next();
    while (!r.done) {
      seen.push(r.value.id);
      r = await gen.next();
    }
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    expect(r.value.late).toHaveLength(1);
    expect(r.value.late[0].parentId).toBe("gid://shopify/Order/1");
    expect(stats.lineItems).toBe(51);
  });

  it("ignores a repeated order line", () => {
    const asm = new OrderAssembler(newStats(), Infinity);
    asm.addLine(order(1));
    asm.addLine(order(1));
    expect(asm.finish()).toHaveLength(1);
    expect(asm.stats.skipped).toBe(1);
  });
});
