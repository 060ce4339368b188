/**
 * The analysis thread's customers in columns (app/jobs/analyze/columns.ts): what crosses from
 * the thread must come back as the same records, nulls, shared dates and all.
 */
import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { analyzeOrders } from "../../../app/analytics/analyze";
import type { CustomerResult } from "../../../app/analytics/types";
import { packCustomers, unpackCustomers } from "../../../app/jobs/analyze/columns";
import { generateShop } from "../../helpers/generate-orders";

describe("customers in columns", () => {
  const shop = generateShop({ customers: 600, ordersPerCustomer: 4, seed: 5, end: new Date("2024-12-31T00:00:00Z") });
  const result = analyzeOrders(shop.orders, {
    asOf: new Date("2024-12-31T00:00:00Z"),
    shopifyRfmGroups: new Map([[shop.orders[0].customerId!, "CHAMPIONS"]]),
  });

  it("come back through v8.serialize as the same records, in a fraction of the bytes", () => {
    const customers = result.customers;
    // The shop has both kinds of the nullable cells, so the round trip covers them.
    expect(customers.some((c) => c.nextOrderDate === null)).toBe(true);
    expect(customers.some((c) => c.nextOrderDate !== null)).toBe(true);
    expect(customers.some((c) => c.typicalGapDays !== null)).toBe(true);
    expect(customers.some((c) => c.shopifyRfmGroup === "CHAMPIONS")).toBe(true);
    const packed = serialize(packCustomers(customers));
    const back = unpackCustomers(deserialize(packed));
    expect(back).toEqual(customers);
    for (let i = 0; i < customers.length; i += 50) {
      expect(Object.keys(back[i])).toEqual(Object.keys(customers[i]));
      expect(back[i].lastOrderAt).toBeInstanceOf(Date);
    }
    // One Date per instant, as the analysis made them.
    const same = back.filter((c) => c.lastOrderAt.getTime() === back[0].lastOrderAt.getTime());
    expect(new Set(same.map((c) => c.lastOrderAt)).size).toBe(1);
    expect(packed.length).toBeLessThan(0.7 * serialize(customers).length);
  });

  it("keeps nulls, left-out optional fields and odd values apart", () => {
    const base = result.customers[0];
    const odd: CustomerResult[] = [
      { ...base, typicalGapDays: null, clv12mLow: null, nextOrderDate: null, shopifyRfmGroup: null, reasons: [] },
      { ...base, typicalGapDays: 0, clv12mHigh: -1.5, monetary: Number.MAX_VALUE, reasons: ["a", "", "b"] },
      { ...base, expectedOrders12m: undefined, pAliveKnown: undefined, shopifyRfmGroup: undefined },
    ];
    delete odd[2].expectedOrders12m;
    delete odd[2].pAliveKnown;
    delete odd[2].shopifyRfmGroup;
    const back = unpackCustomers(packCustomers(odd));
    expect(back).toStrictEqual(odd);
    expect("pAliveKnown" in back[2]).toBe(false);
    expect(back[0].typicalGapDays).toBeNull();
    expect(back[1].typicalGapDays).toBe(0);
  });

  it("refuses a field it does not know instead of dropping it", () => {
    const extra = { ...result.customers[0], lifetimeOrders: 3 } as CustomerResult;
    expect(() => packCustomers([extra])).toThrow(/does not know the field lifetimeOrders/);
  });
});
