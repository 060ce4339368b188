/** The analyze job refreshes the stored reorder cycles and due products (what the publish and the storefront read). */
import { describe, expect, it } from "vitest";
import { runAnalyze } from "../../../app/jobs/analyze/run.server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { storeStandinShop } from "../../../packages/shopify-standin/src/as-synced";
import { createTestDb } from "../../helpers/db";

describe("analyze job and due to reorder", () => {
  it("stores product cycles and due products after an analysis of the demo shop", async () => {
    const t = await createTestDb("sqlite");
    try {
      const asOf = new Date("2026-11-01T00:00:00Z");
      const data = generateDemoShop({ orders: 3000, asOf });
      await storeStandinShop(t.db, data);
      expect(await t.db.reorderDue.count()).toBe(0);
      await runAnalyze(t.db, data.shop, { asOf });
      expect(await t.db.productCycle.count({ where: { shop: data.shop } })).toBeGreaterThan(10);
      const due = await t.db.reorderDue.findMany({ where: { shop: data.shop } });
      expect(due.length).toBeGreaterThan(20);
      // Windows are around the analysis date: open within a week of it, and not closed before it.
      for (const d of due) {
        expect(d.dueFrom.getTime()).toBeLessThanOrEqual(asOf.getTime() + 7 * 86_400_000);
        expect(d.dueTo.getTime()).toBeGreaterThanOrEqual(asOf.getTime());
      }
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
