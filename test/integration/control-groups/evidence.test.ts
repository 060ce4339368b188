/**
 * The control groups' evidence on seeded shops (test/integration/control-groups/seed-control-groups.ts), read as the page and
 * the dashboard read it: win-back works for "At risk" and not for "Lost"; a shop with no effect says no
 * clear difference; a small one says too few, with the weeks still needed; "What to do next" puts the
 * action that works first, with its expected recovered revenue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { segmentEvidence } from "../../../app/models/holdouts-evidence.server";
import { upliftPage } from "../../../app/routes/app.uplift/data.server";
import { nextActions } from "../../../app/routes/app._index/data.server";
import type { SegmentView } from "../../../app/routes/app/segment-list.server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { seedControlGroups } from "./seed-control-groups";

const AS_OF = new Date("2026-11-30T00:00:00Z");

describe("control-group evidence on seeded shops", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function shop(name: string, scenario: "effect" | "none" | "unclear") {
    await t.db.analysis.create({ data: { shop: name, asOf: AS_OF, horizonDays: 90, model: "test" } });
    await seedControlGroups(t.db, name, scenario, AS_OF);
    return upliftPage(t.db, name, 90, new Date(AS_OF.getTime() + DAY));
  }
  const DAY = 86_400_000;

  it("with an effect: works for At risk (shrunk, revenue net of cost), not for Lost; the action that works comes first", async () => {
    const name = "cg-effect.myshopify.com";
    const page = await shop(name, "effect");
    const [atRisk, lost] = page.reports;
    expect(atRisk.name).toBe("At risk");
    expect(atRisk.result.verdict).toBe("treated-more");
    expect(atRisk.evidence.status).toBe("works");
    expect(atRisk.sequence.low).toBeGreaterThan(0);
    expect(atRisk.weeks).toBeNull();
    expect(lost.evidence.status).toBe("no-effect");
    expect(lost.result.verdict).toBe("no-clear-difference");
    // Two segments that differ: τ² > 0, each keeps most of its own estimate, between its own and the overall.
    for (const r of [atRisk, lost]) {
      expect(r.shrunk).not.toBeNull();
      const lo = Math.min(r.sequence.diff, r.shrunk!.overall);
      const hi = Math.max(r.sequence.diff, r.shrunk!.overall);
      expect(r.shrunk!.estimate).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(r.shrunk!.estimate).toBeLessThanOrEqual(hi + 1e-12);
    }
    expect(atRisk.revenue.gross).toBeGreaterThan(0);
    expect(atRisk.revenue.low).not.toBeNull();
    await t.db.controlGroup.updateMany({
      where: { shop: name, segmentKey: "effect-at-risk" },
      data: { incentiveCost: 5 },
    });
    const withCost = await upliftPage(t.db, name, 90, new Date(AS_OF.getTime() + DAY));
    expect(withCost.reports[0].revenue.net).toBeCloseTo(atRisk.revenue.gross - 5, 9);
    expect(withCost.reports[0].revenue.low!).toBeCloseTo(atRisk.revenue.low! - 5, 9);

    const evidence = await segmentEvidence(t.db, name);
    const seg = (key: string, valueAtRisk: number, title: string): SegmentView => ({
      id: key,
      kind: "rfm",
      key,
      name: key,
      generatedName: key,
      size: 100,
      revenueShare: 0,
      avgChurn: 0.5,
      avgClv: 50,
      centroid: {},
      description: "",
      shopifySegmentId: null,
      shopifySegmentUrl: null,
      play: { title, detail: "" },
      valueAtRisk,
      customersUrl: "",
    });
    const actions = nextActions(
      [seg("effect-lost", 9000, "Last chance"), seg("effect-at-risk", 1000, "Win-back")],
      evidence,
    );
    expect(actions.map((a) => a.title)).toEqual(["Win-back", "Last chance"]);
    const e = actions[0].segments[0].evidence!;
    expect(e.status).toBe("works");
    expect(e.recovered!.expected).toBeCloseTo(evidence.get("rfm:effect-at-risk")!.uplift * 5000, 6);
    expect(e.recovered!.low).toBeGreaterThan(0);
    expect(actions[1].segments[0].evidence!.advice).toMatch(/no difference worth acting on for "Lost"/);
    // Without evidence the order is the model's (value at risk).
    expect(
      nextActions([seg("effect-lost", 9000, "Last chance"), seg("effect-at-risk", 1000, "Win-back")]).map(
        (a) => a.title,
      ),
    ).toEqual(["Last chance", "Win-back"]);
  });

  it("without an effect: no clear difference, the sequence holds 0", async () => {
    const page = await shop("cg-none.myshopify.com", "none");
    const [r] = page.reports;
    expect(r.result.verdict).toBe("no-clear-difference");
    expect(r.sequence.low).toBeLessThan(0);
    expect(r.sequence.high).toBeGreaterThan(0);
    expect(r.evidence.status).toBe("no-effect");
  });

  it("still unclear: too few, with the weeks until the answer is expected from the variance and enrolment", async () => {
    const page = await shop("cg-unclear.myshopify.com", "unclear");
    const [r] = page.reports;
    expect(r.result.verdict).toBe("too-few");
    expect(r.current.heldOut).toBe(12);
    expect(r.pendingTreated + r.pendingHeldOut).toBe(40);
    expect(r.weeks).not.toBeNull();
    expect(r.weeks!.weeks).toBeGreaterThan(8);
    expect(r.weeks!.customersNeeded).toBeGreaterThan(100);
    expect(r.evidence.status).toBe("unclear");
    expect(r.change.drawn).toBeGreaterThan(0);
  });
});
