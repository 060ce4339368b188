/**
 * Every admin page under the development build (remix vite:dev, React's development mode, as
 * `shopify app dev` serves it) in demo mode against the stand-in, in a real browser: no console error or
 * warning (React key warnings, hydration mismatches, Vite errors) and no uncaught error on any page. The
 * production build's run is admin-usable.test.ts; one browser, one pass over the pages.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import type { AppServer } from "./helpers/app-server";
import { startDevServer } from "./helpers/dev-server";
import { launchBrowser, needChromium, type Browser } from "./helpers/browser";
import { seedDemoShop } from "./helpers/seed";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";

const SHOP = "dev-build-shop.myshopify.com";
const SCOPE = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";

let standin: Standin;
let db: Db;
let file: string;
let app: AppServer;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];

const chromium = needChromium("every admin page under the development build (browser)");

beforeAll(async () => {
  if (chromium.skip) return;
  standin = await startStandin({ shops: [] });
  file = join(tmpdir(), `churnless-e2e-dev-${randomBytes(5).toString("hex")}.sqlite`);
  await migrateDatabase(`file:${file}`);
  db = createDb(`file:${file}`);
  const data = generateDemoShop({ shop: SHOP, orders: 300 });
  const seed = await seedDemoShop(db, data);
  if (!seed.analyzed) throw new Error(`runAnalyze failed: ${seed.analyzeError}`);
  standin.addShop(data);
  await db.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "e2e",
      isOnline: false,
      scope: SCOPE,
      accessToken: standin.tokenFor(SHOP),
    },
  });
  app = await startDevServer({
    databaseUrl: `file:${file}`,
    shop: SHOP,
    env: { SHOPIFY_ADMIN_API_BASE_URL: standin.url },
  });
  browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (e) => browserErrors.push(`pageerror ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if (
      (m.type() === "error" || m.type() === "warning" || /^Warning:/.test(text)) &&
      !/Failed to load resource/.test(text)
    )
      browserErrors.push(`console ${m.type()} ${page.url()}: ${text.slice(0, 600)}`);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.$disconnect();
  if (file) rmSync(file, { force: true });
  await standin?.close();
});

describe.skipIf(chromium.skip)(chromium.title, () => {
  it("shows every admin page with no console error or warning", async () => {
    const top = await db.customerScore.findFirst({ where: { shop: SHOP }, orderBy: { valueAtRisk: "desc" } });
    const pages = [
      "/app",
      "/app/customers",
      `/app/customers/${top!.customerId.split("/").pop()}`,
      "/app/segments",
      "/app/sync",
      "/app/settings",
      "/app/data-requests",
      "/app/results",
      "/app/uplift",
      "/app/nope",
    ];
    const shown: string[] = [];
    for (const path of pages) {
      const res = await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      // The page rendered (a Polaris page's heading is there); a missing one is reported with the others.
      const heading = await page
        .locator("h1")
        .first()
        .textContent({ timeout: 5000 })
        .catch((error: Error) => {
          console.warn(`[admin-dev] ${path}: no heading within 5 s (${error.message.split("\n")[0]})`);
          return null;
        });
      shown.push(`${path} ${res?.status()}${heading === null ? " without a heading" : ""}`);
    }
    expect({ pages: shown.filter((s) => !/ (200|404)$/.test(s)), console: browserErrors }).toEqual({
      pages: [],
      console: [],
    });
  }, 150_000);
});
