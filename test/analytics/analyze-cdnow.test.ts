import { describe, expect, it } from "vitest";
import { analyzeOrders } from "../../app/analytics/analyze";
import { auc } from "../../app/analytics/backtest";
import { buildHistories, dayOf } from "../../app/analytics/purchase-history";
import { CDNOW_CALIBRATION_END, loadCdnowOrders } from "./cdnow";

// Calibration weeks 1-39 (to 1997-09-30), holdout weeks 40-78 (273 days, to 1998-06-30).
const HOLDOUT_DAYS = 273;
const orders = loadCdnowOrders();
const started = performance.now();
const result = analyzeOrders(orders, { asOf: CDNOW_CALIBRATION_END, horizonDays: HOLDOUT_DAYS });
const elapsedMs = performance.now() - started;

describe("analysis of the CDNOW sample at the end of the calibration period", () => {
  it("uses only orders up to the as-of date and keeps every customer", () => {
    expect(result.customers).toHaveLength(2357);
    expect(result.skipped.afterAsOf).toBe(6919 - 4960);
    expect(result.customers.every((c) => c.lastOrderAt <= CDNOW_CALIBRATION_END)).toBe(true);
  });

  it("fits BG/NBD in days matching the paper (alpha = 7 × weekly)", () => {
    expect(result.bgnbd!.timeUnitDays).toBe(1);
    expect(result.bgnbd!.r).toBeCloseTo(0.2426, 3);
    expect(result.bgnbd!.alpha / 7).toBeCloseTo(4.414, 1);
    expect(result.gammaGamma!.p).toBeCloseTo(6.25, 1);
  });

  it("beats the recency baseline in the holdout and is calibrated within 5 points", () => {
    const asOfDay = dayOf(CDNOW_CALIBRATION_END);
    const all = new Map(buildHistories(orders).histories.map((h) => [h.customerId, h]));
    const labels = result.customers.map((c): number =>
      all.get(c.customerId)!.occasionDays.some((d) => d > asOfDay && d <= asOfDay + HOLDOUT_DAYS) ? 0 : 1,
    );
    const observed = labels.reduce((s, y) => s + y, 0) / labels.length;
    expect(observed).toBeCloseTo(0.71, 2); // 29.0% bought in weeks 40-78
    const churnAuc = auc(result.customers.map((c) => c.churnProbability), labels);
    const recencyAuc = auc(result.customers.map((c) => c.recencyDays), labels);
    expect(recencyAuc).toBeCloseTo(0.771, 2);
    expect(churnAuc).toBeGreaterThan(recencyAuc);
    const meanPredicted = result.customers.reduce((s, c) => s + c.churnProbability, 0) / result.customers.length;
    expect(Math.abs(meanPredicted - observed)).toBeLessThan(0.05);
    // The correction was trained on the shop's own past with a shorter window (CDNOW is one cohort).
    expect(result.model).toBe("bgnbd+logistic");
  });

  it("gives every customer a risk band, reasons, value and a next order date unless unlikely to order again", () => {
    for (const c of result.customers) {
      expect(c.churnProbability).toBeGreaterThanOrEqual(0);
      expect(c.churnProbability).toBeLessThanOrEqual(1);
      expect(c.reasons.length).toBeGreaterThan(0);
      expect(c.clv12m).toBeGreaterThanOrEqual(0);
      expect(["low", "medium", "high"]).toContain(c.riskBand);
      if (c.nextOrderDate) {
        expect(c.nextOrderDate.getTime()).toBeGreaterThan(CDNOW_CALIBRATION_END.getTime());
        expect(c.nextOrderEarliest!.getTime()).toBeLessThanOrEqual(c.nextOrderDate.getTime());
        expect(c.nextOrderLatest!.getTime()).toBeGreaterThanOrEqual(c.nextOrderDate.getTime());
      } else expect(c.nextOrderEarliest).toBeNull();
      expect(c.clv12mLow!).toBeLessThanOrEqual(c.clv12m);
      expect(c.clv12mHigh!).toBeGreaterThanOrEqual(c.clv12m);
      expect(c.valueAtRisk).toBeGreaterThanOrEqual(0);
    }
    const one = result.customers.find((c) => c.customerId === "gid://shopify/Customer/10")!;
    expect(one.reasons).toContain("one order only, 9 months ago");
  });

  it("is deterministic and well under 10 s", () => {
    const again = analyzeOrders(orders, { asOf: CDNOW_CALIBRATION_END, horizonDays: HOLDOUT_DAYS });
    expect(again.customers).toEqual(result.customers);
    expect(again.clusters).toEqual(result.clusters);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it("backtests itself when the history is long enough (end of the holdout, derived horizon)", () => {
    const late = analyzeOrders(orders, { asOf: new Date("1998-06-30T00:00:00Z") });
    expect(late.horizonDays).toBeGreaterThanOrEqual(30);
    const bt = late.backtest!;
    expect(bt.customers).toBe(2357);
    expect(bt.auc).toBeGreaterThan(0.7);
    expect(Math.abs(bt.meanPredicted - bt.observedChurn)).toBeLessThan(0.1);
    expect(bt.recencyAuc).toBeGreaterThan(0.5);
    const metrics = late.metrics as {
      customers: number;
      medianClv12m: number;
      predictedChurnRate: number;
      cohorts: Array<{ cohort: string; size: number }>;
      previous: { customers: number; predictedChurnRate: number; medianClv12m: number };
    };
    expect(metrics.customers).toBe(2357);
    expect(metrics.medianClv12m).toBeGreaterThan(0);
    // The previous period's headline numbers come from the backtest's prediction at asOf − H.
    expect(metrics.previous.customers).toBe(2357);
    expect(metrics.previous.predictedChurnRate).toBeCloseTo(bt.meanPredicted, 10);
    expect(metrics.previous.medianClv12m).toBeGreaterThan(0);
    expect(metrics.cohorts.map((c) => c.cohort).slice(0, 3)).toEqual(["1997-01", "1997-02", "1997-03"]);
    expect(metrics.cohorts.reduce((s, c) => s + c.size, 0)).toBe(2357);
  });
});
