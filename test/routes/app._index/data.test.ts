/**
 * The dashboard's read rules on a real database and by hand-checked values: "What to do next" shows each
 * action once, ordered by revenue at stake; moves between segments are counted; cohort months not
 * finished are blank; dates show in the shop's time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import {
  churnRiskDistribution,
  computeKpis,
  getDashboard,
  getPreview,
  nextActions,
} from "../../../app/routes/app._index/data.server";
import { blankUnfinishedMonths } from "../../../app/routes/app._index/charts.server";
import { countMoves, getTrends, recordAnalysisSnapshot } from "../../../app/models/trends.server";
import type { SegmentView } from "../../../app/routes/app/segment-list.server";
import { formatDate, formatDateTime } from "../../../app/components/format";
import { gid, OTHER, seedAdminShops, seedScores, SHOP } from "../../helpers/app-fixtures";

const kinds = await databaseKinds();

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

describe.each(kinds)("the dashboard from hand-checked scores on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedAdminShops(t.db);
  });
  afterAll(async () => t?.cleanup());

  it("computes the KPIs from the scores (hand-checked)", async () => {
    const k = await computeKpis(t.db, SHOP);
    expect(k.customers).toBe(5);
    expect(k.repeatRate).toBeCloseTo(3 / 5, 12); // customers 1, 3, 5 ordered twice or more
    expect(k.churnRate).toBeCloseTo((0.1 + 0.85 + 0.55 + 0.92 + 0.3) / 5, 12);
    expect(k.revenueAtRisk).toBeCloseTo(0.1 * 300 + 0.85 * 20 + 0.55 * 80 + 0.92 * 35 + 0.3 * 150, 9); // Σ p × CLV = 168.2
    expect(k.medianClv).toBe(80); // 20 35 80 150 300
  });

  it("builds the dashboard: change vs the previous analysis, risk buckets, cohorts, backtest, plays", async () => {
    const d = await getDashboard(t.db, SHOP);
    const kpi = Object.fromEntries(d.kpis.map((k) => [k.key, k]));
    expect(kpi.repeatRate.change).toBeCloseTo(0.6 - 0.5, 12);
    expect(kpi.medianClv.change).toBe(10);
    expect(kpi.customers.change).toBeNull();
    expect(d.analysis?.horizonDays).toBe(90);
    expect(d.backtest?.auc).toBe(0.81);
    expect(d.backtest?.verdict).toMatch(/^Strong/);
    // The trust card's calibration: ECE and the curve's bins that have customers.
    expect(d.backtest?.ece).toBe(0.042);
    expect(d.backtest?.calibration).toEqual([
      { from: 0.1, to: 0.2, customers: 2, predicted: 0.15, observed: 0 },
      { from: 0.8, to: 0.9, customers: 3, predicted: 0.85, observed: 2 / 3 },
    ]);
    // The predicted churn rate comes with its range; value at risk says what it counts, once.
    expect(kpi.churnRate.comparison).toContain("About 90% range: 31.0% to 52.0%");
    expect(kpi.revenueAtRisk.help).toMatch(
      /chance they are gone × what they would spend in the next 12 months if still active/,
    );
    expect(kpi.revenueAtRisk.help).toMatch(/counted once/);
    expect(d.bySegment.find((s) => s.key === "at_risk")).toEqual({
      key: "at_risk",
      label: "At risk",
      customers: 2,
      revenue: 100,
    });
    const risk = await churnRiskDistribution(t.db, SHOP);
    expect(risk.map((b) => b.customers)).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
    expect(d.segments.find((s) => s.key === "at_risk")?.shopifySegmentUrl).toBe(
      "https://admin.shopify.com/store/alpha/customers/segments/77",
    );
  });

  it("takes the observed churn and the cohorts from the analysis' store metrics when it has them", async () => {
    await t.db.analysis.create({
      data: {
        shop: SHOP,
        asOf: new Date("2026-11-02"),
        horizonDays: 60,
        model: "bgnbd",
        createdAt: new Date("2026-11-02"),
        metricsJson: JSON.stringify({
          repeatPurchaseRate: 0.6,
          period: { churnRate: 0.4 },
          previousPeriod: { churnRate: 0.35 },
          cohorts: [
            { cohort: "2026-02", size: 10, retention: [1, 0.3] },
            { cohort: "2026-01", size: 20, retention: [1, 0.25, 0.2] },
          ],
        }),
      },
    });
    const d = await getDashboard(t.db, SHOP);
    const churn = d.kpis.find((k) => k.key === "churnRate");
    expect(churn?.value).toBe(0.4);
    expect(churn?.change).toBeCloseTo(0.05, 12);
    expect(churn?.help).toMatch(/last 60 days/);
    expect(d.cohorts).toEqual([
      { cohort: "2026-01", customers: 20, retention: [1, 0.25, 0.2] },
      { cohort: "2026-02", customers: 10, retention: [1, 0.3] },
    ]);
    await t.db.analysis.deleteMany({ where: { shop: SHOP, horizonDays: 60 } });
  });

  it("summarises the latest publish preview in words", async () => {
    expect(await getPreview(t.db, SHOP)).toBeNull();
    await t.db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "preview",
        status: "succeeded",
        detailsJson: JSON.stringify({
          customers: 1333,
          customersChanged: 1271,
          tagsAdded: 4,
          tagsRemoved: 1,
          perTag: {
            "churnless:risk:high": { added: 2, removed: 0 },
            "churnless:segment:champions": { added: 1, removed: 1 },
            "churnless:segment:new": { added: 1, removed: 0 },
          },
          atLimit: { count: 1, customerIds: [] },
        }),
      },
    });
    expect((await getPreview(t.db, SHOP))?.lines).toEqual([
      "1,271 of 1,333 customers would get different tags",
      "4 tags would be added and 1 removed",
      // Every kind of change with its count (segment-tag additions were left out when only the top tags showed).
      "Segment tags: 2 added, 1 removed",
      "Churn-risk tags: 2 added, 0 removed",
      "churnless:risk:high: +2 / −0",
      "churnless:segment:champions: +1 / −1",
      "churnless:segment:new: +1 / −0",
      "1 customer already at Shopify's limit of 250 tags: skipped",
    ]);
    expect(await getPreview(t.db, OTHER)).toBeNull();
  });
});
