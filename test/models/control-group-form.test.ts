/**
 * The control-groups page's schema: shares are percentages as typed (1 to 50), an empty or out-of-range
 * share is refused with a message naming the real limits (never read as 0.51 or silently as 10%), the
 * incentive's cost may be empty, and the URL's window is one the page offers.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_SHARE_PERCENT,
  MIN_SHARE_PERCENT,
  UPLIFT_PERIODS,
  readUpliftAction,
  readUpliftQuery,
} from "../../app/models/control-group-form";
import { MAX_HOLDOUT_SHARE, MIN_HOLDOUT_SHARE } from "../../app/analytics/experiments/holdout";
import { PERIODS } from "../../app/models/holdouts.server";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe("control-group form", () => {
  it("states the limits the analytics enforce", () => {
    expect(MIN_SHARE_PERCENT / 100).toBe(MIN_HOLDOUT_SHARE);
    expect(MAX_SHARE_PERCENT / 100).toBe(MAX_HOLDOUT_SHARE);
    expect([...UPLIFT_PERIODS]).toEqual([...PERIODS]);
  });

  it("reads a share typed as a percentage", () => {
    expect(readUpliftAction(form({ intent: "on", segment: "rfm:at-risk", share: " 10 " }))).toEqual({
      ok: true,
      action: { intent: "on", segment: "rfm:at-risk", share: 10 },
    });
    expect(readUpliftAction(form({ intent: "on", segment: "risk:high", share: "50" })).ok).toBe(true);
    expect(readUpliftAction(form({ intent: "on", segment: "risk:high", share: "1" })).ok).toBe(true);
  });

  it.each(["51", "0", "0.5", "", "   ", "ten", "1e400", "-5"])("refuses the share %j with the real limits", (share) => {
    expect(readUpliftAction(form({ intent: "on", segment: "rfm:at-risk", share }))).toEqual({
      ok: false,
      errors: { share: "Enter a share from 1 to 50%" },
    });
  });

  it("refuses a missing share rather than defaulting it", () => {
    expect(readUpliftAction(form({ intent: "on", segment: "rfm:at-risk" }))).toEqual({
      ok: false,
      errors: { share: "Enter a share from 1 to 50%" },
    });
  });

  it("takes an empty cost as none and refuses one that is not a cost", () => {
    expect(readUpliftAction(form({ intent: "cost", segment: "cluster:2", incentiveCost: "" }))).toEqual({
      ok: true,
      action: { intent: "cost", segment: "cluster:2", incentiveCost: null },
    });
    expect(readUpliftAction(form({ intent: "cost", segment: "cluster:2", incentiveCost: "2.5" }))).toMatchObject({
      ok: true,
      action: { incentiveCost: 2.5 },
    });
    for (const bad of ["-1", "abc", "1000001"])
      expect(readUpliftAction(form({ intent: "cost", segment: "cluster:2", incentiveCost: bad }))).toEqual({
        ok: false,
        errors: { incentiveCost: "Enter a cost from 0 to 1,000,000, or leave it empty" },
      });
  });

  it("refuses an unknown segment or intent with words", () => {
    const noSegment = readUpliftAction(form({ intent: "off", segment: "" }));
    expect(noSegment).toEqual({ ok: false, errors: { segment: "Choose a segment" } });
    expect(readUpliftAction(form({ intent: "off", segment: "x".repeat(300) }))).toEqual(noSegment);
    const bad = readUpliftAction(form({ intent: "drop", segment: "rfm:a" }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.intent).toMatch(/turn on, turn off or save the cost/);
  });

  it("reads the window from the URL, dropping one the page does not offer", () => {
    expect(readUpliftQuery(new URLSearchParams("period=30"))).toEqual({ period: 30, errors: {} });
    expect(readUpliftQuery(new URLSearchParams(""))).toEqual({ period: 90, errors: {} });
    for (const p of ["7", "abc", "9".repeat(400)])
      expect(readUpliftQuery(new URLSearchParams({ period: p }))).toEqual({
        period: 90,
        errors: { period: "Follow customers for 30, 60, 90, 180 days" },
      });
  });
});
