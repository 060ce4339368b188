/**
 * The control-groups page in a real browser (Debian's Chromium) against the built app in demo mode, on a
 * database seeded three ways (test/integration/control-groups/seed-control-groups.ts): with an effect (win-back works for
 * "At risk", not for "Lost"), without one, and still unclear. Each time the page must say what the
 * read-model computes (verdict, the anytime-valid interval, the weeks still needed, the evidence line),
 * and the merchant can enter the incentive's cost and see the revenue uplift net of it. No console error.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { formatCount } from "../../app/components/format";
import { upliftPage } from "../../app/routes/app.uplift/data.server";
import { buildAppIfStale, startAppServer, type AppServer } from "./helpers/app-server";
import { launchBrowser, needChromium, type Browser } from "./helpers/browser";
import { seedDemoShop } from "./helpers/seed";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";
import { seedControlGroups, type Scenario } from "../integration/control-groups/seed-control-groups";

const SHOP = "uplift-e2e.myshopify.com";
const ARTIFACTS = join(process.cwd(), "test/artifacts");
const need = needChromium("the control-groups page in a browser (demo mode)");

let db: Db;
let file: string;
let app: AppServer;
let browser: Browser;
let page: Page;
let standin: Standin;
let asOf: Date;
const errors: string[] = [];

beforeAll(async () => {
  if (need.skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  buildAppIfStale();
  standin = await startStandin({ shops: [] });
  file = join(tmpdir(), `churnless-e2e-uplift-${randomBytes(5).toString("hex")}.sqlite`);
  await migrateDatabase(`file:${file}`);
  db = createDb(`file:${file}`);
  const data = generateDemoShop({ shop: SHOP, orders: 300 });
  const seeded = await seedDemoShop(db, data);
  if (!seeded.analyzed) throw new Error(`runAnalyze failed: ${seeded.analyzeError}`);
  standin.addShop(data);
  const scope = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";
  await db.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "e2e",
      isOnline: false,
      scope,
      accessToken: standin.tokenFor(SHOP),
    },
  });
  asOf = (await db.analysis.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { createdAt: "desc" } })).asOf;
  app = await startAppServer({
    databaseUrl: `file:${file}`,
    shop: SHOP,
    env: { SHOPIFY_ADMIN_API_BASE_URL: standin.url },
  });
  browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => errors.push(`pageerror ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if ((m.type() === "error" || /^Warning:/.test(text)) && !/Failed to load resource/.test(text))
      errors.push(`console ${page.url()}: ${text}`);
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await standin?.close();
  await db?.$disconnect();
  if (file) rmSync(file, { force: true });
  expect(errors).toEqual([]);
});

const signed = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}`;

/** Seeds the scenario, opens the page, and checks each card against the read-model. */
async function open(scenario: Scenario) {
  await seedControlGroups(db, SHOP, scenario, asOf);
  const expected = await upliftPage(db, SHOP, 90);
  await page.goto(`${app.url}/app/uplift`);
  await page.getByRole("heading", { name: "Control groups", level: 1 }).waitFor();
  const cards = page.locator("[data-verdict]");
  expect(await cards.count()).toBe(expected.reports.length);
  for (const [i, r] of expected.reports.entries()) {
    expect(await cards.nth(i).getAttribute("data-verdict")).toBe(r.result.verdict);
    const seq = (await page.locator("[data-sequence]").nth(i).innerText()).replace(/\s+/g, " ");
    expect(seq).toContain(`${signed(r.sequence.diff)} points`);
    if (r.sequence.ready) expect(seq).toContain(`${signed(r.sequence.low)} to ${signed(r.sequence.high)} points`);
    expect(await page.locator("[data-evidence]").nth(i).getAttribute("data-evidence")).toBe(r.evidence.status);
    expect(await page.locator('[data-group="treated"]').nth(i).innerText()).toMatch(
      new RegExp(`^Customers\\s+${formatCount(r.result.treated.customers)}\\s`),
    );
  }
  await page.screenshot({ path: join(ARTIFACTS, `uplift-${scenario}-1440.png`), fullPage: true });
  return expected;
}

describe.skipIf(need.skip)(need.title, () => {
  it("with an effect: 'came back more' for At risk with its interval above 0, no clear difference for Lost", async () => {
    const expected = await open("effect");
    expect(expected.reports.map((r) => [r.name, r.result.verdict])).toEqual([
      ["At risk", "treated-more"],
      ["Lost", "no-clear-difference"],
    ]);
    await page.getByText("Customers in your campaigns came back more than the held-out ones.").waitFor();
    await page.getByText(/Your campaigns bring "At risk" customers back/).waitFor();
    await page
      .getByText(/Best estimate for this segment, borrowing strength/)
      .first()
      .waitFor();
    // The merchant enters the incentive's cost: the revenue uplift is shown net of it.
    const card = page
      .locator("form")
      .filter({ has: page.getByRole("button", { name: "Save cost" }) })
      .first();
    await card.getByLabel("Incentive cost per treated customer").fill("5");
    await card.getByRole("button", { name: "Save cost" }).click();
    await page.getByText(/after the incentive \(\$5\.00 per treated customer\)/).waitFor();
    const after = await upliftPage(db, SHOP, 90);
    expect(after.reports[0].incentiveCost).toBe(5);
    expect(after.reports[0].revenue.net).toBeCloseTo(expected.reports[0].revenue.gross - 5, 9);
    await page.screenshot({ path: join(ARTIFACTS, "uplift-effect-cost-1440.png"), fullPage: true });
  });

  it("without an effect: no clear difference, the interval around 0", async () => {
    const expected = await open("none");
    expect(expected.reports[0].result.verdict).toBe("no-clear-difference");
    await page.getByText(/^No clear difference/).waitFor();
    await page.getByText(/Your campaigns make no difference worth acting on for "At risk" customers/).waitFor();
  });

  it("still unclear: too few customers, and how many more weeks until the answer is expected", async () => {
    const expected = await open("unclear");
    const r = expected.reports[0];
    expect(r.result.verdict).toBe("too-few");
    await page.getByText("Too few customers to tell yet.").waitFor();
    expect(r.weeks?.weeks).not.toBeNull();
    expect(await page.locator("[data-weeks]").innerText()).toContain(
      `Expected to be clear in about ${formatCount(r.weeks!.weeks)} more weeks`,
    );
    expect(await page.locator("[data-pending]").innerText()).toContain(
      `${formatCount(r.pendingTreated + r.pendingHeldOut)} more customers drawn`,
    );
    expect(await page.locator("[data-change]").innerText()).toMatch(/customers were drawn/);
  });

  it("a share of 51 or an empty one gets a message beside the field, the page stays and nothing changes", async () => {
    await open("unclear");
    const before = await db.controlGroup.findMany({ where: { shop: SHOP }, orderBy: { segmentKey: "asc" } });
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Turn on" }) });
    const share = form.getByLabel("Held out (%)");
    for (const typed of ["51", ""]) {
      await share.fill(typed);
      await form.getByRole("button", { name: "Turn on" }).click();
      await form.getByText("Enter a share from 1 to 50%").waitFor();
      expect(await share.getAttribute("aria-invalid")).toBe("true");
      expect(await share.inputValue()).toBe(typed);
      await page.getByRole("heading", { name: "Control groups", level: 1 }).waitFor();
      expect(await page.getByText("This page could not be shown").count()).toBe(0);
      expect(await page.locator("[data-verdict]").count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, `uplift-share-${typed || "empty"}-1440.png`), fullPage: true });
    }
    expect(await db.controlGroup.findMany({ where: { shop: SHOP }, orderBy: { segmentKey: "asc" } })).toEqual(before);
  });
});
