import { describe, expect, it } from "vitest";
import { buildHistories, dayOf, truncateHistories } from "../../app/analytics/purchase-history";
import { customerFeatures } from "../../app/analytics/features";
import type { OrderInput } from "../../app/analytics/types";

const order = (id: string, customerId: string | null, date: string, total: number, extra: Partial<OrderInput> = {}): OrderInput => ({
  id: `gid://shopify/Order/${id}`,
  customerId: customerId && `gid://shopify/Customer/${customerId}`,
  processedAt: new Date(date),
  cancelledAt: null,
  test: false,
  total,
  refunded: 0,
  currency: "EUR",
  lineItems: [],
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
  ]);
  const built = buildHistories(orders, { asOf: new Date("2024-03-31T00:00:00Z") });

  it("applies the cleaning rules and counts what it skipped", () => {
    expect(built.skipped).toEqual({ afterAsOf: 1, test: 1, cancelled: 1, refunded: 2, guest: 1, invalid: 0 });
    expect(built.guestRevenue).toBe(20);
    expect(built.histories.map((h) => h.customerId)).toEqual(["gid://shopify/Customer/a", "gid://shopify/Customer/c"]);
    const a = built.histories[0];
    expect(a.occasionDays).toEqual([dayOf(new Date("2024-01-01")), dayOf(new Date("2024-02-01"))]);
    expect(a.occasionValues).toEqual([80, 60]);
  });

  it("does not depend on input order and truncates at a day", () => {
    const reversed = buildHistories([...orders].reverse(), { asOf: new Date("2024-03-31T00:00:00Z") });
    expect(reversed.histories).toEqual(built.histories);
    const cut = truncateHistories(built.histories, dayOf(new Date("2024-01-15")));
    expect(cut).toHaveLength(1);
    expect(cut[0].occasionValues).toEqual([80]);
  });

  it("computes features by hand-checkable values", () => {
    const f = customerFeatures(
      { customerId: "x", occasionDays: [0, 10, 40], occasionValues: [10, 20, 30] },
      100,
    );
    expect(f).toMatchObject({ occasions: 3, repeats: 2, recencyDays: 60, tenureDays: 100, spanDays: 40, monetary: 60, aov: 20 });
    expect(f.repeatMeanValue).toBe(25);
    expect(f.meanGapDays).toBe(20);
    expect(f.gapSdDays).toBeCloseTo(Math.sqrt(((10 - 20) ** 2 + (30 - 20) ** 2) / 1), 10);
    expect(f.lastGapDays).toBe(30);
  });
});
