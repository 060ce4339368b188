/**
 * The app's tag namespace against the stand-in: a prefix that collides with the shop's tags is refused
 * (and the refusal says which), changing the prefix needs a new preview and then moves the app's tags in
 * one publish, the crash-resume journal never replays changes computed for another prefix or an older
 * analysis, and only segments the app created are ever deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { changeTagPrefix, getShopSettings, updateShopSettings } from "../../../app/models/shop-settings.server";
import { readShopCustomerTags } from "../../../app/shopify/tag-writer.server";
import { tagKey } from "../../../app/shopify/tags";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { adminFor, buildFixture, cloneData, insertScores } from "./fixture";

const QUIET = { flow: false, metafields: false } as const;
/** App tags by the rule in docs/tagging.md, written out here independently of app/shopify/tags.ts. */
const appKinds = (prefix: string) => new RegExp(`^${prefix}:(risk|segment|cluster)(:|$)`);

describe("tag prefix: collisions, moving the tags, the journal and segments", () => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ shop: "prefix-shop.myshopify.com", customers: 40, staleShare: 0 });
  const shop = fx.data.shop;
  const data = cloneData(fx.data);
  // Merchant tags sharing the namespace of the prefixes tried below.
  data.customers[0].tags.push("vip:gold", "churnless:wholesale");
  data.customers[1].tags.push("VIP:Platinum");
  const merchantOf = new Map(data.customers.map((c) => [c.id, [...c.tags]]));

  beforeAll(async () => {
    standin = await startStandin({ shops: [data], bucketSize: 20_000, restoreRate: 10_000, bulkMinMs: 20 });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await t.db.analysis.create({ data: { shop, asOf: new Date(), horizonDays: 90, model: "test" } });
    await updateShopSettings(t.db, shop, { autoTag: true });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  const customers = () => standin.state(shop).data.customers;

  it("refuses a prefix that collides with tags already used in the shop, and says which", async () => {
    const admin = adminFor(standin, shop);
    const read = () => readShopCustomerTags(admin);
    const refused = await changeTagPrefix(t.db, shop, "VIP", read);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.collisions.map(tagKey).sort()).toEqual(["vip:gold", "vip:platinum"]);
    expect(refused.message).toMatch(/"vip:gold"/);
    expect(refused.message).toMatch(/"VIP:Platinum"/);
    expect((await getShopSettings(t.db, shop)).tagPrefix).toBe("churnless");
    // Without the Admin API the prefix cannot be checked, so it is not changed either.
    expect((await changeTagPrefix(t.db, shop, "retain", null)).ok).toBe(false);
    expect((await getShopSettings(t.db, shop)).tagPrefix).toBe("churnless");
  });

  it("publishes under the first prefix; merchant tags that share it stay", async () => {
    const report = await runPublish(t.db, adminFor(standin, shop), shop, { ...QUIET, force: true });
    expect(report.mode).toBe("publish");
    expect(report.errorCount).toBe(0);
    const c0 = customers()[0];
    expect(c0.tags).toEqual(expect.arrayContaining(["vip:gold", "churnless:wholesale"]));
    expect(c0.tags.filter((x) => appKinds("churnless").test(x)).length).toBeGreaterThan(0);
  });

  it("a changed prefix needs a new preview, then one publish moves every app tag to it", async () => {
    const changed = await changeTagPrefix(t.db, shop, "Retain", () => readShopCustomerTags(adminFor(standin, shop)));
    expect(changed).toMatchObject({ ok: true, changed: true, prefix: "retain", previousPrefix: "churnless" });
    const s = await getShopSettings(t.db, shop);
    expect(s.previewSeenAt).toBeNull();

    // Auto-tag is on and the merchant presses "publish now": still only a preview, showing the move.
    const callsBefore = standin.calls(shop).length;
    const preview = await runPublish(t.db, adminFor(standin, shop), shop, { ...QUIET, force: true });
    expect(preview.mode).toBe("preview");
    expect(preview.note).toMatch(/prefix changed from "churnless" to "retain"/);
    expect(
      standin
        .calls(shop)
        .slice(callsBefore)
        .filter((c) => /^(tagsAdd|tagsRemove|segment)/.test(c.operation)),
    ).toEqual([]);
    const scored = new Set(fx.scores.map((x) => x.customerId));
    const withOld = customers().filter((c) => c.tags.some((x) => appKinds("churnless").test(tagKey(x)))).length;
    expect(withOld).toBeGreaterThan(0);
    expect(preview.perTag["churnless:risk:high"]?.removed ?? 0).toBeGreaterThan(0);
    expect(preview.perTag["retain:risk:high"]?.added ?? 0).toBeGreaterThan(0);

    // The merchant saw that preview (the settings page marks it), then the publish moves the tags.
    await updateShopSettings(t.db, shop, { previewSeenAt: new Date() });
    const report = await runPublish(t.db, adminFor(standin, shop), shop, { ...QUIET, force: true });
    expect(report.mode).toBe("publish");
    expect(report.errorCount).toBe(0);
    expect(report.prefixMove).toEqual({ from: "churnless", to: "retain", done: true });
    for (const c of customers()) {
      const keys = c.tags.map(tagKey);
      expect(
        keys.filter((k) => appKinds("churnless").test(k)),
        c.id,
      ).toEqual([]);
      if (scored.has(c.id)) expect(keys.filter((k) => appKinds("retain").test(k)).length, c.id).toBeGreaterThan(0);
      // Every merchant tag, the look-alikes too, exactly as before.
      expect(
        c.tags.filter((x) => !appKinds("retain").test(tagKey(x)) && !appKinds("churnless").test(tagKey(x))),
      ).toEqual(merchantOf.get(c.id)!.filter((x) => !appKinds("churnless").test(tagKey(x))));
    }
    // The app's Shopify segments now select the new tags.
    const queries = standin.state(shop).segments.map((x) => x.query);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.filter((q) => q.includes("'churnless:"))).toEqual([]);
    const after = await getShopSettings(t.db, shop);
    expect(after.previousTagPrefix).toBeNull();
  });

  it("the journal never replays changes computed for another prefix or an older analysis", async () => {
    const target = customers()[5].id;
    const latest = await t.db.analysis.findFirstOrThrow({ where: { shop }, orderBy: { createdAt: "desc" } });
    // Two crashed publishes left pending changes: one planned under the old prefix, one for an older analysis.
    const crashedA = await t.db.syncRun.create({ data: { shop, kind: "publish", status: "running" } });
    const crashedB = await t.db.syncRun.create({ data: { shop, kind: "publish", status: "running" } });
    await t.db.tagChange.createMany({
      data: [
        {
          shop,
          runId: crashedA.id,
          customerId: target,
          tag: "churnless:risk:high",
          action: "add",
          prefix: "churnless",
          analysisId: latest.id,
        },
        {
          shop,
          runId: crashedB.id,
          customerId: target,
          tag: "retain:segment:stale-old",
          action: "add",
          prefix: "retain",
          analysisId: "an-older-analysis",
        },
      ],
    });
    const report = await runPublish(t.db, adminFor(standin, shop), shop, { ...QUIET, force: true });
    expect(report.resumed.skipped).toBe(2);
    expect(report.resumed.applied).toBe(0);
    const tags = customers()[5].tags.map(tagKey);
    expect(tags).not.toContain("churnless:risk:high");
    expect(tags).not.toContain("retain:segment:stale-old");
    const rows = await t.db.tagChange.findMany({ where: { shop, runId: { in: [crashedA.id, crashedB.id] } } });
    expect(rows.map((r) => r.status)).toEqual(["skipped", "skipped"]);
  });

  it("only segments whose ids the app recorded are deleted, whatever a merchant segment is called", async () => {
    const state = standin.state(shop);
    const now = new Date().toISOString();
    // The merchant's own segments, named and queried like the app's.
    state.segments.push(
      {
        id: "gid://shopify/Segment/990001",
        name: "Churnless risk: my VIPs",
        query: "customer_tags CONTAINS 'retain:risk:high'",
        creationDate: now,
        lastEditDate: now,
      },
      {
        id: "gid://shopify/Segment/990002",
        name: "Churnless segment: old",
        query: "customer_tags CONTAINS 'retain:segment:champions'",
        creationDate: now,
        lastEditDate: now,
      },
    );
    const recorded = await t.db.appShopifySegment.findMany({ where: { shop } });
    expect(recorded.length).toBeGreaterThan(0);
    // A re-analysis dropped a cluster: its segment is an orphan of the app and goes.
    const dropped = await t.db.segment.findFirstOrThrow({
      where: { shop, kind: "cluster", shopifySegmentId: { not: null } },
    });
    await t.db.segment.delete({ where: { id: dropped.id } });
    await runPublish(t.db, adminFor(standin, shop), shop, { ...QUIET, force: true });
    const ids = () => state.segments.map((x) => x.id);
    expect(ids()).not.toContain(dropped.shopifySegmentId);
    expect(ids()).toEqual(expect.arrayContaining(["gid://shopify/Segment/990001", "gid://shopify/Segment/990002"]));

    // Undo removes every app tag and app segment, and nothing of the merchant's.
    const undo = await runPublish(t.db, adminFor(standin, shop), shop, { removeAll: true, metafields: false });
    expect(undo.errorCount).toBe(0);
    expect(ids().sort()).toEqual(["gid://shopify/Segment/990001", "gid://shopify/Segment/990002"]);
    expect(await t.db.appShopifySegment.count({ where: { shop } })).toBe(0);
    for (const c of customers()) {
      expect(
        c.tags.filter((x) => appKinds("retain").test(tagKey(x))),
        c.id,
      ).toEqual([]);
      expect(c.tags).toEqual(merchantOf.get(c.id)!.filter((x) => !appKinds("churnless").test(tagKey(x))));
    }
    expect(customers()[0].tags).toEqual(expect.arrayContaining(["vip:gold", "churnless:wholesale"]));
  });
});
