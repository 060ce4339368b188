/** Nothing the model holds uncertain reads as certain: one formatter for pages, CSV and reasons. */
import { describe, expect, it } from "vitest";
import { formatProbability, probabilityCell } from "../../../app/components/format";
import { riskOverHorizon } from "../../../app/components/words";
import { churnReasons } from "../../../app/analytics/narration/reasons";
import { customerFeatures } from "../../../app/analytics/data/features";

describe("formatProbability", () => {
  it("never writes 100% or 0% for a probability strictly between 0 and 1", () => {
    expect(formatProbability(0.999)).toBe(">99%");
    expect(formatProbability(0.995)).toBe(">99%");
    expect(formatProbability(0.994)).toBe("99%");
    expect(formatProbability(0.9996, 1)).toBe(">99.9%");
    expect(formatProbability(0.999, 1)).toBe("99.9%");
    expect(formatProbability(0.001)).toBe("<1%");
    expect(formatProbability(0.0004, 1)).toBe("<0.1%");
    expect(formatProbability(0.5)).toBe("50%");
    expect(formatProbability(0.123, 1)).toBe("12.3%");
    // What is certain may say so.
    expect(formatProbability(1)).toBe("100%");
    expect(formatProbability(0)).toBe("0%");
    expect(formatProbability(null)).toBe("–");
    for (let p = 0.0001; p < 1; p += 0.0001) {
      for (const d of [0, 1]) expect(formatProbability(p, d)).not.toMatch(/^(100(\.0)?|0(\.0)?)%$/);
      expect(probabilityCell(p)).not.toMatch(/^(1|0)\.0000$/);
    }
  });

  it("is what the risk phrase, the CSV cell and the reasons use", () => {
    expect(riskOverHorizon(0.999, 70)).toBe(">99% over 70 days");
    expect(probabilityCell(0.99996)).toBe("0.9999");
    const f = customerFeatures({ customerId: "c", occasionDays: [0], occasionValues: [10] }, 400);
    const reasons = churnReasons({
      features: f,
      churnProbability: 0.999,
      riskBand: "high",
      horizonDays: 70,
      shopGapDays: 30,
      contributions: null,
      currency: "USD",
    });
    expect(reasons[0]).toMatch(/^>99% likely not to order in the next 70 days/);
  });
});
