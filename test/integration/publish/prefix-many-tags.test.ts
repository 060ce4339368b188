/**
 * The prefix check reads every customer tag of the shop, not only the first page. Shop.customerTags takes
 * only `first` (no cursor, as the pinned Admin schema says), so a shop with more tags than a page holds
 * is read customer by customer (customers(first, after) with endCursor); a reading cut short refuses the
 * change. Then the publish under the accepted prefix leaves every merchant tag as it was.
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
const appKinds = (prefix: string) => new RegExp(`^${prefix}:(risk|segment|cluster|holdout|due)(:|$)`);

describe("tag prefix check on a shop with more tags than one page", () => {
  let standin: Standin;
  let t: TestDb;
  const fx = buildFixture({ shop: "many-tags.myshopify.com", customers: 60, staleShare: 0 });
  const shop = fx.data.shop;
  const data = cloneData(fx.data);
  // 280 merchant tags spread over the customers; the one that collides with "mine" comes last.
  for (let i = 0; i < 280; i++) data.customers[i % data.customers.length].tags.push(`merchant-tag-${i}`);
  data.customers.at(-1)!.tags.push("mine:risk:keep");
  const merchantOf = new Map(data.customers.map((c) => [c.id, [...c.tags]]));

  beforeAll(async () => {
    standin = await startStandin({ shops: [data], bucketSize: 20_000, restoreRate: 10_000, bulkMinMs: 20 });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    await t.db.analysis.create({ data: { shop, asOf: new Date(), horizonDays: 90, model: "test" } });
    await updateShopSettings(t.db, shop, { autoTag: true, previewSeenAt: new Date() });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it("Shop.customerTags holds one page and has no cursor to ask for the next", async () => {
    const admin = adminFor(standin, shop);
    const page = await admin.request<{
      shop: { customerTags: { nodes: string[]; pageInfo: { hasNextPage: boolean } } };
    }>(`query { shop { customerTags(first: 250) { nodes pageInfo { hasNextPage } } } }`);
    expect(page.shop.customerTags.nodes).toHaveLength(250);
    expect(page.shop.customerTags.pageInfo.hasNextPage).toBe(true);
    expect(page.shop.customerTags.nodes).not.toContain("mine:risk:keep");
    await expect(admin.request(`query { shop { customerTags(first: 250, after: "x") { nodes } } }`)).rejects.toThrow(
      /after/,
    );
  });

  it("reads every tag through the customers' pages, and refuses the colliding prefix", async () => {
    const admin = adminFor(standin, shop);
    const read = await readShopCustomerTags(admin, { first: 25 });
    expect(read.complete).toBe(true);
    expect(read.source).toBe("customers");
    expect(read.tags.map(tagKey)).toContain("mine:risk:keep");
    expect(read.tags.filter((x) => x.startsWith("merchant-tag-"))).toHaveLength(280);

    const refused = await changeTagPrefix(t.db, shop, "mine", () => readShopCustomerTags(admin));
    expect(refused).toMatchObject({ ok: false, collisions: ["mine:risk:keep"] });
    expect((await getShopSettings(t.db, shop)).tagPrefix).toBe("churnless");
  });

  it("refuses any change while the list is incomplete (a reading cut short)", async () => {
    const admin = adminFor(standin, shop);
    const cut = await readShopCustomerTags(admin, { first: 10, maxPages: 2 });
    expect(cut.complete).toBe(false);
    const refused = await changeTagPrefix(t.db, shop, "retain", () => readShopCustomerTags(admin, { maxPages: 0 }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/more customer tags than could be read/);
    expect((await getShopSettings(t.db, shop)).tagPrefix).toBe("churnless");
  });

  it("accepts a free prefix after reading every tag, and the publish keeps every merchant tag", async () => {
    const admin = adminFor(standin, shop);
    const changed = await changeTagPrefix(t.db, shop, "retain", () => readShopCustomerTags(admin));
    expect(changed).toMatchObject({ ok: true, changed: true, prefix: "retain" });
    await updateShopSettings(t.db, shop, { previewSeenAt: new Date() });
    const report = await runPublish(t.db, admin, shop, { ...QUIET, force: true });
    expect(report.mode).toBe("publish");
    expect(report.errorCount).toBe(0);
    for (const c of standin.state(shop).data.customers) {
      expect(
        c.tags.filter((x) => !appKinds("retain").test(tagKey(x))),
        c.id,
      ).toEqual(merchantOf.get(c.id));
    }
  });
});
