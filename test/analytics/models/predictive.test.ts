/**
 * The predictive ranges (app/analytics/models/predictive.ts) against a simulation of the process they describe,
 * and the ranges of the CDNOW sample against what its customers did in the paper's holdout.
 */
import { describe, expect, it } from "vitest";
import { bgnbdExpectedPurchasesIfAlive } from "../../../app/analytics/models/bgnbd";
import { evaluateChurn } from "../../../app/analytics/evaluation/evaluate-churn";
import {
  countMoments,
  firstOrderDayGivenOrder,
  orderCountPmf,
  orderValuePosterior,
  spendMoments,
  spendQuantiles,
} from "../../../app/analytics/models/predictive";
import { betaInc } from "../../../app/analytics/math/special-functions";
import { readFileSync } from "node:fs";
import { completeJourneyToOrders } from "../../../app/cli/complete-journey";
import { needSharedData } from "../../helpers/shared-data";
import { loadCdnowOrders } from "../../helpers/cdnow";

/** Seeded uniform, normal and gamma draws (Marsaglia-Tsang). */
function rng(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(u(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v > 0 && Math.log(u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return { u, gamma };
}

describe("predictive distribution of one customer's orders and spend", () => {
  it("betaInc matches closed forms", () => {
    expect(betaInc(2, 3, 0.4)).toBeCloseTo(0.5248, 10);
    expect(betaInc(1, 1, 0.3)).toBeCloseTo(0.3, 12);
    expect(betaInc(0.5, 0.5, 0.5)).toBeCloseTo(0.5, 10);
    expect(betaInc(40, 7, 0.9)).toBeCloseTo(1 - betaInc(7, 40, 0.1), 10);
  });

  it("order counts: sum to 1, P(0) is the churn the process was matched to, the mean is BG/NBD's", () => {
    const bg = { r: 0.24, alpha: 30.9, a: 0.79, b: 2.43 };
    const x = 3;
    const T = 200;
    const pEver = 0.6;
    const pmf = orderCountPmf(
      { pEver, shape: bg.r + x, rate: bg.alpha + T, speed: 1, dropA: bg.a, dropB: bg.b + x },
      273,
    );
    expect(pmf.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    const silent = Math.pow((bg.alpha + T) / (bg.alpha + T + 273), bg.r + x);
    expect(pmf[0]).toBeCloseTo(1 - pEver * (1 - silent), 10);
    expect(countMoments(pmf).mean).toBeCloseTo(pEver * bgnbdExpectedPurchasesIfAlive(bg, 273, x, T), 4);
  });

  it("spend quantiles and the first order's date agree with a simulation of the same customer", () => {
    const proc = { pEver: 0.7, shape: 2.5, rate: 120, speed: 1, dropA: 0.8, dropB: 6 };
    const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
    const value = orderValuePosterior(gg, 2, 30);
    const t = 180;
    const { u, gamma } = rng(7);
    const n = 40_000;
    const spends: number[] = [];
    const firsts: number[] = [];
    for (let i = 0; i < n; i++) {
      if (u() >= proc.pEver) {
        spends.push(0);
        continue;
      }
      const lambda = gamma(proc.shape) / proc.rate;
      const ga = gamma(proc.dropA);
      const p = ga / (ga + gamma(proc.dropB));
      if (!("p" in value)) throw new Error("Gamma-Gamma expected");
      const nu = gamma(value.q) / value.gamma;
      let clock = 0;
      let spent = 0;
      for (;;) {
        clock += -Math.log(u()) / lambda;
        if (clock > t) break;
        if (spent === 0) firsts.push(clock);
        spent += gamma(value.p) / nu;
        if (u() < p) break;
      }
      spends.push(spent);
    }
    const sorted = [...spends].sort((a, b) => a - b);
    const pmf = orderCountPmf(proc, t);
    expect(sorted.filter((v) => v === 0).length / n).toBeCloseTo(pmf[0], 2);
    const [lo, hi] = spendQuantiles(pmf, value, [0.5, 0.9]);
    expect(lo / sorted[Math.floor(0.5 * n)]).toBeGreaterThan(0.95);
    expect(lo / sorted[Math.floor(0.5 * n)]).toBeLessThan(1.05);
    expect(hi / sorted[Math.floor(0.9 * n)]).toBeGreaterThan(0.97);
    expect(hi / sorted[Math.floor(0.9 * n)]).toBeLessThan(1.03);
    const mean = spends.reduce((s, v) => s + v, 0) / n;
    expect(spendMoments(pmf, value).mean / mean).toBeCloseTo(1, 1);
    // P(no order) ≥ 10%: the 10th percentile is 0.
    expect(spendQuantiles(pmf, value, [0.1])[0]).toBe(0);
    firsts.sort((a, b) => a - b);
    for (const level of [0.1, 0.9]) {
      const day = firstOrderDayGivenOrder(proc.shape, proc.rate, 1, t, level);
      const share = firsts.filter((f) => f <= day).length / firsts.length;
      // Whole days, rounded up: the share by that day is at or just above the level.
      expect(share).toBeGreaterThan(level - 0.01);
      expect(share).toBeLessThan(level + 0.03);
    }
  });
});

describe("80% ranges on the CDNOW sample (1997-09-30, 273 days)", () => {
  it("contain what the customers did 75-85% of the time, each tail 5-15%", () => {
    const { evaluation } = evaluateChurn(loadCdnowOrders(), new Date("1997-09-30T00:00:00Z"), 273);
    const { spend, spendPit, nextOrder } = evaluation.ranges;
    for (const c of [spendPit, nextOrder]) {
      expect(c.inside).toBeGreaterThan(0.75);
      expect(c.inside).toBeLessThan(0.85);
      expect(c.below).toBeGreaterThan(0.05);
      expect(c.below).toBeLessThan(0.15);
      expect(c.above).toBeGreaterThan(0.05);
      expect(c.above).toBeLessThan(0.15);
    }
    // The plain reading counts "spent nothing" inside [0, high]: more than 80% by construction.
    expect(spend.inside).toBeGreaterThanOrEqual(spendPit.inside);
    expect(spend.above).toBeCloseTo(spendPit.above, 3);
    expect(nextOrder.customers).toBe(684);
    expect(evaluation.totals!.orders.actual).toBe(1882);
    expect(evaluation.totals!.orders.inside).toBe(true);
    expect(evaluation.totals!.churnRate.inside).toBe(true);
  }, 120_000);
});

const cj = needSharedData("80% ranges on the Complete Journey sample (last 90 days)", [
  "completejourney/transactions_sample.csv",
]);
describe.skipIf(cj.skip)(cj.title, () => {
  it("contain the spend and the first order 75-85% of the time, each tail 5-15%", () => {
    const orders = completeJourneyToOrders(readFileSync(cj.files[0], "utf8"));
    const { evaluation } = evaluateChurn(orders, new Date("2017-10-02T00:00:00Z"), 90);
    for (const c of [evaluation.ranges.spendPit, evaluation.ranges.nextOrder]) {
      expect(c.inside).toBeGreaterThan(0.75);
      expect(c.inside).toBeLessThan(0.85);
      for (const tail of [c.below, c.above]) {
        expect(tail).toBeGreaterThan(0.05);
        expect(tail).toBeLessThan(0.15);
      }
    }
  }, 120_000);
});
