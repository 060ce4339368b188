/**
 * The demo's control group (scripts/demo-control-group.ts, run by `npm run demo`): on the generated demo
 * shop it draws at-risk customers week by week over six months, and the uplift page then has an answer.
 * The demo shop simulates no campaign, so the right answer never claims an effect: "no clear difference"
 * or, while too few customers have had their 90 days, "too few to tell yet".
 */
import { describe, expect, it } from "vitest";
import { upliftReport } from "../../../app/models/holdouts.server";
import { seedDemoControlGroup } from "../../../scripts/demo-control-group";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { storeStandinShop } from "../../../packages/shopify-standin/src/as-synced";
import { createTestDb } from "../../helpers/db";

describe("the demo's control group", () => {
  it("seeds six months of weekly draws on the demo shop; the answer claims no effect and the sequence holds 0", async () => {
    const t = await createTestDb("sqlite");
    try {
      const asOf = new Date("2026-12-05T00:00:00Z");
      const data = generateDemoShop({ orders: 6000, asOf });
      await storeStandinShop(t.db, data);
      await t.db.segment.create({ data: { shop: data.shop, kind: "rfm", key: "at_risk", name: "At risk" } });
      const cg = await seedDemoControlGroup(t.db, data.shop, { asOf });
      expect(cg.segmentKey).toBe("at_risk");
      expect(cg.customers).toBeGreaterThan(400);
      expect(cg.heldOut / cg.customers).toBeGreaterThan(0.15);
      expect(cg.heldOut / cg.customers).toBeLessThan(0.25);
      const dates = new Set(
        (await t.db.holdoutAssignment.findMany({ where: { shop: data.shop } })).map((a) => a.assignedAt.getTime()),
      );
      expect(dates.size).toBeGreaterThan(20);
      const r = await upliftReport(t.db, data.shop, "rfm", "at_risk", 90, asOf, asOf);
      expect(r.enabled).toBe(true);
      expect(r.entriesPerWeek).toBeGreaterThan(0);
      expect(r.current.treated + r.current.heldOut).toBeGreaterThan(100);
      expect(r.pendingTreated + r.pendingHeldOut).toBeGreaterThan(0);
      expect(["no-clear-difference", "too-few"]).toContain(r.result.verdict);
      expect(r.sequence.low).toBeLessThan(0);
      expect(r.sequence.high).toBeGreaterThan(0);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
