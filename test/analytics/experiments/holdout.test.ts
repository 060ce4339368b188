/** The control-group draw: its share, its stability across analyses, and independence from input order. */
import { describe, expect, it } from "vitest";
import {
  checkShare,
  holdoutDraw,
  isHeldOut,
  planAssignments,
  type Assignment,
} from "../../../app/analytics/experiments/holdout";

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `gid://shopify/Customer/${1000 + from + i}`);

describe("holdout draw", () => {
  it("holds out about the share asked for (10% of 20,000 within 3 standard errors) and draws uniformly", () => {
    const n = 20_000;
    const held = ids(n).filter((id) => isHeldOut(7, "rfm:at-risk", id, 0.1)).length;
    expect(Math.abs(held - 0.1 * n)).toBeLessThan(3 * Math.sqrt(n * 0.1 * 0.9));
    // Deciles of the draw are each about a tenth (chi-square with 9 degrees of freedom below its 99.9% point, 27.9).
    const bins = new Array(10).fill(0);
    for (const id of ids(n)) bins[Math.floor(holdoutDraw(7, "rfm:at-risk", id) * 10)]++;
    const chi2 = bins.reduce((s, b) => s + (b - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it("another seed or another segment gives another draw", () => {
    const a = ids(2000).filter((id) => isHeldOut(1, "rfm:at-risk", id, 0.1));
    const b = ids(2000).filter((id) => isHeldOut(2, "rfm:at-risk", id, 0.1));
    const c = ids(2000).filter((id) => isHeldOut(1, "rfm:champions", id, 0.1));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("share must be 1% to 50%", () => {
    expect(checkShare(0.1)).toBe(0.1);
    expect(() => checkShare(0.9)).toThrow(/between 1% and 50%/);
    expect(() => checkShare(Number.NaN)).toThrow(/between/);
  });
});

describe("planAssignments", () => {
  const group = { seed: 42, segment: "rfm:at-risk", share: 0.2 };
  const day1 = new Date("2026-10-01T00:00:00Z");
  const day2 = new Date("2026-10-08T00:00:00Z");

  it("keeps a customer's side while in the segment, even after the share changes; leavers are closed, entrants dated now", () => {
    const first = planAssignments(ids(500), [], group, day1);
    expect(first.enter).toHaveLength(500);
    const recorded: Assignment[] = first.enter;
    // Next analysis: the first 100 left, 100 new entered, and the merchant raised the share to 50%.
    const second = planAssignments(ids(500, 100), recorded, { ...group, share: 0.5 }, day2);
    expect(second.leave).toEqual(ids(100).sort());
    expect(second.enter.map((a) => a.customerId)).toEqual(ids(100, 500).sort());
    expect(second.enter.every((a) => a.assignedAt === day2)).toBe(true);
    for (const a of recorded.slice(100)) expect(second.heldOut.has(a.customerId)).toBe(a.heldOut);
    // The new entrants are drawn at the new share.
    const newHeld = second.enter.filter((a) => a.heldOut).length;
    expect(newHeld).toBeGreaterThan(30);
    // Input order changes nothing.
    const shuffled = planAssignments(
      [...ids(500, 100)].reverse(),
      [...recorded].reverse(),
      { ...group, share: 0.5 },
      day2,
    );
    expect(shuffled.enter).toEqual(second.enter);
    expect([...shuffled.heldOut].sort()).toEqual([...second.heldOut].sort());
  });

  it("a customer back in the segment after leaving gets their first assignment back: same arm, same date", () => {
    const id = ids(1)[0];
    // Recorded held out even where today's draw at 20% would treat them: the record wins.
    const left: Assignment = {
      customerId: id,
      heldOut: !isHeldOut(42, "rfm:at-risk", id, 0.2),
      assignedAt: day1,
      leftAt: day2,
    };
    const back = planAssignments([id], [left], group, new Date("2026-11-01T00:00:00Z"));
    expect(back.enter).toEqual([]);
    expect(back.reopen).toEqual([{ ...left, leftAt: null }]);
    expect(back.heldOut.has(id)).toBe(left.heldOut);
  });

  it("a customer moving in from another control group keeps the arm recorded there, whatever this group's draw says", () => {
    const members = ids(200);
    const prior = new Map(members.map((id) => [id, !isHeldOut(42, "rfm:at-risk", id, 0.2)]));
    const plan = planAssignments(members, [], group, day2, prior);
    for (const a of plan.enter) expect(a.heldOut, a.customerId).toBe(prior.get(a.customerId));
    // Without a prior arm the draw decides.
    const fresh = planAssignments(members, [], group, day2);
    for (const a of fresh.enter) expect(a.heldOut).toBe(isHeldOut(42, "rfm:at-risk", a.customerId, 0.2));
  });
});
