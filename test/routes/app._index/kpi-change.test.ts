/** A change on the dashboard is shown only against a real previous analysis, and identical data gives zero. */
import { describe, expect, it } from "vitest";
import { buildKpis, previousForChange, type KpiValues } from "../../../app/routes/app._index/kpis.server";

const current: KpiValues = {
  customers: 2357,
  repeatRate: 0.412,
  churnRate: 0.7139,
  revenueAtRisk: 8123.4,
  medianClv: 12.3,
};
const recorded = {
  customers: 2357,
  repeatPurchaseRate: 0.412,
  predictedChurnRate: 0.7139,
  revenueAtRisk: 8123.4,
  medianClv12m: 12.3,
  // The backtest's figures at as-of − H: no analysis the merchant saw, never a "previous analysis".
  previous: { asOf: "2026-09-01", customers: 2111, repeatPurchaseRate: 0.3, predictedChurnRate: 0.6 },
};

describe("dashboard changes", () => {
  it("shows no change on the first analysis, even though its backtest recorded figures at as-of − H", () => {
    const kpis = buildKpis(current, previousForChange(current, recorded, null), 273);
    for (const k of kpis) expect(k.change).toBeNull();
  });

  it("shows exactly zero change when the previous analysis recorded the same figures", () => {
    // The stored scores read back a little off the recorded figures: still zero.
    const readBack = { ...current, churnRate: 0.71390001, revenueAtRisk: 8123.400002 };
    const kpis = buildKpis(readBack, previousForChange(readBack, recorded, { ...recorded }), 273);
    for (const k of kpis) expect(k.change).toBe(0);
  });

  it("shows the difference between the two analyses' figures when they differ", () => {
    const before = { ...recorded, customers: 2300, medianClv12m: 10.3, repeatPurchaseRate: 0.4 };
    const kpis = Object.fromEntries(
      buildKpis(current, previousForChange(current, recorded, before), 273).map((k) => [k.key, k]),
    );
    expect(kpis.customers.change).toBe(57);
    expect(kpis.medianClv.change).toBeCloseTo(2, 10);
    expect(kpis.repeatRate.change).toBeCloseTo(0.012, 10);
    expect(kpis.churnRate.change).toBe(0);
  });
});
