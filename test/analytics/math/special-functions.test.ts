import { describe, expect, it } from "vitest";
import { hyp2f1, lgamma, logAddExp } from "../../../app/analytics/math/special-functions";
import { minimize } from "../../../app/analytics/math/optimize";

describe("lgamma", () => {
  it("matches factorials and Γ(1/2) = √π", () => {
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    // Python math.lgamma(0.243) = 1.3180435846996699; math.lgamma(100.5) = 361.4355404677776
    expect(lgamma(0.243)).toBeCloseTo(1.3180435846996699, 10);
    expect(lgamma(100.5)).toBeCloseTo(361.4355404677776, 9);
  });
  it("rejects non-positive arguments", () => {
    expect(() => lgamma(0)).toThrow(/lgamma requires x > 0/);
  });
});

describe("hyp2f1", () => {
  it("matches closed forms", () => {
    // 2F1(1,1;2;z) = −ln(1−z)/z; 2F1(a,b;b;z) = (1−z)^−a
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(0.7, 3, 3, z)).toBeCloseTo((1 - z) ** -0.7, 9);
    }
  });
  it("handles BG/NBD-sized parameters near z = 1 (Euler transformation)", () => {
    // 2F1(a, b; b; z) = (1 − z)^−a: large a near z = 1.
    expect(hyp2f1(50.243, 52.426, 52.426, 0.9) / 10 ** 50.243).toBeCloseTo(1, 9);
    // 2F1(1, 1; 2; z) near 1 where the direct series needs thousands of terms.
    expect(hyp2f1(1, 1, 2, 0.999)).toBeCloseTo(-Math.log(0.001) / 0.999, 8);
  });
  it("rejects z outside [0, 1)", () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/0 <= z < 1/);
  });
});

describe("logAddExp and minimize", () => {
  it("adds in log space without overflow", () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });
  it("finds the minimum of the Rosenbrock function", () => {
    const res = minimize(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1]);
    expect(res.x[0]).toBeCloseTo(1, 3);
    expect(res.x[1]).toBeCloseTo(1, 3);
  });
});

describe("hyp2f1 with BG/NBD parameters of a shop without dropout heterogeneity", () => {
  it("stays fast and finite when a and b sit at their bound", async () => {
    const { bgnbdExpectedPurchases } = await import("../../../app/analytics/models/bgnbd");
    const p = { r: 0.31, alpha: 23.8, a: 6851, b: 162742 };
    const started = performance.now();
    for (let x = 0; x < 60; x++) {
      const e = bgnbdExpectedPurchases(p, 365, x, x * 10, 700);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThanOrEqual(0);
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
