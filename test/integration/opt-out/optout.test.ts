/**
 * Opt-out honoured everywhere, writer by writer, against the stand-in: an opted-out customer ends with no
 * app tag (existing ones removed, merchant tags untouched), no app metafield, no open control-group draw,
 * no Flow trigger (risk, segment, due), no due products, and non-personal storefront recommendations;
 * the score stays (shop-level figures). Reversing it (merchant) brings everything back at the next publish.
 * The shopper's own opt-out goes through the signed app proxy: the request is signed here as Shopify's
 * documentation describes ("Authenticate app proxies"), independently of the app's verifier.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { setControlGroup } from "../../../app/models/holdouts.server";
import { handleOptOutProxy } from "../../../app/routes/proxy.opt-out/handle.server";
import { getOptOut, optOutCustomer, restoreCustomer } from "../../../app/models/opt-outs.server";
import { clearRecommenderCache, recommendForShopper } from "../../../app/models/recommendations.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { FLOW_DUE_REORDER, FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, legacyId } from "../../../app/shopify/flow.server";
import { isAppTag } from "../../../app/shopify/tags";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { adminFor, buildFixture, cloneData, insertScores } from "../publish/fixture";
import { withShopifyAppEnv } from "../../helpers/shopify-app";
import { standinProductInfo } from "../../../packages/shopify-standin/src/as-synced";

const SECRET = "opt-out-secret";

/** Signs proxy parameters as Shopify documents it: sorted `key=value` (repeats joined by ","), no separator, HMAC-SHA256 hex. */
function shopifySigned(path: string, shop: string, customerNumericId: string, timestamp: number): string {
  const params: Array<[string, string]> = [
    ["shop", shop],
    ["logged_in_customer_id", customerNumericId],
    ["path_prefix", "/apps/churnless"],
    ["timestamp", String(timestamp)],
  ];
  const message = [...params]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("");
  const signature = createHmac("sha256", SECRET).update(message).digest("hex");
  const q = new URLSearchParams([...params, ["signature", signature]]);
  return `http://app.test${path}?${q}`;
}

/**
 * Whether tags satisfy a segment query of the form the app writes (app/shopify/segments.server.ts):
 * `customer_tags CONTAINS 'a'` clauses joined by AND, optionally `customer_tags NOT CONTAINS 'b'`.
 */
function matchesSegmentQuery(query: string, tags: readonly string[]): boolean {
  const have = new Set(tags.map((t) => t.trim().toLowerCase()));
  return query.split(/\s+AND\s+/).every((clause) => {
    const m = /^customer_tags (NOT )?CONTAINS '([^']*)'$/.exec(clause.trim());
    if (!m) throw new Error(`segment query the test cannot read: ${query}`);
    return have.has(m[2].toLowerCase()) !== Boolean(m[1]);
  });
}

describe("opt-out honoured by every writer", () => {
  // The app's environment (API secret) for the library's proxy verification.
  withShopifyAppEnv({ secret: SECRET });
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ customers: 40, seed: 33, unscoredShare: 0, staleShare: 0.3 });
  const shop = fx.data.shop;
  const merchantOut = fx.scores.find((s) => s.rfmSegment === "at-risk")!.customerId;
  const shopperOut = fx.scores.filter((s) => s.rfmSegment === "at-risk")[1].customerId;
  // Outside the control group's segment: opted out by the merchant while changing segment and due to
  // reorder a new product (each would fire a trigger), next to a customer who does the same and stays in.
  const [movedOut, control] = fx.scores.filter((s) => s.rfmSegment === "champions").map((s) => s.customerId);
  const customer = (id: string) => standin.state(shop).data.customers.find((c) => c.id === id)!;
  const appTags = (id: string) => customer(id).tags.filter((tag) => isAppTag(tag, "churnless"));
  const metafields = (id: string) => [...(standin.state(shop).metafields.get(id)?.values() ?? [])];
  /** The Shopify segments (the app's, by their queries) whose members include the customer, by its tags now. */
  const segmentsOf = (id: string) =>
    standin
      .state(shop)
      .segments.filter((seg) => matchesSegmentQuery(seg.query, customer(id).tags))
      .map((seg) => seg.name);

  beforeAll(async () => {
    clearRecommenderCache();
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 50_000,
      restoreRate: 20_000,
      flowTriggerHandles: [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_DUE_REORDER],
    });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await t.db.product.createMany({ data: fx.data.products.map((p) => ({ shop, ...standinProductInfo(p) })) });
    await updateShopSettings(t.db, shop, { autoTag: true });
    // Flow's lifecycle callbacks said a workflow uses each trigger (triggers fire only then).
    for (const trigger of [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_DUE_REORDER])
      await t.db.flowTriggerUsage.create({ data: { shop, trigger, inUse: true, notifiedAt: new Date() } });
    // Both are due to reorder a product and in a segment with a control group at 50%.
    for (const id of [merchantOut, shopperOut]) {
      await t.db.reorderDue.create({
        data: {
          shop,
          customerId: id,
          productId: fx.products[0],
          lastBoughtAt: new Date("2026-10-01"),
          dueFrom: new Date("2026-11-01"),
          dueTo: new Date("2026-11-20"),
        },
      });
    }
    await setControlGroup(t.db, shop, "rfm", "at-risk", { enabled: true, share: 0.5 });
    await runPublish(t.db, adminFor(standin, shop), shop);
  });
  afterAll(async () => {
    clearRecommenderCache();
    await standin?.close();
    await t?.cleanup();
  });

  it("before opting out both carry app tags (due tag included), metafields and a control-group draw", async () => {
    for (const id of [merchantOut, shopperOut]) {
      expect(appTags(id).length).toBeGreaterThanOrEqual(4);
      expect(appTags(id)).toContain("churnless:due:reorder");
      expect(metafields(id).map((m) => m.key)).toContain("due_products");
      expect(await t.db.holdoutAssignment.count({ where: { shop, customerId: id, leftAt: null } })).toBe(1);
    }
    // Customers with app tags are members of the app's Shopify segments (by the segments' queries).
    for (const id of [merchantOut, shopperOut, movedOut, control]) expect(segmentsOf(id), id).not.toEqual([]);
  });

  it("the shopper opts out through the signed proxy: a confirmation page, then a POST with its token records it", async () => {
    const now = new Date();
    const ts = Math.floor(now.getTime() / 1000);
    const n = String(legacyId(shopperOut));
    const deps = { db: t.db, admin: async () => adminFor(standin, shop) };
    const get = await handleOptOutProxy(new Request(shopperUrl()), deps);
    expect(get.status).toBe(200);
    expect(get.headers.get("Content-Type")).toMatch(/application\/liquid/);
    const html = await get.text();
    expect(html).toContain('action="/apps/churnless/opt-out"');
    const token = /name="token" value="([0-9a-f]{64})"/.exec(html)![1];
    // Nothing is recorded by looking at the page, nor by a POST without the page's token.
    expect((await getOptOut(t.db, shop, shopperOut)).optedOut).toBe(false);
    const forged = await handleOptOutProxy(
      new Request(shopperUrl(), { method: "POST", body: new URLSearchParams({ token: "0".repeat(64) }) }),
      deps,
    );
    expect(forged.status).toBe(403);
    expect((await getOptOut(t.db, shop, shopperOut)).optedOut).toBe(false);
    // An unsigned request is refused.
    const unsigned = await handleOptOutProxy(
      new Request(`http://app.test/proxy/opt-out?shop=${shop}&logged_in_customer_id=${n}&timestamp=${ts}`),
      deps,
    );
    expect(unsigned.status).toBe(401);
    const post = await handleOptOutProxy(
      new Request(shopperUrl(), { method: "POST", body: new URLSearchParams({ token }) }),
      deps,
    );
    expect(post.status).toBe(200);
    expect(await post.text()).toContain("You are opted out");
    const state = await getOptOut(t.db, shop, shopperOut);
    expect(state).toMatchObject({ optedOut: true, source: "shopper" });
    expect(Math.abs(state.optedOutAt!.getTime() - now.getTime())).toBeLessThan(60_000);
    // Its app tags and metafields came off Shopify at once (merchant tags untouched), before any publish.
    expect(appTags(shopperOut)).toEqual([]);
    expect(customer(shopperOut).tags).toEqual(fx.merchantTags.get(shopperOut));
    expect(metafields(shopperOut)).toEqual([]);
    // Its control-group draw ended now.
    expect(await t.db.holdoutAssignment.count({ where: { shop, customerId: shopperOut, leftAt: null } })).toBe(0);
    // A logged-out visitor is asked to log in.
    const anonymous = await handleOptOutProxy(new Request(shopifySigned("/proxy/opt-out", shop, "", ts)), deps);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain("/account/login");

    function shopperUrl() {
      return shopifySigned("/proxy/opt-out", shop, n, ts);
    }
  });

  it("the next publish removes every app tag and metafield of both, leaves merchant tags, fires no trigger for them", async () => {
    await optOutCustomer(t.db, shop, merchantOut, "merchant");
    await optOutCustomer(t.db, shop, movedOut, "merchant");
    // Their bands change: "risk changed" would fire if they were not opted out.
    for (const id of [merchantOut, shopperOut, movedOut, control]) {
      const stored = fx.scores.find((x) => x.customerId === id)!.riskBand;
      await t.db.customerScore.update({
        where: { shop_customerId: { shop, customerId: id } },
        data: { riskBand: stored === "high" ? "low" : "high" },
      });
    }
    // Two change segment ("segment changed") and three become due for a new product ("due to reorder").
    for (const id of [movedOut, control])
      await t.db.customerScore.update({
        where: { shop_customerId: { shop, customerId: id } },
        data: { rfmSegment: "loyal" },
      });
    for (const id of [merchantOut, movedOut, control])
      await t.db.reorderDue.create({
        data: {
          shop,
          customerId: id,
          productId: fx.products[5],
          lastBoughtAt: new Date("2026-10-05"),
          dueFrom: new Date("2026-10-25"),
          dueTo: new Date("2026-11-10"),
        },
      });
    const from = standin.state(shop).flowTriggers.length;
    const report = await runPublish(t.db, adminFor(standin, shop), shop);
    expect(report.errorCount).toBe(0);
    for (const id of [merchantOut, shopperOut, movedOut]) {
      expect(appTags(id), id).toEqual([]);
      expect(customer(id).tags).toEqual(fx.merchantTags.get(id));
      expect(metafields(id), id).toEqual([]);
      // No Shopify segment of the app holds them any more, and no control-group draw is open.
      expect(segmentsOf(id), id).toEqual([]);
      expect(await t.db.holdoutAssignment.count({ where: { shop, customerId: id, leftAt: null } })).toBe(0);
      // The score stays for the shop-level figures.
      expect(await t.db.customerScore.count({ where: { shop, customerId: id } })).toBe(1);
    }
    const fired = (handle: string) =>
      standin
        .state(shop)
        .flowTriggers.slice(from)
        .filter((f) => f.handle === handle)
        .map((f) => (f.payload as { customer_id: number }).customer_id);
    // The customer who did not opt out gets every trigger the same changes call for; the others none.
    for (const handle of [FLOW_RISK_CHANGED, FLOW_SEGMENT_CHANGED, FLOW_DUE_REORDER]) {
      expect(fired(handle), handle).toContain(legacyId(control));
      for (const id of [merchantOut, shopperOut, movedOut]) expect(fired(handle), handle).not.toContain(legacyId(id));
    }
    expect(appTags(control)).toContain("churnless:due:reorder");
    expect(segmentsOf(control)).not.toEqual([]);
    expect(report.extras).toMatchObject({ optedOut: 3 });
    // The merchant's opt-out was recorded without Shopify at hand: the publish deletes its metafields.
    expect(report.extras!.optedOutMetafieldsDeleted).toBeGreaterThanOrEqual(5);
    // An unchanged re-run writes nothing for them.
    const again = await runPublish(t.db, adminFor(standin, shop), shop);
    expect(again.tagsAdded + again.tagsRemoved).toBe(0);
    expect(again.extras!.optedOutMetafieldsDeleted).toBe(0);
  });

  it("storefront: an opted-out shopper gets non-personal recommendations and no due products first; others get theirs", async () => {
    const opts = { recheckMs: 0, staleWhileRebuild: false };
    const r = await recommendForShopper(t.db, shop, { customerId: shopperOut, productIds: [] }, opts);
    expect(r.source).toBe("popular");
    expect(r.due).toBeUndefined();
    // The same question for a customer who did not opt out and is due: personal, the due product first.
    const other = fx.scores.find(
      (s) => ![merchantOut, shopperOut, movedOut, control].includes(s.customerId) && s.recommended.length > 0,
    )!;
    await t.db.reorderDue.create({
      data: {
        shop,
        customerId: other.customerId,
        productId: fx.products[11],
        lastBoughtAt: new Date("2026-10-01"),
        dueFrom: new Date("2026-11-01"),
        dueTo: new Date("2026-11-20"),
      },
    });
    const mine = await recommendForShopper(t.db, shop, { customerId: other.customerId, productIds: [] }, opts);
    expect(mine.source).toBe("personal");
    expect(mine.due).toEqual([fx.products[11]]);
    expect(mine.products[0].id).toBe(fx.products[11]);
    await t.db.reorderDue.deleteMany({ where: { shop, customerId: other.customerId } });
  });

  it("the merchant reverses the merchant's opt-out: the next publish brings tags and metafields back", async () => {
    await restoreCustomer(t.db, shop, merchantOut);
    const state = await getOptOut(t.db, shop, merchantOut);
    expect(state.optedOut).toBe(false);
    expect(state.revokedAt).not.toBeNull();
    await runPublish(t.db, adminFor(standin, shop), shop);
    expect(appTags(merchantOut)).toContain("churnless:due:reorder");
    expect(appTags(merchantOut).length).toBeGreaterThanOrEqual(4);
    expect(metafields(merchantOut).map((m) => m.key)).toContain("risk_band");
    expect(await t.db.holdoutAssignment.count({ where: { shop, customerId: merchantOut, leftAt: null } })).toBe(1);
    expect(appTags(shopperOut)).toEqual([]);
  });

  it("refuses an id that is not a customer's", async () => {
    await expect(optOutCustomer(t.db, shop, "gid://shopify/Order/1", "merchant")).rejects.toThrow(/Not a customer id/);
  });
});
