/**
 * The production build (remix vite:build, served by remix-serve) answers the read_all_orders pieces: the
 * dashboard of a shop whose history Shopify limits to 60 days shows the banner with its plain explanation
 * and the request button, and POST /app/full-history answers (in demo mode, with no Shopify to ask, a 409
 * that says so), never a 5xx. The request against Shopify is in full-history-scope.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateShopSettings } from "../../app/models/shop-settings.server";
import { createSqliteTestDb, type TestDb } from "../helpers/db";
import { buildAppIfStale, startAppServer, type AppServer } from "../e2e/helpers/app-server";

const SHOP = "limited-build.myshopify.com";
let t: TestDb;
let server: AppServer;

beforeAll(async () => {
  buildAppIfStale();
  t = await createSqliteTestDb();
  await updateShopSettings(t.db, SHOP, { historyLimited: true });
  server = await startAppServer({ databaseUrl: t.url, shop: SHOP });
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("the built app, for a shop limited to 60 days of orders", () => {
  it("the dashboard shows the banner, its explanation and the request button", async () => {
    const res = await fetch(`${server.url}/app`);
    expect(res.status, server.logs()).toBe(200);
    const html = await res.text();
    expect(html).toContain("Only the last 60 days of orders are visible");
    expect(html).toMatch(/Shopify shows Churnless only your last 60 days of orders/);
    expect(html).toContain("Allow access to all orders");
  });

  it("POST /app/full-history answers without a 5xx (demo mode: 409, nothing to ask)", async () => {
    const res = await fetch(`${server.url}/app/full-history`, { method: "POST" });
    expect(res.status, server.logs()).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/demo shop has no Shopify to ask/);
    const get = await fetch(`${server.url}/app/full-history`);
    expect(get.status, server.logs()).toBeLessThan(500);
  });
});
