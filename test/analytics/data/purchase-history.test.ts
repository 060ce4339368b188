import { describe, expect, it } from "vitest";
import {
  buildHistories,
  dayFunction,
  dayOf,
  netValue,
  skipReason,
  truncateHistories,
} from "../../../app/analytics/data/purchase-history";
import { customerFeatures } from "../../../app/analytics/data/features";
import type { OrderInput } from "../../../app/analytics/types";
import { customerGid, lineItemInput, orderGid, orderInput } from "../../helpers/orders";

const order = (
  id: string,
  customerId: string | null,
  date: string,
  total: number,
  extra: Partial<OrderInput> = {},
): OrderInput =>
  orderInput({
    id: orderGid(id),
    customerId: customerId && customerGid(customerId),
    processedAt: new Date(date),
    total,
    ...extra,
  });

describe("buildHistories", () => {
  const orders = Object.freeze([
    order("1", "a", "2024-01-01T10:00:00Z", 50),
    order("2", "a", "2024-01-01T18:00:00Z", 30), // same day: one occasion worth 80
    order("3", "a", "2024-02-01T09:00:00Z", 100, { refunded: 40 }), // partial refund: 60
    order("4", "a", "2024-03-01T09:00:00Z", 70, { refunded: 70 }), // fully refunded: no purchase
    order("5", "a", "2024-03-02T09:00:00Z", 70, { test: true }),
    order("6", "a", "2024-03-03T09:00:00Z", 70, { cancelledAt: new Date("2024-03-04") }),
    order("7", null, "2024-03-05T09:00:00Z", 20), // guest
    order("8", "b", "2024-03-10T09:00:00Z", 15, { financialStatus: "VOIDED" }),
    order("9", "b", "2024-05-10T09:00:00Z", 25), // after as-of
    order("10", "c", "2024-03-31T23:59:00Z", 5), // on the as-of day: counts
    order("11", "c", "2024-03-20T09:00:00Z", 0), // free: no purchase
  ]);
  const built = buildHistories(orders, { asOf: new Date("2024-03-31T00:00:00Z") });

  it("applies the cleaning rules and counts what it skipped", () => {
    expect(built.skipped).toEqual({
      afterAsOf: 1,
      test: 1,
      cancelled: 1,
      refunded: 2,
      zeroValue: 1,
      guest: 1,
      invalid: 0,
    });
    expect(built.guestRevenue).toBe(20);
    expect(built.histories.map((h) => h.customerId)).toEqual(["gid://shopify/Customer/a", "gid://shopify/Customer/c"]);
    const a = built.histories[0];
    expect(a.occasionDays).toEqual([dayOf(new Date("2024-01-01")), dayOf(new Date("2024-02-01"))]);
    expect(a.occasionValues).toEqual([80, 60]);
  });

  it("nets a refund once when its line items were returned (Shopify's current total is after returns)", () => {
    const line = (quantity: number, currentQuantity: number, unitPrice: number) =>
      lineItemInput("p", { quantity, currentQuantity, unitPrice });
    // 2 x 30 + 1 x 40 ordered; one 30 item returned and refunded: current total 70, refunded 30 -> worth 70.
    const returned = order("20", "d", "2024-01-01T00:00:00Z", 70, {
      refunded: 30,
      lineItems: [line(2, 1, 30), line(1, 1, 40)],
    });
    expect(netValue(returned)).toBe(70);
    // The same return plus a 10 goodwill refund: worth 60.
    expect(netValue({ ...returned, refunded: 40 })).toBe(60);
    // Everything returned: current total 0 -> no purchase.
    const all = order("21", "d", "2024-01-01T00:00:00Z", 0, {
      refunded: 100,
      lineItems: [line(2, 0, 30), line(1, 0, 40)],
    });
    expect(skipReason(all, dayOf(new Date("2024-02-01")))).toBe("refunded");
    // Without currentQuantity (a file that does not carry it) the refund is netted from the total.
    expect(
      netValue(
        order("22", "d", "2024-01-01T00:00:00Z", 100, {
          refunded: 40,
          lineItems: [lineItemInput("p", { unitPrice: 100 })],
        }),
      ),
    ).toBe(60);
  });

  it("does not depend on input order and truncates at a day", () => {
    const reversed = buildHistories([...orders].reverse(), { asOf: new Date("2024-03-31T00:00:00Z") });
    expect(reversed.histories).toEqual(built.histories);
    const cut = truncateHistories(built.histories, dayOf(new Date("2024-01-15")));
    expect(cut).toHaveLength(1);
    expect(cut[0].occasionValues).toEqual([80]);
  });

  it("computes features by hand-checkable values", () => {
    const f = customerFeatures({ customerId: "x", occasionDays: [0, 10, 40], occasionValues: [10, 20, 30] }, 100);
    expect(f).toMatchObject({
      occasions: 3,
      repeats: 2,
      recencyDays: 60,
      tenureDays: 100,
      spanDays: 40,
      monetary: 60,
      aov: 20,
    });
    expect(f.repeatMeanValue).toBe(25);
    expect(f.meanGapDays).toBe(20);
    expect(f.gapSdDays).toBeCloseTo(Math.sqrt(((10 - 20) ** 2 + (30 - 20) ** 2) / 1), 10);
    expect(f.lastGapDays).toBe(30);
  });
});

describe("days in the shop's time zone", () => {
  it("puts an evening order in Los Angeles on its local day, and the as-of cut-off too", () => {
    const la = dayFunction("America/Los_Angeles");
    // 2024-01-02T05:00Z is 21:00 on 1 January in Los Angeles (UTC−8); 2024-07-02T05:00Z is 22:00 on 1 July (UTC−7).
    expect(la(new Date("2024-01-02T05:00:00Z"))).toBe(dayOf(new Date("2024-01-01")));
    expect(la(new Date("2024-07-02T05:00:00Z"))).toBe(dayOf(new Date("2024-07-01")));
    expect(la(new Date("2024-07-02T08:00:00Z"))).toBe(dayOf(new Date("2024-07-02")));
    expect(dayFunction("Asia/Tokyo")(new Date("2024-01-01T16:00:00Z"))).toBe(dayOf(new Date("2024-01-02")));
    expect(() => dayFunction("Mars/Olympus")).toThrow(/unknown time zone/);
    const orders = [
      order("1", "a", "2024-01-02T05:00:00Z", 10),
      order("2", "a", "2024-01-01T20:00:00Z", 10), // same Los Angeles day as order 1: one occasion
      order("3", "b", "2024-03-01T09:00:00Z", 10), // 01:00 on 1 March in Los Angeles
    ];
    const utc = buildHistories(orders, { asOf: new Date("2024-03-01T00:00:00Z") });
    expect(utc.histories.find((h) => h.customerId.endsWith("/a"))!.occasionDays).toHaveLength(2);
    expect(utc.skipped.afterAsOf).toBe(0); // on the as-of day (UTC)
    const local = buildHistories(orders, { asOf: new Date("2024-03-01T00:00:00Z"), timeZone: "America/Los_Angeles" });
    expect(local.histories.find((h) => h.customerId.endsWith("/a"))!.occasionDays).toEqual([
      dayOf(new Date("2024-01-01")),
    ]);
    // The as-of instant is 16:00 on 29 February in Los Angeles: its day ends the history, so order 3
    // (1 March there) is after it.
    expect(local.skipped.afterAsOf).toBe(1);
  });
});
