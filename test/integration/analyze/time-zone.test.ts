/**
 * The analyze job works in the shop's calendar: purchase days and the as-of cut-off
 * are days in the shop's IANA time zone (Shop.ianaTimezone), not UTC days.
 */
import { describe, expect, it } from "vitest";
import { runAnalyze } from "../../../app/jobs/analyze/run.server";
import { dayFunction, dayOf } from "../../../app/analytics/data/purchase-history";
import { readParams } from "../../../app/models/json-columns.server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { storeStandinShop } from "../../../packages/shopify-standin/src/as-synced";
import { createTestDb } from "../../helpers/db";

// UTC+14: 11:00 UTC is already 01:00 on the next day there, so every day differs from the UTC one.
const ZONE = "Pacific/Kiritimati";

describe("analyze job in the shop's time zone", () => {
  it("cuts off at the as-of day and counts purchase days in Shop.ianaTimezone", async () => {
    const t = await createTestDb("sqlite");
    try {
      const asOf = new Date("2026-11-01T11:00:00Z"); // 2 November, 01:00 in Kiritimati
      const data = generateDemoShop({ orders: 600, asOf: new Date("2026-11-01T00:00:00Z"), currencyCode: "EUR" });
      await storeStandinShop(t.db, data);
      await t.db.shop.upsert({
        where: { shop: data.shop },
        create: { shop: data.shop, ianaTimezone: ZONE, currencyCode: "EUR" },
        update: { ianaTimezone: ZONE, currencyCode: "EUR" },
      });
      const { analysisId } = await runAnalyze(t.db, data.shop, { asOf });
      const analysis = await t.db.analysis.findUniqueOrThrow({ where: { id: analysisId } });
      const details = readParams(analysis.paramsJson)?.details as { timeZone?: string; asOfDay?: number };
      expect(details.timeZone).toBe(ZONE);
      expect(details.asOfDay).toBe(dayOf(new Date("2026-11-02T00:00:00Z")));
      // Each customer's first and last purchase day is the shop's calendar day of those orders.
      const local = dayFunction(ZONE);
      const scores = await t.db.customerScore.findMany({ where: { shop: data.shop } });
      expect(scores.length).toBeGreaterThan(20);
      let differ = 0;
      for (const s of scores) {
        const orders = await t.db.order.findMany({
          where: { shop: data.shop, customerId: s.customerId, cancelledAt: null, test: false, totalAmount: { gt: 0 } },
          orderBy: { processedAt: "asc" },
          select: { processedAt: true, refundedAmount: true, totalAmount: true },
        });
        const paid = orders.filter((o) => o.totalAmount - o.refundedAmount > 0);
        if (!paid.length) continue;
        expect(dayOf(s.firstOrderAt)).toBe(local(paid[0].processedAt));
        if (local(paid[0].processedAt) !== dayOf(paid[0].processedAt)) differ++;
      }
      expect(differ).toBeGreaterThan(0); // the zone mattered for some customers
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
