/** The analyze job against a real database (SQLite, and PostgreSQL when reachable). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { runAnalyze } from "../../../app/jobs/analyze/run.server";
import { loadPreviousClusters } from "../../../app/models/scores.server";
import { upsertOrders } from "../../../app/models/orders.server";
import { generateShop } from "../../helpers/generate-orders";

const kinds = await databaseKinds();
const SHOP = "analytics.myshopify.com";
const OTHER = "other.myshopify.com";
const AS_OF = new Date("2024-06-30T00:00:00Z");

describe.each(kinds)("runAnalyze on %s", (kind) => {
  let t: TestDb;
  const shop = generateShop({ customers: 400, seed: 5, end: AS_OF }); // more than 999 orders and line items
  beforeAll(async () => {
    t = await createTestDb(kind);
    await upsertOrders(t.db, SHOP, shop.orders);
    await t.db.product.createMany({ data: shop.products.map((p) => ({ shop: SHOP, ...p })) });
    // Another shop's data must not leak in.
    await upsertOrders(
      t.db,
      OTHER,
      generateShop({ customers: 20, seed: 9, end: AS_OF }).orders.map((o) => ({
        ...o,
        customerId: o.customerId && `${o.customerId}9`,
      })),
    );
  });
  afterAll(async () => t?.cleanup());

  it("scores every customer, stores segments, the analysis, recommendations and a SyncRun", async () => {
    const res = await runAnalyze(t.db, SHOP, { asOf: AS_OF });
    const expected = new Set(
      shop.orders
        .filter(
          (o) =>
            o.customerId &&
            !o.test &&
            !o.cancelledAt &&
            !(o.refunded >= o.total) &&
            o.processedAt < new Date("2024-07-01"),
        )
        .map((o) => o.customerId),
    );
    expect(res.customers).toBe(expected.size);
    const scores = await t.db.customerScore.findMany({ where: { shop: SHOP } });
    expect(scores).toHaveLength(expected.size);
    expect(await t.db.customerScore.count({ where: { shop: OTHER } })).toBe(0);
    for (const s of scores) {
      expect(s.churnProbability).toBeGreaterThanOrEqual(0);
      expect(s.churnProbability).toBeLessThanOrEqual(1);
      expect(JSON.parse(s.reasonsJson).length).toBeGreaterThan(0);
      const recs = JSON.parse(s.recommendedJson) as string[];
      expect(recs.length).toBeGreaterThanOrEqual(8);
      expect(recs[0]).toMatch(/^gid:\/\/shopify\/Product\//);
      expect(s.rfmSegment).toMatch(/^[a-z_]+$/);
    }
    const segments = await t.db.segment.findMany({ where: { shop: SHOP } });
    const clusters = segments.filter((s) => s.kind === "cluster");
    expect(clusters.reduce((sum, s) => sum + s.size, 0)).toBe(expected.size);
    expect(segments.filter((s) => s.kind === "rfm").reduce((sum, s) => sum + s.size, 0)).toBe(expected.size);
    expect(
      segments
        .filter((s) => s.kind === "risk")
        .map((s) => s.key)
        .sort(),
    ).toEqual(expect.arrayContaining(["high"]));
    expect(Math.abs(clusters.reduce((sum, s) => sum + s.revenueShare, 0) - 1)).toBeLessThan(1e-9);
    expect(JSON.parse(clusters[0].centroidJson)).toHaveProperty("recencyDays");
    const analysis = await t.db.analysis.findUnique({ where: { id: res.analysisId } });
    expect(analysis!.model).toBe(res.model);
    expect(JSON.parse(analysis!.metricsJson).customers).toBe(expected.size);
    const run = await t.db.syncRun.findFirst({ where: { shop: SHOP, kind: "analyze" } });
    expect(run!.status).toBe("succeeded");
    expect(run!.customersCount).toBe(expected.size);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))!.lastAnalysisAt).not.toBeNull();
  });

  it("keeps cluster keys and the merchant's names on a re-run, and deactivates vanished segments", async () => {
    const before = await loadPreviousClusters(t.db, SHOP);
    await t.db.segment.updateMany({
      where: { shop: SHOP, kind: "cluster", key: before[0].key },
      data: { customName: "My best people" },
    });
    await runAnalyze(t.db, SHOP, { asOf: new Date("2024-07-02T00:00:00Z") });
    const after = await t.db.segment.findMany({ where: { shop: SHOP, kind: "cluster" } });
    expect(
      after
        .filter((s) => s.active)
        .map((s) => s.key)
        .sort(),
    ).toEqual(before.map((c) => c.key).sort());
    expect(after.find((s) => s.key === before[0].key)!.customName).toBe("My best people");
    expect(await t.db.analysis.count({ where: { shop: SHOP } })).toBe(2);
    // The merchant asks for the fewest clusters there are (3): the unmatched ones become inactive, renames stay.
    expect(before.length).toBeGreaterThan(3);
    await t.db.shop.update({ where: { shop: SHOP }, data: { clusterK: 3 } });
    await runAnalyze(t.db, SHOP, { asOf: new Date("2024-07-02T00:00:00Z") });
    const fewer = await t.db.segment.findMany({ where: { shop: SHOP, kind: "cluster" } });
    expect(fewer.filter((s) => s.active)).toHaveLength(3);
    expect(fewer.filter((s) => !s.active).length).toBeGreaterThanOrEqual(before.length - 3);
    for (const s of fewer.filter((x) => !x.active)) expect(s.size).toBe(0);
    expect(fewer.find((s) => s.key === before[0].key)!.customName).toBe("My best people");
    expect(
      await t.db.customerScore.count({
        where: { shop: SHOP, clusterKey: { in: fewer.filter((x) => !x.active).map((x) => x.key) } },
      }),
    ).toBe(0);
    await t.db.shop.update({ where: { shop: SHOP }, data: { clusterK: null } });
  });

  it("records a failed run with its error", async () => {
    await t.db.shop.update({ where: { shop: SHOP }, data: { churnHorizonDays: -5 } });
    await expect(runAnalyze(t.db, SHOP, { asOf: AS_OF })).rejects.toThrow(/horizonDays > 0/);
    const failed = await t.db.syncRun.findFirst({ where: { shop: SHOP, kind: "analyze", status: "failed" } });
    expect(failed!.error).toMatch(/horizonDays/);
    await t.db.shop.update({ where: { shop: SHOP }, data: { churnHorizonDays: null } });
  });
});
