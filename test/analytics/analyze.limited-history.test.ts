/**
 * An order history Shopify cut to the last 60 days (no read_all_orders): analyzeOrders treats it as a
 * short history (BG/NBD alone with its prior: no correction, no calibration learned from the cut past)
 * and its first note says so in plain words. The same orders without the flag are analysed as usual.
 */
import { describe, expect, it } from "vitest";
import { analyzeOrders, limitedHistoryNote } from "../../app/analytics/analyze";
import { generateShop } from "../helpers/generate-orders";

const asOf = new Date("2026-12-01T00:00:00Z");
const { orders } = generateShop({
  customers: 600,
  ordersPerCustomer: 4,
  seed: 11,
  start: new Date("2026-10-02T00:00:00Z"),
  end: new Date("2026-11-30T00:00:00Z"),
});

describe("analysis of a history limited to the last 60 days", () => {
  it("uses the short-history model and says why first", () => {
    const limited = analyzeOrders(orders, { asOf, historyLimitedDays: 60, backtest: false });
    expect(limited.model).toBe("bgnbd");
    expect(limited.details?.correction).toBeNull();
    expect(limited.details?.training).toBeNull();
    expect(limited.notes?.[0]).toBe(limitedHistoryNote(60));
    expect(limited.notes?.[0]).toMatch(/^Only the last 60 days of orders were visible/);
    expect(limited.customers.length).toBeGreaterThan(500);
  });

  it("without the flag the same orders get no such note (the flag, not the data, decides)", () => {
    const full = analyzeOrders(orders, { asOf, backtest: false });
    expect((full.notes ?? []).join(" ")).not.toMatch(/Only the last \d+ days of orders were visible/);
  });

  it("refuses a window that is not a positive number of days", () => {
    expect(() => analyzeOrders(orders, { asOf, historyLimitedDays: 0 })).toThrow(/historyLimitedDays/);
  });
});
