/**
 * The dashboard's read rules on a real database and by hand-checked values: "What to do next" shows each
 * action once, ordered by revenue at stake; moves between segments are counted; cohort months not
 * finished are blank; dates show in the shop's time zone.
 */
import { describe, expect, it } from "vitest";
import { createTestDb } from "../../helpers/db";
import { nextActions } from "../../../app/routes/app._index/data.server";
import { blankUnfinishedMonths } from "../../../app/routes/app._index/charts.server";
import { countMoves, getTrends, recordAnalysisSnapshot } from "../../../app/models/trends.server";
import type { SegmentView } from "../../../app/routes/app/segment-list.server";
import { formatDate, formatDateTime } from "../../../app/components/format";
import { gid, seedScores, SHOP } from "../../helpers/app-fixtures";

describe("what to do next", () => {
  const seg = (key: string, size: number, valueAtRisk: number): SegmentView => ({
    id: key,
    kind: "rfm",
    key,
    name: key,
    generatedName: key,
    size,
    revenueShare: 0,
    avgChurn: 0,
    avgClv: 0,
    centroid: {},
    description: "",
    shopifySegmentId: null,
    shopifySegmentUrl: null,
    play: null,
    valueAtRisk,
    customersUrl: `/app/customers?segment=rfm:${key}`,
  });
  it("shows each distinct action once, ordered by the value at risk of its segments, not by headcount", () => {
    const plays = {
      winback: { title: "Win-back offer", detail: "w" },
      vip: { title: "VIP perks", detail: "v" },
      welcome: { title: "Welcome series", detail: "n" },
    };
    const actions = nextActions([
      { ...seg("at_risk", 100, 5000), play: plays.winback },
      { ...seg("hibernating", 900, 1000), play: plays.winback },
      { ...seg("new_customers", 5000, 800), play: plays.welcome },
      { ...seg("champions", 50, 7000), play: plays.vip },
      { ...seg("no_play", 10, 99999), play: null },
    ]);
    expect(actions.map((a) => [a.title, a.valueAtRisk, a.customers])).toEqual([
      ["VIP perks", 7000, 50],
      ["Win-back offer", 6000, 1000],
      ["Welcome series", 800, 5000],
    ]);
    expect(actions[1].segments.map((s) => s.key)).toEqual(["at_risk", "hibernating"]);
  });
});

describe("trends", () => {
  it("counts who moved from one segment to another (only customers present in both analyses)", () => {
    const before = new Map([
      ["a", "champions"],
      ["b", "champions"],
      ["c", "at_risk"],
      ["d", "loyal"],
    ]);
    const after = [
      { customerId: "a", rfmSegment: "at_risk" },
      { customerId: "b", rfmSegment: "at_risk" },
      { customerId: "c", rfmSegment: "champions" },
      { customerId: "d", rfmSegment: "loyal" },
      { customerId: "new", rfmSegment: "new_customers" },
    ];
    expect(countMoves(before, after)).toEqual([
      { from: "champions", to: "at_risk", customers: 2 },
      { from: "at_risk", to: "champions", customers: 1 },
    ]);
  });

  it("keeps each analysis' figures and says who slipped since the previous one", async () => {
    const t = await createTestDb("sqlite");
    try {
      await seedScores(t.db, SHOP);
      const a1 = await t.db.analysis.create({
        data: {
          shop: SHOP,
          asOf: new Date("2026-11-01"),
          horizonDays: 60,
          model: "m",
          metricsJson: JSON.stringify({ period: { churnRate: 0.5 } }),
        },
      });
      await recordAnalysisSnapshot(t.db, SHOP, a1.id);
      const before = new Map(
        (await t.db.customerScore.findMany({ where: { shop: SHOP } })).map((s) => [s.customerId, s.rfmSegment]),
      );
      // The second analysis: customer 1 (a champion) slips to at risk.
      await t.db.customerScore.update({
        where: { shop_customerId: { shop: SHOP, customerId: gid(1) } },
        data: { rfmSegment: "at_risk" },
      });
      await t.db.segment.updateMany({ where: { shop: SHOP, kind: "rfm", key: "at_risk" }, data: { avgChurn: 0.9 } });
      await t.db.segment.updateMany({ where: { shop: SHOP, kind: "rfm", key: "champions" }, data: { avgChurn: 0.1 } });
      const a2 = await t.db.analysis.create({
        data: {
          shop: SHOP,
          asOf: new Date("2026-12-01"),
          horizonDays: 60,
          model: "m",
          metricsJson: JSON.stringify({ period: { churnRate: 0.4 } }),
        },
      });
      await recordAnalysisSnapshot(t.db, SHOP, a2.id, before);
      const trends = await getTrends(t.db, SHOP);
      expect(trends.points.map((p) => [p.observedChurn, p.segments.at_risk, p.segments.champions])).toEqual([
        [0.5, 2, 1],
        [0.4, 3, undefined],
      ]);
      expect(trends.points[1].valueAtRisk).toBeCloseTo(168.2, 9);
      expect(trends.moves?.map((m) => `${m.customers} ${m.fromLabel} ${m.direction} to ${m.toLabel}`)).toEqual([
        "1 Champions slipped to At risk",
      ]);
    } finally {
      await t.cleanup();
    }
  });

  it("shows a latest analysis that has no snapshot from its scores, and writes nothing while reading", async () => {
    const t = await createTestDb("sqlite");
    try {
      await seedScores(t.db, SHOP);
      const a1 = await t.db.analysis.create({
        data: { shop: SHOP, asOf: new Date("2026-11-01"), horizonDays: 60, model: "m", metricsJson: "{}" },
      });
      await recordAnalysisSnapshot(t.db, SHOP, a1.id);
      // An analysis whose job ended before it recorded its snapshot.
      await t.db.analysis.create({
        data: {
          shop: SHOP,
          asOf: new Date("2026-12-01"),
          horizonDays: 60,
          model: "m",
          metricsJson: JSON.stringify({ period: { churnRate: 0.3 } }),
        },
      });
      const trends = await getTrends(t.db, SHOP);
      expect(trends.points.map((p) => [p.asOf.slice(0, 10), p.observedChurn])).toEqual([
        ["2026-11-01", null],
        ["2026-12-01", 0.3],
      ]);
      expect(trends.points[1].customers).toBe(await t.db.customerScore.count({ where: { shop: SHOP } }));
      // No moves without the segments before it; and the read stored nothing.
      expect(trends.moves).toBeNull();
      expect(await t.db.analysisSnapshot.count({ where: { shop: SHOP } })).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});

describe("plain dates and cohorts", () => {
  it("blanks cohort months not finished at the analysis date instead of showing 0%", () => {
    const rows = blankUnfinishedMonths(
      [{ cohort: "2026-10", customers: 10, retention: [1, 0.2, 0, 0] }],
      new Date("2026-11-20T00:00:00Z"),
    );
    expect(rows[0].retention).toEqual([1, null, null, null]); // October done; November in progress
  });

  it("shows instants in the shop's time zone with its offset", () => {
    expect(formatDateTime("2026-12-05T03:30:00Z", "America/New_York")).toBe("2026-12-04 22:30 UTC−5");
    expect(formatDateTime("2026-07-05T03:30:00Z", "Asia/Kolkata")).toBe("2026-07-05 09:00 UTC+5:30");
    expect(formatDate("2026-12-05T03:30:00Z", "America/New_York")).toBe("2026-12-04");
    expect(formatDateTime("2026-12-05T03:30:00Z")).toBe("2026-12-05 03:30 UTC");
    expect(formatDateTime("2026-12-05T03:30:00Z", "Not/AZone")).toBe("2026-12-05 03:30 UTC");
  });
});
