/**
 * The shop's time zone and currency come from Shopify with every sync job and are kept on the Shop row,
 * so the first analysis counts days in the shop's zone and the admin shows its currency before anyone
 * has opened the admin; the admin layout only reads them (asking Shopify for the page when none is kept).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../../app/jobs/runtime/handlers.server";
import { loadShopLocale } from "../../../app/routes/app/shop-locale.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";

const SHOP = "locale-shop.myshopify.com";

describe("the shop's time zone and currency", () => {
  let standin: Standin;
  let t: TestDb;
  beforeAll(async () => {
    const data = generateDemoShop({ shop: SHOP, orders: 60, seed: 5, currencyCode: "EUR" });
    standin = await startStandin({ shops: [{ ...data, ianaTimezone: "Europe/Berlin" }], bulkMinMs: 10 });
    t = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });
  const admin = () => createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });

  it("the admin layout asks Shopify for a shop with none kept, and writes nothing", async () => {
    expect(await loadShopLocale(t.db, SHOP, admin())).toEqual({ currency: "EUR", timeZone: "Europe/Berlin" });
    expect(await t.db.shop.findUnique({ where: { shop: SHOP } })).toBeNull();
    // Without a client (Shopify unreachable) it says what it has: the defaults.
    expect(await loadShopLocale(t.db, SHOP, null)).toEqual({ currency: "USD", timeZone: null });
  });

  it(
    "a sync job stores them before it syncs, and the next one picks up a change made in Shopify",
    { timeout: 120_000 },
    async () => {
      await runJob({ db: t.db, admin: async () => admin() }, { shop: SHOP, kind: "full-sync", only: true });
      const row = await t.db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
      expect([row.currencyCode, row.ianaTimezone]).toEqual(["EUR", "Europe/Berlin"]);
      expect(await loadShopLocale(t.db, SHOP, null)).toEqual({ currency: "EUR", timeZone: "Europe/Berlin" });

      // The merchant changes the shop's zone in Shopify: the next sync job picks it up.
      standin.state(SHOP).data.ianaTimezone = "America/New_York";
      await runJob({ db: t.db, admin: async () => admin() }, { shop: SHOP, kind: "delta-sync", only: true });
      expect((await t.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).ianaTimezone).toBe("America/New_York");
    },
  );
});
