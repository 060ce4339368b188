/**
 * Due to reorder in a publish against the stand-in: the `churnless:due:reorder` tag and the `due_products`
 * metafield follow the stored due products; "Customer due to reorder" fires (with the product ids) when a
 * customer becomes due for a product after the first publish, never on the first publish, never twice for
 * the same products, never for a held-out customer. And the stored due products of the demo shop's
 * consumables (what each analysis refreshes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { setControlGroup } from "../../../app/models/holdouts.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { FLOW_DUE_REORDER, FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, legacyId } from "../../../app/shopify/flow.server";
import { isAppTag } from "../../../app/shopify/tags";
import { CATALOGUE } from "../../../packages/shopify-standin/src/demo-catalogue";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { standinOrders } from "../../../packages/shopify-standin/src/as-synced";
import { refreshReorderDue } from "../../../app/models/reorder.server";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { adminFor, buildFixture, cloneData, insertScores } from "../publish/fixture";

describe("due to reorder in the publish", () => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ customers: 30, seed: 5, unscoredShare: 0 });
  const shop = fx.data.shop;
  const ids = fx.scores.map((s) => s.customerId);
  const appTags = (id: string) =>
    standin
      .state(shop)
      .data.customers.find((c) => c.id === id)!
      .tags.filter((tag) => isAppTag(tag, "churnless"));
  const metafield = (id: string, key: string) =>
    [...(standin.state(shop).metafields.get(id)?.values() ?? [])].find((m) => m.key === key)?.value;
  const due = (customerId: string, productId: string, from = "2026-11-01") =>
    t.db.reorderDue.create({
      data: {
        shop,
        customerId,
        productId,
        lastBoughtAt: new Date("2026-10-01"),
        dueFrom: new Date(from),
        dueTo: new Date("2026-11-30"),
      },
    });
  const dueFired = (from: number) =>
    standin
      .state(shop)
      .flowTriggers.slice(from)
      .filter((f) => f.handle === FLOW_DUE_REORDER);

  beforeAll(async () => {
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 50_000,
      restoreRate: 20_000,
      flowTriggerHandles: [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_DUE_REORDER],
    });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await updateShopSettings(t.db, shop, { autoTag: true });
    // Flow's lifecycle callbacks said a workflow uses each trigger (triggers fire only then).
    for (const trigger of [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_DUE_REORDER])
      await t.db.flowTriggerUsage.create({ data: { shop, trigger, inUse: true, notifiedAt: new Date() } });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("first publish: due customers carry the tag and the metafield (soonest first); no trigger yet", async () => {
    await due(ids[0], fx.products[1], "2026-11-05");
    await due(ids[0], fx.products[2], "2026-11-01");
    await due(ids[1], fx.products[3]);
    const from = standin.state(shop).flowTriggers.length;
    const report = await runPublish(t.db, adminFor(standin, shop), shop);
    expect(report.errorCount).toBe(0);
    expect(appTags(ids[0])).toContain("churnless:due:reorder");
    expect(appTags(ids[1])).toContain("churnless:due:reorder");
    expect(appTags(ids[2])).not.toContain("churnless:due:reorder");
    expect(JSON.parse(metafield(ids[0], "due_products")!)).toEqual([fx.products[2], fx.products[1]]);
    expect(metafield(ids[2], "due_products")).toBeUndefined();
    expect(dueFired(from)).toEqual([]);
    expect(report.extras!.dueCustomers).toBe(2);
  });

  it("a customer newly due fires 'Customer due to reorder' with the product ids; unchanged ones do not fire again", async () => {
    await due(ids[2], fx.products[4], "2026-11-03");
    await due(ids[2], fx.products[5], "2026-11-08");
    const from = standin.state(shop).flowTriggers.length;
    await runPublish(t.db, adminFor(standin, shop), shop);
    const fired = dueFired(from);
    expect(fired).toHaveLength(1);
    expect(fired[0].payload).toEqual({
      customer_id: legacyId(ids[2]),
      product_id: legacyId(fx.products[4]),
      "product ids": `${legacyId(fx.products[4])},${legacyId(fx.products[5])}`,
      "due from": "2026-11-03",
      "due to": "2026-11-30",
    });
    expect(appTags(ids[2])).toContain("churnless:due:reorder");
  });

  it("no longer due: the tag goes and the metafield is emptied", async () => {
    await t.db.reorderDue.deleteMany({ where: { shop, customerId: ids[1] } });
    await runPublish(t.db, adminFor(standin, shop), shop);
    expect(appTags(ids[1])).not.toContain("churnless:due:reorder");
    expect(JSON.parse(metafield(ids[1], "due_products") ?? "[]")).toEqual([]);
  });

  it("a held-out customer keeps the tag but gets no trigger", async () => {
    const segment = fx.scores.find((s) => s.customerId === ids[3])!.rfmSegment;
    await setControlGroup(t.db, shop, "rfm", segment, { enabled: true, share: 0.5 });
    await runPublish(t.db, adminFor(standin, shop), shop);
    const held = (await t.db.holdoutAssignment.findMany({ where: { shop, heldOut: true } })).map((r) => r.customerId);
    const target = held[0];
    expect(target).toBeDefined();
    await due(target, fx.products[6]);
    const from = standin.state(shop).flowTriggers.length;
    await runPublish(t.db, adminFor(standin, shop), shop);
    expect(appTags(target)).toContain("churnless:due:reorder");
    expect(appTags(target)).toContain("churnless:holdout");
    expect(dueFired(from).map((f) => (f.payload as { customer_id: number }).customer_id)).not.toContain(
      legacyId(target),
    );
  });
});

describe("stored due products (what each analysis refreshes)", () => {
  it("on the demo shop: cycles for consumables only, due rows pointing at them", async () => {
    const t = await createTestDb("sqlite");
    try {
      const data = generateDemoShop({ orders: 3000 });
      const asOf = new Date("2026-11-01T00:00:00Z");
      await refreshReorderDue(t.db, data.shop, standinOrders(data), { asOf });
      // A second refresh replaces, never adds.
      const first = await t.db.reorderDue.count({ where: { shop: data.shop } });
      await refreshReorderDue(t.db, data.shop, standinOrders(data), { asOf });
      expect(await t.db.reorderDue.count({ where: { shop: data.shop } })).toBe(first);
      const cycles = await t.db.productCycle.findMany({ where: { shop: data.shop } });
      const handle = new Map(data.products.map((p) => [p.id, p.handle]));
      const kind = new Map(CATALOGUE.map((c) => [c.handle, c.kind]));
      expect(cycles.length).toBeGreaterThan(10);
      expect(cycles.every((c) => kind.get(handle.get(c.productId)!) === "consumable")).toBe(true);
      const dueRows = await t.db.reorderDue.findMany({ where: { shop: data.shop } });
      expect(dueRows.length).toBeGreaterThan(20);
      const cycled = new Set(cycles.map((c) => c.productId));
      expect(dueRows.every((r) => cycled.has(r.productId) && r.dueFrom <= r.dueTo)).toBe(true);
    } finally {
      await t.cleanup();
    }
  });
});
