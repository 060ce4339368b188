/**
 * The write-back besides tags: app metafields (definitions, batches of 25, only changed values), Shopify
 * segments kept in step with the app's segments, Flow triggers fired only when a band / segment changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { recordFlowLifecycle } from "../../../app/models/flow-triggers.server";
import { FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_TRIGGERS } from "../../../app/shopify/flow.server";
import { APP_METAFIELD_DEFINITIONS } from "../../../app/shopify/metafields.server";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { adminFor, buildFixture, cloneData, insertScores, recording } from "./fixture";

describe("metafields, segments and Flow", () => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ customers: 30, seed: 21, unscoredShare: 0 });
  const shop = fx.data.shop;
  const ops = (from: number) =>
    standin
      .calls(shop)
      .slice(from)
      .map((c) => c.operation);

  beforeAll(async () => {
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      flowTriggerHandles: [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED],
    });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await updateShopSettings(t.db, shop, { autoTag: true });
    // A workflow uses each trigger (Flow's lifecycle callback said so): otherwise the publish skips them.
    for (const trigger of FLOW_TRIGGERS)
      await recordFlowLifecycle(t.db, { shop, trigger: trigger.handle, inUse: true, at: new Date() });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("first publish: definitions, every value in batches of at most 25, one segment per app segment and band, no Flow trigger", async () => {
    const admin = recording(adminFor(standin, shop));
    const report = await runPublish(t.db, admin, shop);
    const state = standin.state(shop);

    // Definitions in the app namespace, recommended products readable by the storefront.
    const defs = state.metafieldDefinitions.filter((d) => d.ownerType === "CUSTOMER");
    expect(defs.map((d) => d.key).sort()).toEqual(APP_METAFIELD_DEFINITIONS.map((d) => d.key).sort());
    for (const d of defs) expect(d.namespace).toMatch(/^app--/);
    const recs = defs.find((d) => d.key === "recommended_products")!;
    expect(recs.type).toBe("list.product_reference");
    expect(JSON.stringify(recs.access)).toContain("PUBLIC_READ");

    // Batches: every metafieldsSet call carries 1..25 metafields.
    const sets = admin.log.filter((r) => r.document.includes("metafieldsSet("));
    const sizes = sets.map((r) => (r.variables!.metafields as unknown[]).length);
    expect(sizes.length).toBeGreaterThan(1);
    for (const n of sizes) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(25);
    }
    expect(report.metafields!.written).toBe(sizes.reduce((a, b) => a + b, 0));

    // Values as the scores say.
    const s0 = fx.scores[0];
    const mf = state.metafields.get(s0.customerId)!;
    const value = (key: string) => [...mf.values()].find((m) => m.key === key)?.value;
    expect(value("risk_band")).toBe(s0.riskBand);
    expect(value("segment")).toBe(s0.rfmSegment);
    expect(Number(value("churn_probability"))).toBeCloseTo(s0.churnProbability, 4);
    expect(Number(value("predicted_clv"))).toBeCloseTo(s0.clv12m, 2);
    if (s0.recommended.length) expect(JSON.parse(value("recommended_products")!)).toEqual(s0.recommended);

    // Segments: 4 RFM + 3 clusters + the risk bands present, each a query on our tag.
    const bands = new Set(fx.scores.map((s) => s.riskBand));
    expect(state.segments).toHaveLength(4 + 3 + bands.size);
    expect(state.segments.map((s) => s.query)).toContain("customer_tags CONTAINS 'churnless:segment:champions'");
    expect(state.segments.map((s) => s.name)).toContain("Churnless segment: Champions");
    expect(state.segments.map((s) => s.name)).toContain("Churnless risk: High churn risk");
    const rows = await t.db.segment.findMany({ where: { shop } });
    expect(rows.every((r) => r.shopifySegmentId && state.segments.some((s) => s.id === r.shopifySegmentId))).toBe(true);

    // No previous band: no Flow trigger.
    expect(state.flowTriggers).toHaveLength(0);
    expect(report.flow).toMatchObject({ riskChanged: 0, segmentChanged: 0, errors: [] });
  });

  it("an unchanged re-run writes nothing at all", async () => {
    const from = standin.calls(shop).length;
    const report = await runPublish(t.db, adminFor(standin, shop), shop);
    const writes = ops(from).filter((o) => !["customers", "segments"].includes(o));
    expect(writes).toEqual([]);
    expect(report.metafields).toEqual({ calls: 0, written: 0, errors: [] });
    expect(report.segments).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it("changed scores: only the changed values are written, Flow fires for changed bands and segments only", async () => {
    const [a, b, c] = fx.scores;
    const newBand = (band: string) => (band === "high" ? "low" : "high");
    await t.db.customerScore.update({
      where: { shop_customerId: { shop, customerId: a.customerId } },
      data: { riskBand: newBand(a.riskBand) },
    });
    await t.db.customerScore.update({
      where: { shop_customerId: { shop, customerId: b.customerId } },
      data: { riskBand: newBand(b.riskBand), churnProbability: 0.9876 },
    });
    const newSegment = c.rfmSegment === "champions" ? "loyal" : "champions";
    await t.db.customerScore.update({
      where: { shop_customerId: { shop, customerId: c.customerId } },
      data: { rfmSegment: newSegment },
    });

    const admin = recording(adminFor(standin, shop));
    const report = await runPublish(t.db, admin, shop);
    // The definitions exist now (as shopify.app.toml makes them on a deployed app): read, not created again.
    expect(admin.log.filter((r) => r.document.includes("metafieldDefinitionCreate("))).toEqual([]);
    expect(admin.log.filter((r) => r.document.includes("metafieldDefinitions("))).toHaveLength(1);
    const sets = admin.log.filter((r) => r.document.includes("metafieldsSet("));
    const written = sets.flatMap(
      (r) => r.variables!.metafields as Array<{ ownerId: string; key: string; value: string }>,
    );
    expect(written.map((w) => `${w.ownerId} ${w.key}`).sort()).toEqual(
      [
        `${a.customerId} risk_band`,
        `${b.customerId} risk_band`,
        `${b.customerId} churn_probability`,
        `${c.customerId} segment`,
      ].sort(),
    );

    const triggers = standin.state(shop).flowTriggers;
    const risk = triggers.filter((x) => x.handle === FLOW_RISK_CHANGED);
    const seg = triggers.filter((x) => x.handle === FLOW_SEGMENT_CHANGED);
    expect(risk).toHaveLength(2);
    expect(seg).toHaveLength(1);
    expect(risk.map((x) => x.payload)).toContainEqual({
      customer_id: Number(b.customerId.split("/").pop()),
      "previous band": b.riskBand,
      "new band": newBand(b.riskBand),
      "churn probability": 0.9876,
    });
    expect(seg[0].payload).toMatchObject({
      customer_id: Number(c.customerId.split("/").pop()),
      "previous segment": c.rfmSegment,
      "new segment": newSegment,
    });
    expect(report.flow).toMatchObject({ riskChanged: 2, segmentChanged: 1, errors: [], skipped: {} });
    // Tags followed the new band.
    const ca = standin.state(shop).data.customers.find((x) => x.id === a.customerId)!;
    expect(ca.tags).toContain(`churnless:risk:${newBand(a.riskBand)}`);
    expect(ca.tags).not.toContain(`churnless:risk:${a.riskBand}`);
  });

  it("segments: renamed with the app segment, removed when it disappears, recreated if deleted in Shopify", async () => {
    const state = standin.state(shop);
    const champions = await t.db.segment.findUniqueOrThrow({
      where: { shop_kind_key: { shop, kind: "rfm", key: "champions" } },
    });
    const regulars = await t.db.segment.findUniqueOrThrow({
      where: { shop_kind_key: { shop, kind: "cluster", key: "regulars" } },
    });
    const lapsed = await t.db.segment.findUniqueOrThrow({
      where: { shop_kind_key: { shop, kind: "cluster", key: "lapsed-big-spenders" } },
    });
    await t.db.segment.update({ where: { id: champions.id }, data: { customName: "Our VIPs" } });
    await t.db.segment.update({ where: { id: regulars.id }, data: { active: false } });
    // The merchant deleted one of ours in Shopify.
    state.segments.splice(
      state.segments.findIndex((s) => s.id === lapsed.shopifySegmentId),
      1,
    );
    const before = state.segments.length;

    const report = await runPublish(t.db, adminFor(standin, shop), shop);
    expect(report.segments).toMatchObject({ created: 1, updated: 1, deleted: 1, errors: [] });
    expect(state.segments.find((s) => s.id === champions.shopifySegmentId)?.name).toBe("Churnless segment: Our VIPs");
    expect(state.segments.some((s) => s.id === regulars.shopifySegmentId)).toBe(false);
    expect((await t.db.segment.findUniqueOrThrow({ where: { id: regulars.id } })).shopifySegmentId).toBeNull();
    const lapsedNow = await t.db.segment.findUniqueOrThrow({ where: { id: lapsed.id } });
    expect(lapsedNow.shopifySegmentId).not.toBe(lapsed.shopifySegmentId);
    expect(state.segments.find((s) => s.id === lapsedNow.shopifySegmentId)?.query).toBe(
      "customer_tags CONTAINS 'churnless:cluster:lapsed-big-spenders'",
    );
    expect(state.segments.length).toBe(before); // +1 recreated, -1 removed
  });

  it("undo: every app tag, segment and metafield goes; the merchant's own segment and tags stay", async () => {
    const state = standin.state(shop);
    state.segments.push({
      id: "gid://shopify/Segment/424242",
      name: "Merchant VIPs",
      query: "amount_spent > 500",
      creationDate: "2025-01-01T00:00:00Z",
      lastEditDate: "2025-01-01T00:00:00Z",
    });
    const report = await runPublish(t.db, adminFor(standin, shop), shop, { removeAll: true });
    expect(report.segments!.deleted).toBeGreaterThan(0);
    expect(state.segments.map((s) => s.name)).toEqual(["Merchant VIPs"]);
    expect(await t.db.segment.count({ where: { shop, NOT: { shopifySegmentId: null } } })).toBe(0);
    for (const c of state.data.customers) expect(c.tags).toEqual(fx.merchantTags.get(c.id));
    // The app's metafields are gone too.
    const left = [...state.metafields.values()]
      .flatMap((m) => [...m.values()])
      .filter((m) => m.ownerType === "CUSTOMER" && m.namespace.startsWith("app--"));
    expect(left).toEqual([]);
    expect(report.metafields!.written).toBe(
      fx.scores.length * 5 - fx.scores.filter((s) => s.recommended.length === 0).length,
    );
  });
});
