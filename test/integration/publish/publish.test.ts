/**
 * Publish against the stand-in: end state (merchant tags untouched, app tags as desired), an unchanged
 * re-run writes nothing, the 250-tag limit, preview counts, undo, the bulk path, and the audit record.
 * Runs on SQLite, and on PostgreSQL when reachable.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { desiredTags, isAppTag, tagKey } from "../../../app/shopify/tags";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { WRITE_OPERATIONS, adminFor, buildFixture, cloneData, insertScores, type Fixture } from "./fixture";

const SETTINGS = { tagPrefix: "churnless", tagSegments: true, tagRisk: true, tagClusters: true };

function expectEndState(
  standin: Standin,
  shop: string,
  fx: Fixture,
  options: { removeAll?: boolean; skipLimited?: Set<string> } = {},
) {
  const scores = new Map(fx.scores.map((s) => [s.customerId, s]));
  for (const c of standin.state(shop).data.customers) {
    const merchant = fx.merchantTags.get(c.id)!;
    // Merchant tags: exactly the original ones, same spelling and order.
    expect(
      c.tags.filter((t) => !isAppTag(t, "churnless")),
      c.id,
    ).toEqual(merchant);
    if (options.skipLimited?.has(c.id)) continue;
    const score = scores.get(c.id);
    const desired = options.removeAll || !score ? [] : desiredTags(score, SETTINGS);
    const app = c.tags.filter((t) => isAppTag(t, "churnless"));
    expect(app.map(tagKey).sort(), c.id).toEqual(desired.map(tagKey).sort());
    expect(new Set(c.tags.map(tagKey)).size, `${c.id} has a doubled tag`).toBe(c.tags.length);
  }
}

function writesSince(standin: Standin, shop: string, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of standin.calls(shop).slice(from))
    if (WRITE_OPERATIONS.has(call.operation)) out[call.operation] = (out[call.operation] ?? 0) + 1;
  return out;
}

describe.each(await databaseKinds())("publish on %s", (kind) => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ customers: 60, nearLimit: [3, 17] });
  const shop = fx.data.shop;

  // Each test gets its own stand-in shop (the fixture's customers, fresh) and its own database with the scores.
  beforeEach(async () => {
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 20,
    });
    t = await createTestDb(kind);
    await insertScores(t.db, shop, fx.scores);
  });
  afterEach(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  /** A first publish of the tags only, with auto-tag on (what the tests after the first publish start from). */
  async function publishTags() {
    await updateShopSettings(t.db, shop, { autoTag: true });
    return runPublish(t.db, adminFor(standin, shop), shop, { flow: false, metafields: false, segments: false });
  }

  it("with auto-tag off, a publish is only a preview: counts per tag, no writes", async () => {
    const from = standin.calls(shop).length;
    const report = await runPublish(t.db, adminFor(standin, shop), shop);
    expect(report.mode).toBe("preview");
    expect(report.note).toMatch(/Auto-tagging is off/);
    expect(writesSince(standin, shop, from)).toEqual({});
    // Independent count: customers whose risk tag is missing today gain it.
    const scores = new Map(fx.scores.map((s) => [s.customerId, s]));
    const gainHigh = standin
      .state(shop)
      .data.customers.filter(
        (c) => scores.get(c.id)?.riskBand === "high" && !c.tags.some((t) => tagKey(t) === "churnless:risk:high"),
      ).length;
    expect(gainHigh).toBeGreaterThan(0);
    expect(report.perTag["churnless:risk:high"].added).toBe(gainHigh);
    const loseLow = standin
      .state(shop)
      .data.customers.filter(
        (c) => c.tags.some((t) => tagKey(t) === "churnless:risk:low") && scores.get(c.id)?.riskBand !== "low",
      ).length;
    expect(report.perTag["churnless:risk:low"]?.removed ?? 0).toBe(loseLow);
    expect(await t.db.tagChange.count({ where: { shop } })).toBe(0);
    const run = await t.db.syncRun.findUniqueOrThrow({ where: { id: report.runId } });
    expect(run.kind).toBe("preview");
    expect(JSON.parse(run.detailsJson).perTag["churnless:risk:high"].added).toBe(gainHigh);
  });

  it("publishes: merchant tags untouched, app tags as desired, customers at 250 reported not failed, audit recorded", async () => {
    await updateShopSettings(t.db, shop, { autoTag: true });
    const report = await runPublish(t.db, adminFor(standin, shop), shop, {
      flow: false,
      metafields: false,
      segments: false,
    });
    expect(report.mode).toBe("publish");
    expect(report.path).toBe("small");
    // Customers 3 and 17 have 249 merchant tags: one app tag fits, the others are reported.
    const limited = new Set(["gid://shopify/Customer/1003", "gid://shopify/Customer/1017"]);
    expect(new Set(report.atLimit.customerIds)).toEqual(limited);
    expect(report.atLimit.count).toBe(2);
    for (const id of limited) {
      const c = standin.state(shop).data.customers.find((x) => x.id === id)!;
      expect(c.tags).toHaveLength(250);
      expect(c.tags.filter((x) => isAppTag(x, "churnless")).map(tagKey)).toEqual([
        `churnless:risk:${fx.scores.find((s) => s.customerId === id)!.riskBand}`,
      ]);
    }
    expectEndState(standin, shop, fx, { skipLimited: limited });
    const run = await t.db.syncRun.findUniqueOrThrow({ where: { id: report.runId } });
    expect(run.kind).toBe("publish");
    expect(run.status).toBe("succeeded");
    const details = JSON.parse(run.detailsJson);
    expect(details.tagsAdded).toBe(report.tagsAdded);
    expect(details.perTag["churnless:risk:high"].added).toBeGreaterThan(0);
    expect(details.cost.costPoints).toBeGreaterThan(0);
    expect(details.cost.calls).toBe(report.cost.calls);
    expect(details.atLimit.count).toBe(2);
    // Journal: every planned change done, nothing pending.
    expect(await t.db.tagChange.count({ where: { shop, runId: report.runId, status: "pending" } })).toBe(0);
    expect(await t.db.tagChange.count({ where: { shop, runId: report.runId, status: "done" } })).toBe(
      report.tagsAdded + report.tagsRemoved,
    );
    // Counts per tag match the store: every customer with the high-risk tag gained it in this run.
    const withHigh = standin.state(shop).data.customers.filter((c) => c.tags.includes("churnless:risk:high")).length;
    expect(report.perTag["churnless:risk:high"].added).toBe(withHigh);
  });

  it("an unchanged re-run writes nothing", async () => {
    await publishTags();
    const from = standin.calls(shop).length;
    const report = await runPublish(t.db, adminFor(standin, shop), shop, {
      flow: false,
      metafields: false,
      segments: false,
    });
    expect(writesSince(standin, shop, from)).toEqual({});
    expect(report.tagsAdded + report.tagsRemoved).toBe(0);
    expect(report.path).toBe("none");
  });

  it("remove-all returns every customer to exactly its merchant tags", async () => {
    await publishTags();
    const report = await runPublish(t.db, adminFor(standin, shop), shop, { removeAll: true, segments: false });
    expect(report.mode).toBe("remove-all");
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: report.runId } })).kind).toBe("remove-tags");
    expect(report.tagsRemoved).toBeGreaterThan(0);
    expect(report.tagsAdded).toBe(0);
    for (const c of standin.state(shop).data.customers) expect(c.tags, c.id).toEqual(fx.merchantTags.get(c.id));
  });
});

describe("bulk path", () => {
  it("above the threshold gives the same end state as the small path", async () => {
    const fx = buildFixture({ customers: 80, nearLimit: [5], seed: 11 });
    const small = cloneData(fx.data, "small.myshopify.com");
    const bulk = cloneData(fx.data, "bulk.myshopify.com");
    const standin = await startStandin({
      shops: [small, bulk],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 20,
    });
    const t = await createTestDb("sqlite");
    try {
      for (const s of [small.shop, bulk.shop]) {
        await insertScores(
          t.db,
          s,
          fx.scores.map((x) => ({ ...x })),
        );
        await updateShopSettings(t.db, s, { autoTag: true });
      }
      const opts = { flow: false, metafields: false, segments: false } as const;
      const a = await runPublish(t.db, adminFor(standin, small.shop), small.shop, opts);
      const b = await runPublish(t.db, adminFor(standin, bulk.shop), bulk.shop, {
        ...opts,
        bulkThreshold: 5,
        bulk: { pollIntervalMs: 20 },
      });
      expect(a.path).toBe("small");
      expect(b.path).toBe("bulk");
      expect(b.bulkOperationIds).toHaveLength(2); // one for removes, one for adds
      const ops = standin.calls(bulk.shop).map((c) => c.operation);
      expect(ops).toContain("stagedUploadsCreate");
      expect(ops).toContain("bulkOperationRunMutation");
      expect(ops).not.toContain("tagsAdd");
      const tagsOf = (shop: string) => standin.state(shop).data.customers.map((c) => [c.id, [...c.tags].sort()]);
      expect(tagsOf(bulk.shop)).toEqual(tagsOf(small.shop));
      expect(b.tagsAdded).toBe(a.tagsAdded);
      expect(b.tagsRemoved).toBe(a.tagsRemoved);
      expect(b.atLimit.count).toBe(1);
      expectEndState(standin, bulk.shop, { ...fx }, { skipLimited: new Set(["gid://shopify/Customer/1005"]) });
    } finally {
      await standin.close();
      await t.cleanup();
    }
  });

  it("a FAILED bulk operation: answered lines are marked, the rest go the small way", async () => {
    const fx = buildFixture({ customers: 40, seed: 12 });
    const standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 20,
    });
    const shop = fx.data.shop;
    const t = await createTestDb("sqlite");
    try {
      await insertScores(t.db, shop, fx.scores);
      await updateShopSettings(t.db, shop, { autoTag: true });
      // Both bulk operations (removals, then additions) fail: a FAILED one has run the first half of its
      // lines (rounded up), so an operation of one line would leave nothing to send the small way.
      standin.setFaults(shop, { bulkOutcome: "FAILED", bulkFailures: 2 });
      const r = await runPublish(t.db, adminFor(standin, shop), shop, {
        flow: false,
        metafields: false,
        segments: false,
        bulkThreshold: 3,
        bulk: { pollIntervalMs: 20 },
      });
      expect(r.path).toBe("bulk");
      const ops = standin.calls(shop).map((c) => c.operation);
      // The failed operations ran half their lines; the other half went through tagsRemove/tagsAdd.
      expect(ops.filter((o) => o === "tagsRemove" || o === "tagsAdd").length).toBeGreaterThan(0);
      expectEndState(standin, shop, fx);
      expect(await t.db.tagChange.count({ where: { shop, status: "pending" } })).toBe(0);
    } finally {
      await standin.close();
      await t.cleanup();
    }
  });
});

describe("reading customers with a bulk query", () => {
  it("gives the same plan as paging, and falls back to pages when the file has damaged lines", async () => {
    const fx = buildFixture({ customers: 40, seed: 13 });
    const standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 20,
    });
    const shop = fx.data.shop;
    const t = await createTestDb("sqlite");
    try {
      await insertScores(t.db, shop, fx.scores);
      const paged = await runPublish(t.db, adminFor(standin, shop), shop, { preview: true });
      const bulk = await runPublish(t.db, adminFor(standin, shop), shop, {
        preview: true,
        readBulkThreshold: 0,
        bulk: { pollIntervalMs: 20 },
      });
      expect(paged.read.path).toBe("pages");
      expect(bulk.read).toMatchObject({ path: "bulk", skippedLines: 0 });
      expect(bulk.read.bulkOperationId).toMatch(/BulkOperation/);
      expect(bulk.perTag).toEqual(paged.perTag);
      expect(bulk.customers).toBe(40);

      standin.setFaults(shop, { malformedLines: 3 });
      await updateShopSettings(t.db, shop, { autoTag: true });
      const r = await runPublish(t.db, adminFor(standin, shop), shop, {
        readBulkThreshold: 0,
        bulk: { pollIntervalMs: 20 },
        metafields: false,
        flow: false,
        segments: false,
      });
      expect(r.read.skippedLines).toBe(3);
      expect(standin.calls(shop).some((c) => c.operation === "customers")).toBe(true);
      expectEndState(standin, shop, fx);
    } finally {
      await standin.close();
      await t.cleanup();
    }
  });
});
