/**
 * The uplift statistics against published reference values: Newcombe's hybrid score interval (method 10)
 * and the Wald interval for the eight worked examples of Newcombe (1998), Statistics in Medicine 17,
 * 873-890, Table II; Wilson's interval from Newcombe (1998b) Table I; Welch's interval worked by hand.
 */
import { describe, expect, it } from "vitest";
import {
  bootstrapMeanDiff,
  entriesPerWeek,
  measureUplift,
  newcombeInterval,
  seededRandom,
  waldInterval,
  welchInterval,
  wilsonInterval,
  type Outcome,
} from "../../../app/analytics/experiments/uplift";

// [x1, n1, x2, n2, method 10 low, high, Wald low, high] (Wald printed only where the paper's is not degenerate).
const NEWCOMBE_TABLE_II: Array<[number, number, number, number, number, number]> = [
  [56, 70, 48, 80, 0.0524, 0.3339],
  [9, 10, 3, 10, 0.1705, 0.809],
  [6, 7, 2, 7, 0.0582, 0.8062],
  [5, 56, 0, 29, -0.0381, 0.1926],
  [0, 10, 0, 20, -0.1611, 0.2775],
  [0, 10, 0, 10, -0.2775, 0.2775],
  [10, 10, 0, 20, 0.6791, 1.0],
  [10, 10, 0, 10, 0.6075, 1.0],
];

describe("two-proportion intervals", () => {
  it.each(NEWCOMBE_TABLE_II)("Newcombe method 10 for %i/%i - %i/%i", (x1, n1, x2, n2, low, high) => {
    const ci = newcombeInterval(x1, n1, x2, n2);
    expect(ci.diff).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });

  it("Wald interval of Newcombe's example (a), 56/70 - 48/80: 0.0575 to 0.3425", () => {
    const ci = waldInterval(56, 70, 48, 80);
    expect(ci.low).toBeCloseTo(0.0575, 4);
    expect(ci.high).toBeCloseTo(0.3425, 4);
  });

  it("Wilson score interval: 81/263 is 0.2553 to 0.3662 (Newcombe 1998b, Table I)", () => {
    const ci = wilsonInterval(81, 263);
    expect(ci.low).toBeCloseTo(0.2553, 4);
    expect(ci.high).toBeCloseTo(0.3662, 4);
    expect(() => wilsonInterval(3, 0)).toThrow(/n > 0/);
  });
});

describe("revenue per customer", () => {
  it("Welch: means 2.5 and 3, variances 5/3 and 2, n 4 and 2: se = sqrt(5/12 + 1)", () => {
    const ci = welchInterval([1, 2, 3, 4], [2, 4]);
    expect(ci.diff).toBeCloseTo(-0.5, 12);
    expect(ci.se).toBeCloseTo(Math.sqrt(5 / 12 + 1), 12);
    expect(ci.high - ci.diff).toBeCloseTo(1.959963984540054 * Math.sqrt(5 / 12 + 1), 10);
  });

  it("bootstrap: same seed same interval; with large groups it agrees with the normal interval", () => {
    const rand = seededRandom(3);
    const a = Array.from({ length: 3000 }, () => -Math.log(1 - rand()) * 40);
    const b = Array.from({ length: 3000 }, () => -Math.log(1 - rand()) * 30);
    const boot = bootstrapMeanDiff(a, b, { seed: 5, resamples: 2000 });
    expect(bootstrapMeanDiff(a, b, { seed: 5, resamples: 2000 })).toEqual(boot);
    const normal = welchInterval(a, b);
    // Exponential means: the bootstrap interval is within 15% of the normal one's width at each end.
    const width = normal.high - normal.low;
    expect(Math.abs(boot.low - normal.low)).toBeLessThan(0.15 * width);
    expect(Math.abs(boot.high - normal.high)).toBeLessThan(0.15 * width);
    expect(boot.low).toBeLessThan(boot.diff);
    expect(boot.high).toBeGreaterThan(boot.diff);
  });
});

/** n customers who come back with probability p and then spend `spend` on average. */
function group(rand: () => number, n: number, p: number, spend: number): Outcome[] {
  return Array.from({ length: n }, () => {
    const returned = rand() < p;
    return { returned, revenue: returned ? -Math.log(1 - rand()) * spend : 0 };
  });
}

describe("measureUplift", () => {
  it("treated customers who come back more (35% vs 20%, 1800 vs 200) give 'treated-more' with positive intervals", () => {
    const rand = seededRandom(11);
    const r = measureUplift(group(rand, 1800, 0.35, 50), group(rand, 200, 0.2, 50));
    expect(r.verdict).toBe("treated-more");
    expect(r.returnRate!.twoProportion.low).toBeGreaterThan(0);
    expect(r.returnRate!.bootstrap.low).toBeGreaterThan(0);
    expect(r.revenuePerCustomer!.diff).toBeGreaterThan(0);
    expect(r.weeksNeeded).toBeNull();
  });

  it("the same return rate in both groups (30%, 3600 vs 400) gives 'no-clear-difference', interval around 0", () => {
    const rand = seededRandom(12);
    const r = measureUplift(group(rand, 3600, 0.3, 50), group(rand, 400, 0.3, 50));
    expect(r.verdict).toBe("no-clear-difference");
    expect(r.returnRate!.twoProportion.low).toBeLessThan(0);
    expect(r.returnRate!.twoProportion.high).toBeGreaterThan(0);
    expect((r.returnRate!.twoProportion.high - r.returnRate!.twoProportion.low) / 2).toBeLessThanOrEqual(0.1);
  });

  it("a small shop's group (45 vs 5) is 'too few', with the customers and weeks still needed at the current rate", () => {
    const rand = seededRandom(13);
    const r = measureUplift(group(rand, 45, 0.4, 50), group(rand, 5, 0.2, 50), { entriesPerWeek: 10, share: 0.1 });
    expect(r.verdict).toBe("too-few");
    // At least 20 held out at a 10% share: 200 customers, 150 more, 15 weeks at 10 a week.
    expect(r.customersNeeded).toBeGreaterThanOrEqual(200);
    expect(r.weeksNeeded).toBe(Math.ceil((r.customersNeeded! - 50) / 10));
    // Without new customers entering, the weeks cannot be told.
    expect(measureUplift(group(rand, 45, 0.4, 50), group(rand, 5, 0.2, 50)).weeksNeeded).toBeNull();
  });

  it("empty groups and a group of one do not crash", () => {
    expect(measureUplift([], []).verdict).toBe("too-few");
    const one = measureUplift([{ returned: true, revenue: 10 }], [{ returned: false, revenue: 0 }]);
    expect(one.verdict).toBe("too-few");
    expect(one.returnRate!.twoProportion.low).toBeGreaterThanOrEqual(-1);
    expect(one.returnRate!.twoProportion.high).toBeLessThanOrEqual(1);
  });

  it("entries per week over the last 8 weeks", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const dates = Array.from({ length: 16 }, (_, i) => new Date(now.getTime() - (i * 3 + 1) * 86_400_000));
    expect(entriesPerWeek(dates, now)).toBeCloseTo((16 / 56) * 7, 10);
  });
});
