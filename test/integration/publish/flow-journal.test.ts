/**
 * Flow triggers are journaled: a publish that crashed after sending them (here: in the metafields step)
 * and is run again, or a job retried, never sends the same trigger twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED } from "../../../app/shopify/flow.server";
import type { AdminGraphql } from "../../../app/shopify/types";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { adminFor, buildFixture, cloneData, insertScores } from "./fixture";

/** The Admin client with metafieldsSet failing as a crash would: the publish stops after Flow. */
function crashingOnMetafields(admin: AdminGraphql): AdminGraphql {
  return {
    get shop() {
      return admin.shop;
    },
    get stats() {
      return admin.stats;
    },
    request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
      if (document.includes("metafieldsSet(")) return Promise.reject(new Error("the worker died here"));
      return admin.request<T>(document, variables);
    },
  };
}

describe("Flow trigger journal", () => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ shop: "flow-journal.myshopify.com", customers: 12, staleShare: 0, unscoredShare: 0 });
  const shop = fx.data.shop;

  beforeAll(async () => {
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 20,
    });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await t.db.analysis.create({ data: { shop, asOf: new Date(), horizonDays: 90, model: "test" } });
    // A workflow uses both triggers (as Flow's lifecycle callback would have told the app).
    for (const trigger of [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED]) {
      await t.db.flowTriggerUsage.create({ data: { shop, trigger, inUse: true, notifiedAt: new Date() } });
    }
    await updateShopSettings(t.db, shop, { autoTag: true });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("a publish run again after crashing past its Flow step sends no trigger twice", async () => {
    // First publish: values written, nothing to trigger yet.
    await runPublish(t.db, adminFor(standin, shop), shop, { segments: false });
    expect(standin.state(shop).flowTriggers).toHaveLength(0);

    // Three customers change band; the publish sends their triggers, then dies writing metafields.
    const changed = fx.scores.slice(0, 3);
    for (const s of changed) {
      await t.db.customerScore.update({
        where: { shop_customerId: { shop, customerId: s.customerId } },
        data: { riskBand: s.riskBand === "high" ? "low" : "high" },
      });
    }
    await expect(
      runPublish(t.db, crashingOnMetafields(adminFor(standin, shop)), shop, { segments: false }),
    ).rejects.toThrow(/worker died/);
    const sent = () => standin.state(shop).flowTriggers.filter((x) => x.handle === FLOW_RISK_CHANGED);
    expect(sent()).toHaveLength(3);

    // The retry reads the same old bands from Shopify (metafields were never written) but sends nothing again.
    const retry = await runPublish(t.db, adminFor(standin, shop), shop, { segments: false });
    expect(sent()).toHaveLength(3);
    expect(retry.flow).toMatchObject({ riskChanged: 0, alreadySent: 3 });
    const log = await t.db.flowTriggerLog.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
    expect(log.map((r) => [r.customerId, r.status])).toEqual(changed.map((s) => [s.customerId, "sent"]).sort());
    // The values did reach Shopify this time: a third publish has nothing to trigger.
    await runPublish(t.db, adminFor(standin, shop), shop, { segments: false });
    expect(sent()).toHaveLength(3);
  });
});
