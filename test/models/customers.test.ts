/**
 * The admin's read models against small hand-checked data, on SQLite and PostgreSQL: the customer table
 * (server-side filters, sort, pages, CSV) and the dashboard (KPIs, charts, cohorts), always per shop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import { InvalidQueryError, listCustomers, parseCustomerQuery } from "../../app/routes/app/customer-list.server";
import { customersCsv } from "../../app/routes/app.customers.export/data.server";
import { getCustomer } from "../../app/routes/app.customers.$id/data.server";
import { listSegments } from "../../app/routes/app/segment-list.server";
import { getSegment } from "../../app/routes/app.segments.$key/data.server";
import { renameCluster } from "../../app/models/segments.server";
import { churnRiskDistribution, computeKpis, getDashboard, getPreview } from "../../app/routes/app._index/data.server";
import { gid, OTHER, SCORES, seedOrders, seedScores, SHOP } from "../helpers/app-fixtures";

const kinds = await databaseKinds();
const q = (s: string) => parseCustomerQuery(new URLSearchParams(s));

async function csvOf(t: TestDb, query: string, batch = 2): Promise<string[][]> {
  let text = "";
  for await (const chunk of customersCsv(t.db, SHOP, q(query), batch)) text += chunk;
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

describe.each(kinds)("admin read models on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedScores(t.db, SHOP);
    // The other shop has a customer who would top every sort: it must never show up.
    await seedScores(t.db, OTHER, [
      {
        id: 99,
        orders: 50,
        monetary: 99999,
        clv: 99999,
        churn: 0.99,
        band: "high",
        rfm: "at_risk",
        cluster: "one-timers",
      },
    ]);
    await seedOrders(t.db, SHOP, 1, 3, "2026-01"); // Jan, Feb, Mar
    await seedOrders(t.db, SHOP, 3, 1, "2026-01"); // Jan only
    await seedOrders(t.db, SHOP, 5, 2, "2026-02"); // Feb, Mar
    await t.db.analysis.create({
      data: {
        shop: SHOP,
        asOf: new Date("2026-11-01"),
        horizonDays: 90,
        model: "bgnbd",
        metricsJson: JSON.stringify({ repeatPurchaseRate: 0.5, medianClv12m: 70 }),
        createdAt: new Date("2026-10-01"),
      },
    });
    await t.db.analysis.create({
      data: {
        shop: SHOP,
        asOf: new Date("2026-11-01"),
        horizonDays: 90,
        model: "bgnbd+logistic",
        backtestJson: JSON.stringify({
          auc: 0.81,
          recencyAuc: 0.7,
          customers: 5,
          brier: 0.1,
          meanPredicted: 0.4,
          observedChurn: 0.42,
          ece: 0.042,
          calibration: [
            { from: 0, to: 0.1, customers: 0, meanPredicted: null, observed: null },
            { from: 0.1, to: 0.2, customers: 2, meanPredicted: 0.15, observed: 0 },
            { from: 0.8, to: 0.9, customers: 3, meanPredicted: 0.85, observed: 2 / 3 },
          ],
        }),
        // The shop's predicted churn rate with its range (analytics churnRateRange).
        // The figures it recorded (the scores': repeat 3 of 5, median CLV 80) are what changes are measured on.
        metricsJson: JSON.stringify({
          predictedChurnRateLow: 0.31,
          predictedChurnRateHigh: 0.52,
          repeatPurchaseRate: 0.6,
          medianClv12m: 80,
        }),
        createdAt: new Date("2026-11-01"),
      },
    });
  });
  afterAll(async () => t?.cleanup());

  it("sorts on the server, with stable pages", async () => {
    // Savable customers first: the default sort is value at risk (fixtures: churn × CLV), highest first.
    const byValueAtRisk = await listCustomers(t.db, SHOP, q(""));
    expect(byValueAtRisk.total).toBe(5);
    expect(byValueAtRisk.rows.map((r) => r.numericId)).toEqual(["5", "3", "4", "1", "2"]);
    const byChurn = await listCustomers(t.db, SHOP, q("sort=churnProbability"));
    expect(byChurn.rows.map((r) => r.numericId)).toEqual(["4", "2", "3", "5", "1"]);
    const byClvAsc = await listCustomers(t.db, SHOP, q("sort=clv12m&direction=asc"));
    expect(byClvAsc.rows.map((r) => r.clv12m)).toEqual([20, 35, 80, 150, 300]);
    const page1 = await listCustomers(t.db, SHOP, q("sort=monetary&page=1"), 2);
    const page3 = await listCustomers(t.db, SHOP, q("sort=monetary&page=3"), 2);
    expect(page1.pageCount).toBe(3);
    expect(page1.rows.map((r) => r.monetary)).toEqual([500, 250]);
    expect(page3.rows.map((r) => r.monetary)).toEqual([40]);
    // Past the last page: the last page.
    expect((await listCustomers(t.db, SHOP, q("sort=monetary&page=9"), 2)).page).toBe(3);
  });

  it("filters by segment, risk band and CLV range", async () => {
    expect((await listCustomers(t.db, SHOP, q("risk=high"))).rows.map((r) => r.numericId)).toEqual(["4", "2"]);
    expect((await listCustomers(t.db, SHOP, q("segment=rfm:at_risk&clvMin=30"))).rows.map((r) => r.numericId)).toEqual([
      "4",
    ]);
    const cluster = await listCustomers(
      t.db,
      SHOP,
      q("segment=cluster:loyal-regulars&clvMax=150&sort=clv12m&direction=desc"),
    );
    expect(cluster.rows.map((r) => [r.numericId, r.clusterName])).toEqual([
      ["5", "Loyal regulars"],
      ["3", "Loyal regulars"],
    ]);
    expect(cluster.segments.map((s) => s.value)).toContain("cluster:one-timers");
  });

  it("rejects bad parameters with a clear message", () => {
    expect(() => q("sort=email")).toThrow(InvalidQueryError);
    expect(() => q("sort=email")).toThrow(/Unknown sort "email"/);
    expect(() => q("risk=extreme")).toThrow(/low, medium or high/);
    expect(() => q("clvMin=abc")).toThrow(/Minimum CLV must be a number/);
    expect(() => q("clvMin=10&clvMax=5")).toThrow(/above maximum/);
    expect(() => q("page=0")).toThrow(/Page must be/);
    expect(() => q("segment=drop table")).toThrow(/Segment must look like/);
  });

  it("exports the current filter as CSV, in batches, with every matching row once", async () => {
    const rows = await csvOf(t, "risk=high&sort=clv12m&direction=asc", 1);
    const col = (name: string) => rows[0].indexOf(name);
    expect(rows[0].slice(0, 4)).toEqual(["customer_number", "name", "email", "value_at_risk"]);
    expect(
      rows
        .slice(1)
        .map((r) => [
          r[0],
          r[col("predicted_clv_12m")],
          r[col("churn_probability")],
          r[col("risk_band")],
          r[col("rfm_segment")],
          r[col("shopify_customer_id")],
        ]),
    ).toEqual([
      ["2", "20.00", "0.8500", "high", "At risk", gid(2)],
      ["4", "35.00", "0.9200", "high", "At risk", gid(4)],
    ]);
    expect((await csvOf(t, "", 2)).length).toBe(1 + SCORES.length);
  });

  it("reads one customer with orders, reasons and recommendations, and nothing from another shop", async () => {
    const c = await getCustomer(t.db, SHOP, "1");
    expect(c?.score?.churnProbability).toBe(0.1);
    expect(c?.orders.map((o) => o.total)).toEqual([50, 51, 52]);
    expect(c?.orders[0].items).toBe(1);
    expect(c?.reasons).toEqual(["reason one for 1", "reason two"]);
    expect(c?.recommendations.map((r) => r.productId)).toEqual(["gid://shopify/Product/9"]);
    expect(c?.adminUrl).toBe("https://admin.shopify.com/store/alpha/customers/1");
    expect(await getCustomer(t.db, SHOP, "99")).toBeNull();
    // P(alive) is shown unless it is BG/NBD's artefact for a one-time buyer (at the cap).
    expect(c?.score?.pAliveKnown).toBe(true);
    expect((await getCustomer(t.db, SHOP, "2"))?.score?.pAliveKnown).toBe(true); // one-time buyer, 0.15
    await t.db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: gid(4) } },
      data: { pAlive: 0.999 },
    });
    expect((await getCustomer(t.db, SHOP, "4"))?.score?.pAliveKnown).toBe(false);
    await t.db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: gid(4) } },
      data: { pAlive: 1 - 0.92 },
    });
    await expect(getCustomer(t.db, SHOP, "1 OR 1=1")).rejects.toThrow(InvalidQueryError);
  });

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

  it("renames a cluster for this shop only, and an empty name restores the generated one", async () => {
    await renameCluster(t.db, SHOP, "one-timers", "  Tried us once ");
    expect((await listSegments(t.db, SHOP, "cluster")).find((s) => s.key === "one-timers")?.name).toBe("Tried us once");
    expect((await listSegments(t.db, OTHER)).find((s) => s.key === "one-timers")?.name).toBe("One-timers");
    await renameCluster(t.db, SHOP, "one-timers", "");
    expect((await listSegments(t.db, SHOP, "cluster")).find((s) => s.key === "one-timers")?.name).toBe("One-timers");
    await expect(renameCluster(t.db, SHOP, "nope", "x")).rejects.toThrow(/No cluster "nope"/);
    expect((await getSegment(t.db, SHOP, "rfm:at_risk"))?.size).toBe(2);
    expect(await getSegment(t.db, SHOP, "rfm:nope")).toBeNull();
    expect(await getSegment(t.db, SHOP, "bad filter")).toBeNull();
    await expect(renameCluster(t.db, SHOP, "one-timers", "x".repeat(61))).rejects.toThrow(/at most 60/);
  });
});
