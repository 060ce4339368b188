/**
 * The admin keeps up with what it does, in a real browser (Debian's Chromium) against the built app in
 * demo mode: a preview marked out of date after a publish, with Publish off; pages that keep themselves
 * on bad input with a message for the field; customer rows that are real links (keyboard, middle click)
 * and show risk, value at risk and next order at 390 px; plain words (thousands separators, plurals);
 * /nope leading back into the app; every admin page checked by axe-core (injected into the page) with no
 * serious or critical violation; no console error or warning anywhere. Screenshots go to test/artifacts/.
 */
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { buildAppIfStale, startAppServer, type AppServer } from "./helpers/app-server";
import { launchBrowser, needChromium, type Browser } from "./helpers/browser";
import { seedDemoShop } from "./helpers/seed";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";

const SHOP = "usable-shop.myshopify.com";
const ARTIFACTS = join(process.cwd(), "test/artifacts");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const SCOPE = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";

let standin: Standin;
let db: Db;
let file: string;
let app: AppServer;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];

function watch(p: Page) {
  p.on("pageerror", (e) => browserErrors.push(`pageerror ${p.url()}: ${e.message}`));
  p.on("console", (m) => {
    const text = m.text();
    if (
      (m.type() === "error" || m.type() === "warning" || /^Warning:/.test(text)) &&
      !/Failed to load resource/.test(text)
    )
      browserErrors.push(`console ${m.type()} ${p.url()}: ${text}`);
  });
}

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 120_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${app.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** axe-core run in the page: the serious and critical violations, each with the first offending nodes. */
async function axeViolations(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: AXE });
  const found = await p.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
  });
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(" ")}`);
}

const chromium = needChromium("the admin keeps up, survives bad input, opens rows (browser)");

beforeAll(async () => {
  if (chromium.skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  buildAppIfStale();
  standin = await startStandin({ shops: [] });
  file = join(tmpdir(), `churnless-e2e-${randomBytes(5).toString("hex")}.sqlite`);
  await migrateDatabase(`file:${file}`);
  db = createDb(`file:${file}`);
  const data = generateDemoShop({ shop: SHOP, orders: 1500 });
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
  await db.shop.update({ where: { shop: SHOP }, data: { ianaTimezone: "America/New_York" } });
  app = await startAppServer({
    databaseUrl: `file:${file}`,
    shop: SHOP,
    env: { SHOPIFY_ADMIN_API_BASE_URL: standin.url },
  });
  browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  watch(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.$disconnect();
  if (file) rmSync(file, { force: true });
  await standin?.close();
  expect(browserErrors).toEqual([]);
});

describe.skipIf(chromium.skip)(chromium.title, () => {
  it("bad input in the customers' address keeps the page, with a message for each field", async () => {
    const long = "x".repeat(201);
    await page.goto(`${app.url}/app/customers?q=${long}&sort=nope&risk=extreme&page=0`);
    await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
    const messages = await page.getByTestId("query-errors").textContent();
    expect(messages).toContain("Search: Search for at most 200 characters");
    expect(messages).toContain("Sort: Sort by one of:");
    expect(messages).toContain("Risk band: The risk band is low, medium or high");
    expect(messages).toContain("Page: The page must be a whole number from 1");
    expect(await page.getByText("This page could not be shown").count()).toBe(0);
    // The list is there, unfiltered by what was dropped.
    const total = await db.customerScore.count({ where: { shop: SHOP } });
    expect(await page.locator("[data-value-at-risk]").count()).toBe(25);
    expect(await page.getByText(`${total.toLocaleString("en-US")} customers match`).count()).toBe(1);
    await shot(page, "usable-customers-bad-input-1440");
  });

  it("customer rows are links: keyboard, middle click into a new tab, a click on the row", async () => {
    await page.goto(`${app.url}/app/customers`);
    const top = await db.customerScore.findFirst({
      where: { shop: SHOP },
      orderBy: [{ valueAtRisk: "desc" }, { customerId: "asc" }],
    });
    const id = top!.customerId.split("/").pop();
    const link = page.locator(`a[href="/app/customers/${id}"]`).first();
    await link.waitFor();
    // Keyboard: the link takes focus and Enter opens the customer.
    await link.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe(`/app/customers/${id}`);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/app/customers/${id}`);
    await page.goBack();
    await page.locator(`a[href="/app/customers/${id}"]`).first().waitFor();
    // Middle click: a new tab on the customer page.
    const [tab] = await Promise.all([
      browser.context.waitForEvent("page"),
      page.locator(`a[href="/app/customers/${id}"]`).first().click({ button: "middle" }),
    ]);
    await tab.waitForLoadState();
    expect(tab.url()).toContain(`/app/customers/${id}`);
    await tab.close();
  });

  it("at 390 px a customer row shows its risk, value at risk and next order", async () => {
    const small = await browser.context.newPage();
    watch(small);
    try {
      await small.setViewportSize({ width: 390, height: 844 });
      await small.goto(`${app.url}/app/customers`);
      const first = small.locator("[data-value-at-risk]").first();
      await first.waitFor();
      const id = await first.getAttribute("data-value-at-risk");
      for (const attr of ["data-value-at-risk", "data-risk", "data-next-order"])
        expect(await small.locator(`[${attr}="${id}"]`).isVisible(), attr).toBe(true);
      expect(await small.locator(`[data-next-order="${id}"]`).textContent()).toMatch(/\d{4}-\d{2}-\d{2}|Unlikely/);
      await shot(small, "usable-customers-390");
    } finally {
      await small.close();
    }
  });

  it("/nope and /app/nope lead back into the app", async () => {
    await page.goto(`${app.url}/nope`);
    await page.getByRole("link", { name: "Back to the Churnless dashboard" }).click();
    await page.waitForURL(`${app.url}/app`);
    await page.goto(`${app.url}/app/nope`);
    await page.getByText("This page does not exist").waitFor();
    await shot(page, "usable-app-nope-1440");
    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await page.waitForURL(`${app.url}/app`);
  });

  it("after Publish now the preview is marked out of date and Publish is off; it lists every kind of change", async () => {
    const clicked = new Date();
    await page.goto(`${app.url}/app/settings`);
    await page.getByRole("button", { name: "Preview tag changes" }).click();
    await waitFor(
      () => db.syncRun.findFirst({ where: { shop: SHOP, kind: "preview", startedAt: { gte: clicked } } }),
      (r) => r?.status === "succeeded",
      "the preview",
    );
    await page.goto(`${app.url}/app/settings`);
    const lines = (await page.getByTestId("preview-lines").textContent()) ?? "";
    // Each kind of tag change with its count (the separators are checked in test/models/customers.test.ts).
    expect(lines).toMatch(/[\d,]+ of [\d,]+ customers would get different tags/);
    expect(lines).toMatch(/Segment tags: [\d,]+ added/);
    expect(lines).toMatch(/Churn-risk tags: [\d,]+ added/);
    expect(await page.getByTestId("preview-stale").count()).toBe(0);
    const publish = page.getByRole("button", { name: "Publish now" });
    expect(await publish.isDisabled()).toBe(false);
    page.once("dialog", (d) => void d.accept());
    await publish.click();
    await waitFor(
      () => db.shop.findUnique({ where: { shop: SHOP } }),
      (s) => !!s?.lastPublishAt,
      "the publish",
    );
    await waitFor(
      () => db.syncRun.count({ where: { shop: SHOP, status: { in: ["queued", "running"] } } }),
      (n) => n === 0,
      "the jobs",
    );
    await page.goto(`${app.url}/app/settings`);
    expect(await page.getByTestId("preview-stale").textContent()).toMatch(/published after this preview/);
    expect(await page.getByRole("button", { name: "Publish now" }).isDisabled()).toBe(true);
    await shot(page, "usable-settings-stale-1440");
  });

  it("every admin page passes axe-core with no serious or critical violation", async () => {
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
    const found: string[] = [];
    for (const path of pages) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      for (const v of await axeViolations(page)) found.push(`${path}: ${v}`);
    }
    expect(found).toEqual([]);
  });
});
