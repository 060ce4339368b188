import { describe, expect, it } from "vitest";
import { auc, brier } from "../../../app/analytics/evaluation/backtest";
import {
  Contributions,
  defaultHorizonDays,
  predictChurn,
  riskBandOf,
  RISK_THRESHOLDS,
} from "../../../app/analytics/churn/predict";
import { customerFeatures } from "../../../app/analytics/data/features";
import { fitLogistic, predictLogistic } from "../../../app/analytics/models/logistic";
import { cohortMatrix, periodMetrics, storeMetrics } from "../../../app/analytics/evaluation/metrics";
import { dateOfDay, dayOf, sharedDayDates } from "../../../app/analytics/data/purchase-history";
import { ago, churnReasons, money } from "../../../app/analytics/narration/reasons";
import type { CustomerHistory } from "../../../app/analytics/types";
import { orderInput } from "../../helpers/orders";

describe("classification scores", () => {
  it("computes AUC with ties and the Brier score", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(Number.isNaN(auc([1, 2], [1, 1]))).toBe(true);
    expect(brier([0.9, 0.2], [1, 0])).toBeCloseTo(0.025, 12);
  });
});

describe("logistic regression", () => {
  it("recovers a known slope and respects the offset", () => {
    // Data from p = σ(−1 + 2x) on a grid, as expected counts: the MLE equals the true weights.
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = -20; i <= 20; i++) {
      const xi = i / 10;
      const p = 1 / (1 + Math.exp(-(-1 + 2 * xi)));
      const ones = Math.round(p * 1000);
      for (let k = 0; k < 1000; k++) {
        x.push([xi]);
        y.push(k < ones ? 1 : 0);
      }
    }
    const m = fitLogistic(x, y, new Array(x.length).fill(0), 1e-6);
    expect(m.weights[0]).toBeCloseTo(-1, 2);
    expect(m.weights[1]).toBeCloseTo(2, 2);
    const shifted = fitLogistic(x, y, new Array(x.length).fill(-1), 1e-6);
    expect(shifted.weights[0]).toBeCloseTo(0, 2);
    expect(predictLogistic(shifted, [0.5], -1)).toBeCloseTo(0.5, 2);
  });
});

const history = (id: string, days: number[], value = 20): CustomerHistory => ({
  customerId: id,
  occasionDays: days,
  occasionValues: days.map(() => value),
});

describe("churn models", () => {
  it("gives a small shop with few repeat buyers graded probabilities, never 0 or 1, and says the prior carries it", () => {
    const hs = Array.from({ length: 40 }, (_, i) => history(`c${i}`, i < 5 ? [i * 10, i * 10 + 30] : [i * 10]));
    const res = predictChurn(hs, 500, 60);
    expect(res.model).toBe("bgnbd");
    expect(res.notes.join(" ")).toMatch(/small shop.*prior/);
    const churn = res.predictions.map((p) => p.churnProbability);
    for (const p of res.predictions) {
      expect(p.churnProbability).toBeGreaterThan(0);
      expect(p.churnProbability).toBeLessThan(1);
      expect(p.pAlive).toBeGreaterThan(0);
      expect(p.pAlive).toBeLessThan(1);
    }
    // Not one number for everybody (the old fallback gave 0.9975 to all when nobody had repeated):
    // the longer a one-time buyer has been away, the likelier they are gone.
    expect(new Set(churn.map((c) => c.toFixed(4))).size).toBeGreaterThan(10);
    const oneTime = res.predictions.filter((_, i) => i >= 5);
    // Too small to learn from its past: a one-time buyer's P(alive) is BG/NBD's artefact and says so.
    for (const p of oneTime) expect(p.pAliveKnown).toBe(false);
    for (const p of res.predictions.slice(0, 5)) expect(p.pAliveKnown).toBe(true);
    for (let i = 1; i < oneTime.length; i++)
      expect(oneTime[i].churnProbability).toBeLessThanOrEqual(oneTime[i - 1].churnProbability + 1e-12);
  });

  it("handles a shop where nobody has bought twice yet (a young shop)", () => {
    const hs = Array.from({ length: 30 }, (_, i) => history(`n${i}`, [400 + i * 3]));
    const res = predictChurn(hs, 500, 90);
    const churn = res.predictions.map((p) => p.churnProbability);
    expect(Math.min(...churn)).toBeGreaterThan(0);
    expect(Math.max(...churn)).toBeLessThan(1);
    // A customer who bought 10 days ago is likelier to return than one who bought 100 days ago.
    expect(churn[29]).toBeLessThan(churn[0]);
  });

  it("documents the risk thresholds and the default horizon", () => {
    expect(riskBandOf(RISK_THRESHOLDS.low - 0.01)).toBe("low");
    expect(riskBandOf(RISK_THRESHOLDS.low)).toBe("medium");
    expect(riskBandOf(RISK_THRESHOLDS.medium)).toBe("high");
    const feats = [history("a", [0, 30, 60]), history("b", [0, 20]), history("c", [0])].map((h) =>
      customerFeatures(h, 100),
    );
    expect(defaultHorizonDays(feats)).toBe(49); // median gap 25 → 2 × 25 = 50 → 7 weeks
    expect(defaultHorizonDays([customerFeatures(history("c", [0]), 10)])).toBe(90);
  });
});

describe("reasons", () => {
  const base = { shopGapDays: 40, currency: "EUR", horizonDays: 70 } as const;
  it("writes plain words", () => {
    expect(ago(274)).toBe("9 months ago");
    expect(ago(12)).toBe("12 days ago");
    expect(money(1234.5, "EUR")).toBe("€1,235");
    expect(money(56.5, "USD")).toBe("$56.50");
    expect(money(10, "not a code")).toBe("10.00 not a code");
  });

  it("leads with the probability over the horizon, in the risk band's direction, with a driver pointing the same way", () => {
    const lapsed = customerFeatures(history("a", [0, 35, 70, 105]), 247);
    const contributions = { modelRecency: 1.2, modelRepeats: -0.4 };
    const high = churnReasons({ ...base, features: lapsed, churnProbability: 0.87, riskBand: "high", contributions });
    expect(high[0]).toBe(
      "87% likely not to order in the next 70 days: no order for 142 days; usually orders every 35 days",
    );
    // A reassuring fact is never the first reason of a risky customer, and the other way round.
    expect(high).toContain("4 purchase days so far");
    const regular = customerFeatures(history("d", [0, 30, 60, 90, 120]), 130);
    const low = churnReasons({
      ...base,
      features: regular,
      churnProbability: 0.2,
      riskBand: "low",
      contributions: { modelRecency: -0.8, modelRepeats: -1.5 },
    });
    expect(low[0]).toBe("80% likely to order in the next 70 days: 5 purchase days so far");
    expect(low[1]).toBe("orders every 30 days; last order 10 days ago");
  });

  it("fixes the wording defects: several orders on one day, no spend in the last year, money in the shop's currency", () => {
    // Two orders on one day are one purchase day, not "one order only".
    const once = customerFeatures(history("b", [0]), 274);
    const r = churnReasons({
      ...base,
      features: once,
      churnProbability: 0.93,
      riskBand: "high",
      contributions: { modelRecency: 2, modelRepeats: 0, monetary: 0.1 },
    });
    expect(r[0]).toBe("93% likely not to order in the next 70 days: bought on one day only, 9 months ago");
    expect(r).toContain("€20.00 spent so far");
    const stopped: CustomerHistory = {
      customerId: "c",
      occasionDays: [0, 100, 200, 300],
      occasionValues: [100, 100, 100, 100],
    };
    const f = customerFeatures(stopped, 800);
    const words = churnReasons({
      ...base,
      features: f,
      churnProbability: 0.95,
      riskBand: "high",
      contributions: { modelRecency: 2, modelRepeats: -0.2 },
    }).join(" | ");
    expect(words).not.toMatch(/100% less/);
    expect(words).toMatch(/no purchase in the last 12 months \(€400\.00 in their first year\)/);
    const declining: CustomerHistory = {
      customerId: "d",
      occasionDays: [0, 100, 200, 300, 800],
      occasionValues: [100, 100, 100, 100, 160],
    };
    const g = customerFeatures(declining, 820);
    expect(
      churnReasons({
        ...base,
        features: g,
        churnProbability: 0.8,
        riskBand: "high",
        contributions: { modelRecency: 0.1, modelRepeats: 0 },
      })[0],
    ).toBe("80% likely not to order in the next 70 days: spends 60% less than in their first year");
  });
});

describe("store metrics", () => {
  const d = (s: string) => dayOf(new Date(s));
  const hs = [
    {
      customerId: "a",
      occasionDays: [d("2024-01-05"), d("2024-02-10"), d("2024-03-20")],
      occasionValues: [10, 20, 30],
    },
    { customerId: "b", occasionDays: [d("2024-01-20")], occasionValues: [50] },
    { customerId: "c", occasionDays: [d("2024-02-15"), d("2024-03-25")], occasionValues: [5, 5] },
  ];

  it("builds the monthly cohort retention matrix", () => {
    const rows = cohortMatrix(hs, d("2024-03-31"));
    expect(rows).toEqual([
      { cohort: "2024-01", size: 2, retention: [1, 0.5, 0.5] },
      { cohort: "2024-02", size: 1, retention: [1, 1] },
    ]);
  });

  it("compares the period with the previous one", () => {
    const p = periodMetrics(hs, d("2024-02-29"), d("2024-03-31"));
    expect(p).toMatchObject({ orders: 2, revenue: 35, activeCustomers: 2, newCustomers: 0, retentionRate: 2 / 3 });
    const m = storeMetrics(
      hs,
      // P(gone) 0.6 of a customer worth 100 a year if active: 60 at risk; clv12m (40) is not multiplied again.
      hs.map((h) => ({ customerId: h.customerId, churnProbability: 0.5, clv12m: 40, valueAtRisk: 60 }) as never),
      d("2024-03-31"),
      31,
    );
    expect(m.customers).toBe(3);
    expect(m.repeatPurchaseRate).toBeCloseTo(2 / 3, 12);
    expect(m.revenueAtRisk).toBe(180);
    expect(m.previousPeriod).toMatchObject({ orders: 2, revenue: 25, newCustomers: 1 });
    expect(m.change.revenue).toBeCloseTo(35 / 25 - 1, 12);
  });
});

describe("analyzeOrders on tiny shops", () => {
  it("handles a shop without orders and a shop with a single customer", async () => {
    const { analyzeOrders } = await import("../../../app/analytics/analyze");
    const empty = analyzeOrders([], { asOf: new Date("2024-01-01T00:00:00Z") });
    expect(empty.customers).toEqual([]);
    expect(empty.clusters).toEqual([]);
    expect(empty.backtest).toBeNull();
    expect(empty.horizonDays).toBe(90);
    const one = analyzeOrders(
      [orderInput({ id: "o1", customerId: "c1", processedAt: new Date("2023-05-01T12:00:00Z"), total: 10 })],
      { asOf: new Date("2024-01-01T00:00:00Z") },
    );
    expect(one.model).toBe("bgnbd");
    expect(one.customers[0]).toMatchObject({ customerId: "c1", orders: 1, recencyDays: 245, monetary: 10 });
    expect(one.customers[0].reasons[0]).toMatch(
      /^\d+% likely not to order in the next 90 days: bought on one day only, 8 months ago$/,
    );
    expect(one.customers[0].churnProbability).toBeLessThan(1);
    expect(one.customers[0].pAlive).toBeGreaterThan(0);
    expect(() => analyzeOrders([], { asOf: new Date("nope") })).toThrow(/valid asOf/);
  });
});

describe("compact per-customer data", () => {
  it("keeps each customer's contributions in columns: the record read back is the one the model made", () => {
    const histories: CustomerHistory[] = Array.from({ length: 300 }, (_, i) => {
      const n = 1 + (i % 5);
      const days = Array.from({ length: n }, (_, k) => 19000 + ((i * 7) % 200) + k * (20 + (i % 30)));
      return {
        customerId: `c${String(i).padStart(3, "0")}`,
        occasionDays: days,
        occasionValues: days.map(() => 20 + (i % 40)),
      };
    });
    const asOf = 19500;
    const r = predictChurn(histories, asOf, 60, { replicates: 0 });
    expect(r.contributions.length).toBe(histories.length);
    for (let i = 0; i < histories.length; i += 37) {
      const c = r.contributions.at(i)!;
      const f = r.features[i];
      // The purchase model's two terms are always there; a one-time buyer has no repeats term.
      expect(Object.keys(c)).toEqual(expect.arrayContaining(["modelRecency", "modelRepeats"]));
      if (f.repeats === 0) expect(c.modelRepeats).toBe(0);
      else expect(c.modelRepeats).not.toBe(0);
      for (const v of Object.values(c)) expect(Number.isFinite(v)).toBe(true);
    }
    // Without a purchase model (no customers to fit) nothing was set: no record.
    const empty = new Contributions(2);
    expect(empty.at(0)).toBeNull();
    empty.set("recency", 1, 0.5);
    expect(empty.at(0)).toBeNull();
    expect(empty.at(1)).toEqual({ recency: 0.5 });
  });

  it("gives every customer on one day the same Date, at the start of that day", () => {
    const dates = sharedDayDates();
    const a = dates(20000);
    expect(dates(20000)).toBe(a);
    expect(a.toISOString()).toBe(dateOfDay(20000).toISOString());
    expect(dates(20001)).not.toBe(a);
    expect(dates(20001).getTime() - a.getTime()).toBe(86_400_000);
  });
});
