/**
 * saveAnalysis writes CustomerScore rows with raw SQL (one JSON parameter a statement). On SQLite and
 * PostgreSQL: the rows read back through Prisma as the analysis said, and each column is stored exactly
 * as Prisma's own createMany stores it, across more than one statement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeOrders } from "../../app/analytics/analyze";
import type { AnalysisResult } from "../../app/analytics/types";
import { rfmKey, saveAnalysis, setShopifyRfmGroups } from "../../app/models/scores.server";
import { generateShop } from "../helpers/generate-orders";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import { storedText } from "../helpers/stored-text";

const kinds = await databaseKinds();
const SHOP = "scores.myshopify.com";
const REF = "scores-ref.myshopify.com";
const AS_OF = new Date("2024-06-30T00:00:00Z");
const COLUMNS = [
  "customerId",
  "asOf",
  "orders",
  "firstOrderAt",
  "lastOrderAt",
  "recencyDays",
  "monetary",
  "aov",
  "r",
  "f",
  "m",
  "rfmSegment",
  "shopifyRfmGroup",
  "clusterKey",
  "churnProbability",
  "riskBand",
  "pAlive",
  "expectedOrders",
  "clv12m",
  "nextOrderDate",
  "typicalGapDays",
  "nextOrderEarliest",
  "nextOrderLatest",
  "clv12mLow",
  "clv12mHigh",
  "valueAtRisk",
  "reasonsJson",
  "recommendedJson",
] as const;

describe.each(kinds)("score writes on %s", (kind) => {
  let t: TestDb;
  let result: AnalysisResult;
  const recommendations = new Map<string, string[]>();
  beforeAll(async () => {
    t = await createTestDb(kind);
    const shop = generateShop({ customers: 300, seed: 11, end: AS_OF });
    result = analyzeOrders(shop.orders, { asOf: AS_OF, backtest: false });
    // Cover the nullable columns and text that needs escaping.
    result.customers[0].nextOrderDate = null;
    result.customers[0].nextOrderEarliest = null;
    result.customers[0].clv12mLow = null;
    result.customers[1].typicalGapDays = null;
    result.customers[2].shopifyRfmGroup = "AT_RISK";
    result.customers[3].customerId = `gid://shopify/Customer/quote'"\\é`;
    for (const c of result.customers.slice(0, 10))
      recommendations.set(c.customerId, ["gid://shopify/Product/1", "gid://shopify/Product/2"]);
  });
  afterAll(async () => t?.cleanup());

  it("stores every customer's score as the analysis says, in several statements", async () => {
    expect(result.customers.length).toBeGreaterThan(0);
    await saveAnalysis(t.db, SHOP, result, { recommendations, batchSize: 64 });
    const rows = new Map((await t.db.customerScore.findMany({ where: { shop: SHOP } })).map((r) => [r.customerId, r]));
    expect(rows.size).toBe(result.customers.length);
    const f16 = (x: number) => Number(x.toPrecision(16));
    for (const c of result.customers) {
      const r = rows.get(c.customerId)!;
      expect(r).toMatchObject({
        asOf: AS_OF,
        orders: c.orders,
        firstOrderAt: c.firstOrderAt,
        lastOrderAt: c.lastOrderAt,
        recencyDays: f16(c.recencyDays),
        monetary: f16(c.monetary),
        r: c.rfm.r,
        f: c.rfm.f,
        m: c.rfm.m,
        rfmSegment: rfmKey(c.rfmSegment),
        shopifyRfmGroup: c.shopifyRfmGroup ?? null,
        clusterKey: c.clusterKey,
        churnProbability: f16(c.churnProbability),
        riskBand: c.riskBand,
        clv12m: f16(c.clv12m),
        nextOrderDate: c.nextOrderDate,
        typicalGapDays: c.typicalGapDays === null ? null : f16(c.typicalGapDays),
        nextOrderEarliest: c.nextOrderEarliest,
        nextOrderLatest: c.nextOrderLatest,
        clv12mLow: c.clv12mLow === null ? null : f16(c.clv12mLow),
        clv12mHigh: c.clv12mHigh === null ? null : f16(c.clv12mHigh),
        valueAtRisk: f16(c.valueAtRisk),
        reasonsJson: JSON.stringify(c.reasons),
        recommendedJson: JSON.stringify(recommendations.get(c.customerId) ?? []),
      });
      expect(r.updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it("stores each column as Prisma's createMany does, and a re-save replaces the rows", async () => {
    const saved = await t.db.customerScore.findMany({ where: { shop: SHOP } });
    await t.db.customerScore.createMany({
      data: saved.map(({ shop: _s, updatedAt: _u, ...row }) => ({ ...row, shop: REF })),
    });
    expect(await storedText(t.db, kind, "CustomerScore", COLUMNS, SHOP, "customerId")).toEqual(
      await storedText(t.db, kind, "CustomerScore", COLUMNS, REF, "customerId"),
    );
    // A second analysis of fewer customers leaves no stale row behind.
    const fewer = { ...result, customers: result.customers.slice(0, 50) };
    await saveAnalysis(t.db, SHOP, fewer);
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBe(fewer.customers.length);
    expect(await t.db.customerScore.count({ where: { shop: REF } })).toBe(saved.length);
  });

  it("stores Shopify's RFM groups in a few statements, as Prisma's updateMany would", async () => {
    const rows = await t.db.customerScore.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
    const groups = new Map<string, string | null>(
      rows.map((r, i) => [r.customerId, i % 3 === 0 ? null : i % 3 === 1 ? "CHAMPIONS" : "AT_RISK"]),
    );
    await setShopifyRfmGroups(t.db, SHOP, groups);
    // The reference: the same groups through Prisma, one customer at a time, on the copy in REF.
    await t.db.customerScore.deleteMany({ where: { shop: REF } });
    await t.db.customerScore.createMany({
      data: rows.map(({ shop: _s, updatedAt: _u, ...row }) => ({ ...row, shop: REF })),
    });
    for (const [customerId, group] of groups)
      await t.db.customerScore.updateMany({ where: { shop: REF, customerId }, data: { shopifyRfmGroup: group } });
    const after = await t.db.customerScore.findMany({ where: { shop: SHOP } });
    expect(new Map(after.map((r) => [r.customerId, r.shopifyRfmGroup]))).toEqual(groups);
    for (const r of after) expect(r.updatedAt.getTime()).toBeGreaterThanOrEqual(rows[0].updatedAt.getTime());
    const cols = [...COLUMNS, "updatedAt"];
    // The update time differs between the two; its stored form must not (PostgreSQL drops trailing zeros of ms).
    const strip = (table: string[][]) =>
      table.map((row) =>
        row.map((v, i) => (cols[i] === "updatedAt" ? v.replace(/\d/g, "0").replace(/\.0+(?=[+']|$)/, "") : v)),
      );
    expect(strip(await storedText(t.db, kind, "CustomerScore", cols, SHOP, "customerId"))).toEqual(
      strip(await storedText(t.db, kind, "CustomerScore", cols, REF, "customerId")),
    );
  });
});
