/**
 * The JSON text columns (app/models/json-columns.server.ts): each column's writer and reader round-trip
 * (and an analysis saved by saveAnalysis reads back as the analysis said), a malformed stored value is
 * logged and read as the column's documented empty reading (the dashboard still renders), and the
 * dashboard's reading of Analysis.metricsJson is typed from app/analytics/evaluation/metrics.ts (the
 * `@ts-expect-error` lines below fail `npx tsc --noEmit` if that typing is lost).
 */
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi, type MockInstance } from "vitest";
import { analyzeOrders } from "../../app/analytics/analyze";
import { cohortMatrix, type PeriodMetrics, type StoreKpis } from "../../app/analytics/evaluation/metrics";
import { dayOf } from "../../app/analytics/data/purchase-history";
import type { AnalysisResult, BacktestResult } from "../../app/analytics/types";
import { cohortsFromMetrics } from "../../app/routes/app._index/charts.server";
import { getDashboard } from "../../app/routes/app._index/data.server";
import {
  readBacktest,
  readCentroid,
  readMetrics,
  readMoves,
  readOrderIds,
  readParams,
  readPublishDetails,
  readReasons,
  readRecommended,
  readRunDetails,
  readSegmentSizes,
  writeBacktest,
  writeCentroid,
  writeMetrics,
  writeMoves,
  writeOrderIds,
  writeParams,
  writePublishDetails,
  writeReasons,
  writeRecommended,
  writeRunDetails,
  writeSegmentSizes,
  type DeepPartial,
  type MetricsReading,
  type StoredMetrics,
} from "../../app/models/json-columns.server";
import { kpisFromMetrics } from "../../app/routes/app._index/kpis.server";
import { saveAnalysis } from "../../app/models/scores.server";
import { getTrends, recordAnalysisSnapshot } from "../../app/models/trends.server";
import { generateShop } from "../helpers/generate-orders";
import { createTestDb, type TestDb } from "../helpers/db";

const AS_OF = new Date("2024-06-30T00:00:00Z");

/** Complete stored metrics, from the analytics' own functions on a small shop. */
function storedMetrics(): StoredMetrics {
  const shop = generateShop({ customers: 120, seed: 5, end: AS_OF });
  const result = analyzeOrders(shop.orders, { asOf: AS_OF });
  return { ...result.metrics, skipped: result.skipped };
}

describe("each JSON column round-trips through its writer and reader", () => {
  it("Analysis.metricsJson: the analysis' metrics, previous period and cohorts included", () => {
    const metrics = storedMetrics();
    expect(metrics.previous).toBeDefined();
    expect(metrics.cohorts.length).toBeGreaterThan(0);
    expect(readMetrics(writeMetrics(metrics))).toEqual(metrics);
  });

  it("Analysis.backtestJson: the backtest with its as-of date as ISO text; none is {}", () => {
    const backtest: BacktestResult = {
      horizonDays: 90,
      asOf: new Date("2024-04-01T00:00:00Z"),
      customers: 40,
      model: "bgnbd+logistic",
      auc: 0.77,
      brier: 0.18,
      meanPredicted: 0.41,
      observedChurn: 0.44,
      recencyAuc: 0.7,
      ece: 0.03,
      calibration: [{ from: 0, to: 0.1, customers: 3, meanPredicted: 0.05, observed: null }],
      logLoss: 0.52,
      predictedChurnRateLow: 0.38,
      predictedChurnRateHigh: 0.45,
    };
    expect(readBacktest(writeBacktest(backtest))).toEqual({ ...backtest, asOf: "2024-04-01T00:00:00.000Z" });
    expect(writeBacktest(null)).toBe("{}");
    expect(readBacktest(writeBacktest(null))).toBeNull();
  });

  it("Analysis.paramsJson, CustomerScore.reasonsJson and recommendedJson, Segment.centroidJson", () => {
    const params = {
      bgnbd: { r: 0.3, alpha: 12, a: 0.8, b: 2.1, timeUnitDays: 7, logLikelihood: -1234.5, variant: "mbgnbd" as const },
      gammaGamma: null,
      clusters: [{ key: "loyal", name: "Loyal regulars", size: 12, centroid: { recencyDays: 20, frequency: 3 } }],
      details: { ordersUsed: 300, timeZone: "UTC" },
      notes: ["a note"],
    };
    expect(readParams(writeParams(params))).toEqual(params);
    const reasons = ["Last order 120 days ago, 3× their usual gap", `Quotes "and" \\ back-slashes é`];
    expect(readReasons(writeReasons(reasons))).toEqual(reasons);
    const recommended = ["gid://shopify/Product/3", "gid://shopify/Product/1"];
    expect(readRecommended(writeRecommended(recommended))).toEqual(recommended);
    expect(readCentroid(writeCentroid({ recencyDays: 20.4, frequency: 3.33 }))).toEqual({
      recencyDays: 20.4,
      frequency: 3.33,
    });
    expect(readCentroid(writeCentroid({}))).toEqual({});
  });

  it("SyncRun.detailsJson: any run's details, and a publish's report without its run id", () => {
    const details = {
      warnings: ["Only 60 days of history"],
      problems: ["line 3: no id"],
      phase: "done",
      bulkObjectCount: 9100,
      removedOrders: 2,
    };
    expect(readRunDetails(writeRunDetails(details))).toEqual(details);
    // A run without a sync's lists (an analyze or publish run) reads with empty ones.
    expect(readRunDetails(JSON.stringify({ timingsMs: { total: 5 } }))).toEqual({
      warnings: [],
      problems: [],
      timingsMs: { total: 5 },
    });
    const report = {
      runId: "run-1",
      note: "Auto-tag is off: preview only",
      customers: 5,
      customersChanged: 3,
      tagsAdded: 4,
      tagsRemoved: 1,
      perTag: { "churnless:risk:high": { added: 2, removed: 0 } },
      atLimit: { count: 1, customerIds: ["gid://shopify/Customer/1"] },
    };
    const text = writePublishDetails(report);
    expect(JSON.parse(text)).not.toHaveProperty("runId");
    const { runId: _runId, ...withoutId } = report;
    expect(readPublishDetails(text)).toEqual(withoutId);
  });

  it("AnalysisSnapshot.segmentsJson and movesJson; the orderIdsJson of redactions and data requests", () => {
    expect(readSegmentSizes(writeSegmentSizes({ champions: 4, at_risk: 2 }))).toEqual({ champions: 4, at_risk: 2 });
    const moves = [{ from: "champions", to: "at_risk", customers: 3 }];
    expect(readMoves(writeMoves(moves))).toEqual(moves);
    const orderIds = ["gid://shopify/Order/1", "gid://shopify/Order/2"];
    expect(readOrderIds(writeOrderIds(orderIds))).toEqual(orderIds);
  });

  it("the cohort matrix is the analysis' own (app/analytics/evaluation/metrics.ts), read back for the dashboard", () => {
    // Customers 1 (Jan, Feb, Mar), 3 (Jan) and 5 (Feb, Mar): the hand-checked case test/models/customers.test.ts had.
    const d = (s: string) => dayOf(new Date(s));
    const histories = [
      {
        customerId: "1",
        occasionDays: [d("2026-01-10"), d("2026-02-10"), d("2026-03-10")],
        occasionValues: [50, 51, 52],
      },
      { customerId: "3", occasionDays: [d("2026-01-10")], occasionValues: [50] },
      { customerId: "5", occasionDays: [d("2026-02-10"), d("2026-03-10")], occasionValues: [50, 51] },
    ];
    const metrics = { ...storedMetrics(), cohorts: cohortMatrix(histories, d("2026-03-31")) };
    expect(cohortsFromMetrics(readMetrics(writeMetrics(metrics)), 3, new Date("2026-04-01T00:00:00Z"))).toEqual([
      { cohort: "2026-01", customers: 2, retention: [1, 0.5, 0.5] },
      { cohort: "2026-02", customers: 1, retention: [1, 1] },
    ]);
    // The month in progress at the as-of date is blank (null), not a drop.
    expect(
      cohortsFromMetrics(readMetrics(writeMetrics(metrics)), 3, new Date("2026-03-31T00:00:00Z"))?.[1].retention,
    ).toEqual([1, null]);
  });
});

describe("a malformed stored value is logged and read as the column's empty reading", () => {
  let errors: MockInstance<typeof console.error>;
  beforeAll(() => {
    errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => errors.mockClear());
  afterAll(() => errors.mockRestore());

  const logged = () => errors.mock.calls.map((c) => String(c[0]));

  it("not JSON, or JSON of another shape: null, [], {} or empty details, with the column and row in the log", () => {
    expect(readMetrics("{not json", "analysis a1")).toBeNull();
    expect(logged()[0]).toMatch(
      /^\[json-columns\] Analysis\.metricsJson \(analysis a1\) is not JSON .*; read as no metrics$/,
    );
    // The shapes the old readers guessed at (repeatRate, kpis.*, a string number) are not the analysis' metrics.
    expect(readMetrics(JSON.stringify({ customers: "12" }))).toBeNull();
    expect(readMetrics(JSON.stringify({ period: { churnRate: "high" } }))).toBeNull();
    expect(readMetrics(JSON.stringify({ cohorts: [{ cohort: "2026-01", customers: 3, retention: [1] }] }))).toBeNull();
    expect(logged()[1]).toMatch(
      /Analysis\.metricsJson does not match its schema \(customers: Expected number, received string\)/,
    );
    expect(readBacktest(JSON.stringify({ auc: "0.8" }))).toBeNull();
    expect(readParams("[]")).toBeNull();
    expect(readReasons(JSON.stringify([{ text: "a reason" }]))).toEqual([]);
    expect(readRecommended(JSON.stringify([{ productId: "gid://shopify/Product/1", score: 0.5 }]))).toEqual([]);
    expect(readCentroid(JSON.stringify({ recencyDays: "20" }))).toEqual({});
    expect(readRunDetails(JSON.stringify({ warnings: "none" }))).toEqual({ warnings: [], problems: [] });
    expect(readRunDetails("null")).toEqual({ warnings: [], problems: [] });
    expect(readPublishDetails(JSON.stringify({ perTag: { x: { add: 1, remove: 0 } } }))).toEqual({});
    expect(readSegmentSizes("[1,2]")).toEqual({});
    expect(readMoves(JSON.stringify([{ from: "a", to: "b" }]))).toEqual([]);
    expect(readOrderIds(JSON.stringify({ ids: [] }))).toEqual([]);
    expect(logged()).toHaveLength(15);
    for (const line of logged())
      expect(line).toMatch(/^\[json-columns\] \S+Json.* (is not JSON|does not match its schema)/);
  });

  it("an absent value, or the column's default, is no reading and no error", () => {
    expect(readMetrics(null)).toBeNull();
    expect(readMetrics("{}")).toBeNull();
    expect(readBacktest("{}")).toBeNull();
    expect(readRecommended(undefined)).toEqual([]);
    expect(readRunDetails("")).toEqual({ warnings: [], problems: [] });
    expect(logged()).toEqual([]);
  });

  describe("the dashboard over malformed analysis columns", () => {
    let t: TestDb;
    const SHOP = "malformed.myshopify.com";
    beforeAll(async () => {
      t = await createTestDb("sqlite");
      const common = { shop: SHOP, asOf: new Date("2026-11-01"), horizonDays: 90, model: "bgnbd" };
      await t.db.analysis.create({
        data: {
          ...common,
          metricsJson: JSON.stringify({ repeatPurchaseRate: 0.5 }),
          createdAt: new Date("2026-10-01"),
        },
      });
      const latest = await t.db.analysis.create({
        data: {
          ...common,
          metricsJson: "{truncated",
          backtestJson: JSON.stringify({ auc: "good" }),
          createdAt: new Date("2026-11-01"),
        },
      });
      await t.db.analysisSnapshot.create({
        data: {
          analysisId: latest.id,
          shop: SHOP,
          asOf: common.asOf,
          horizonDays: 90,
          customers: 0,
          segmentsJson: "oops",
          movesJson: "{}",
          previousAnalysisId: "x",
        },
      });
    });
    afterAll(async () => t?.cleanup());

    it("renders without the analysis' figures: no change, no cohorts, no backtest, no trend segments or moves", async () => {
      const d = await getDashboard(t.db, SHOP);
      expect(d.kpis.map((k) => k.key)).toEqual(["customers", "repeatRate", "churnRate", "revenueAtRisk", "medianClv"]);
      expect(d.kpis.find((k) => k.key === "churnRate")?.label).toBe("Churn rate (predicted)");
      expect(d.cohorts).toBeNull();
      expect(d.backtest).toBeNull();
      expect(d.trends.points[0].segments).toEqual({});
      expect(d.trends.moves).toEqual([]);
      const lines = logged();
      expect(lines.some((l) => /Analysis\.metricsJson \(analysis \w+\) is not JSON/.test(l))).toBe(true);
      expect(
        lines.some((l) =>
          /Analysis\.backtestJson \(analysis \w+\) does not match its schema \(auc: Expected number/.test(l),
        ),
      ).toBe(true);
      expect(lines.some((l) => /AnalysisSnapshot\.segmentsJson \(snapshot of analysis \w+\) is not JSON/.test(l))).toBe(
        true,
      );
      expect(lines.some((l) => /AnalysisSnapshot\.movesJson .*does not match its schema/.test(l))).toBe(true);
    });
  });
});

describe("an analysis saved by saveAnalysis reads back as the analysis said", () => {
  let t: TestDb;
  let result: AnalysisResult;
  const SHOP = "roundtrip.myshopify.com";
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    result = analyzeOrders(generateShop({ customers: 150, seed: 3, end: AS_OF }).orders, { asOf: AS_OF });
    const recommendations = new Map(
      result.customers
        .slice(0, 5)
        .map((c) => [c.customerId, ["gid://shopify/Product/1001", "gid://shopify/Product/1002"]]),
    );
    await saveAnalysis(t.db, SHOP, result, { recommendations });
  });
  afterAll(async () => t?.cleanup());

  it("metrics, backtest, parameters, reasons, recommendations, centroids, and the snapshot's figures", async () => {
    const analysis = await t.db.analysis.findFirstOrThrow({ where: { shop: SHOP } });
    expect(readMetrics(analysis.metricsJson)).toEqual({ ...result.metrics, skipped: result.skipped });
    expect(readBacktest(analysis.backtestJson)).toEqual(JSON.parse(JSON.stringify(result.backtest)));
    expect(readParams(analysis.paramsJson)?.clusters.map((c) => c.key)).toEqual(result.clusters.map((c) => c.key));
    const scores = new Map(
      (await t.db.customerScore.findMany({ where: { shop: SHOP } })).map((s) => [s.customerId, s]),
    );
    for (const c of result.customers) expect(readReasons(scores.get(c.customerId)!.reasonsJson)).toEqual(c.reasons);
    expect(readRecommended(scores.get(result.customers[0].customerId)!.recommendedJson)).toEqual([
      "gid://shopify/Product/1001",
      "gid://shopify/Product/1002",
    ]);
    expect(readRecommended(scores.get(result.customers[10].customerId)!.recommendedJson)).toEqual([]);
    for (const cl of result.clusters) {
      const row = await t.db.segment.findFirstOrThrow({ where: { shop: SHOP, kind: "cluster", key: cl.key } });
      expect(readCentroid(row.centroidJson)).toEqual(cl.centroid);
    }
    await recordAnalysisSnapshot(t.db, SHOP, analysis.id);
    const trends = await getTrends(t.db, SHOP);
    expect(trends.points[0].observedChurn).toBe(result.metrics.period.churnRate);
    expect(Object.values(trends.points[0].segments).reduce((s, n) => s + n, 0)).toBe(result.customers.length);
  });
});

describe("the dashboard's reading is typed from app/analytics/evaluation/metrics.ts (checked by tsc)", () => {
  it("has the analytics' field names and no others", () => {
    const m = readMetrics(writeMetrics(storedMetrics()));
    expect(m?.repeatPurchaseRate).toBeGreaterThan(0);
    // @ts-expect-error repeatRate is not a field of the analysis' metrics (repeatPurchaseRate is): a guessed name fails to compile
    expect(m?.repeatRate).toBeUndefined();
    // @ts-expect-error kpis.* was never written
    expect(m?.kpis).toBeUndefined();
    // @ts-expect-error the previous period's figures are `previous`, never `prev`
    expect(m?.prev).toBeUndefined();
    expectTypeOf<NonNullable<MetricsReading["period"]>>().toEqualTypeOf<DeepPartial<PeriodMetrics>>();
    expectTypeOf(kpisFromMetrics).parameter(0).toEqualTypeOf<DeepPartial<StoreKpis>>();
    // @ts-expect-error the KPI reader takes StoreKpis' names (medianClv12m), not the dashboard's (medianClv)
    kpisFromMetrics({ medianClv: 70 });
  });
});
