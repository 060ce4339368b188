/**
 * The merchant admin in a real browser (Debian's Chromium through playwright-core) against the built app
 * in demo mode, on a database seeded with the demo shop and analysed by the real pipeline. Each page is
 * checked against the database's numbers; a filter changes the table; a settings change survives a
 * reload; the CSV downloads with the filtered rows; a running sync's progress moves while the page polls.
 * Screenshots go to test/artifacts/.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import { formatCount, formatMoney, formatPercent } from "../../app/components/format";
import { computeKpis } from "../../app/models/dashboard.server";
import { buildAppIfStale, startAppServer, type AppServer } from "./helpers/app-server";
import { launchBrowser, type Browser } from "./helpers/browser";
import { seedDemoShop, type SeedResult } from "./helpers/seed";
import { generateDemoShop } from "../standin/demo-shop";
import { startStandin, type Standin } from "../standin/server";
import type { StandinShopData } from "../standin/types";

const SHOP = "demo-shop.myshopify.com";
const ARTIFACTS = join(process.cwd(), "test/artifacts");
const dbFile = join(tmpdir(), `churnless-e2e-${randomBytes(5).toString("hex")}.sqlite`);

let db: Db;
let app: AppServer;
let browser: Browser;
let page: Page;
let seed: SeedResult;
let data: StandinShopData;
let standin: Standin;
/** A low-risk customer whose live name and tags the customer page must show. */
let shown: { customerId: string; name: string; tags: string[] };
/** Uncaught errors and console errors (hydration mismatches show up here) across every page. */
const browserErrors: string[] = [];

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until every Polaris Viz chart on the page has drawn its SVG (they render only after mount). */
async function chartsDrawn(p: Page) {
  const charts = p.locator("[data-chart]");
  const n = await charts.count();
  for (let i = 0; i < n; i++) await charts.nth(i).locator("svg").first().waitFor({ timeout: 15_000 });
  return n;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildAppIfStale();
  await migrateDatabase(`file:${dbFile}`);
  db = createDb(`file:${dbFile}`);
  data = generateDemoShop({ shop: SHOP, orders: 1500 });
  seed = await seedDemoShop(db, data);
  if (!seed.analyzed) throw new Error(`runAnalyze failed: ${seed.analyzeError}`);
  // The stand-in plays Shopify for live reads (names, tags) and for a real sync started from the page.
  const lowTop = await db.customerScore.findFirst({ where: { shop: SHOP, riskBand: "low" }, orderBy: [{ churnProbability: "desc" }, { customerId: "asc" }] });
  const customer = data.customers.find((c) => c.id === lowTop?.customerId);
  if (!customer) throw new Error("no low-risk customer in the demo shop");
  customer.tags = ["newsletter", "churnless:risk-low"];
  shown = { customerId: customer.id, name: `${customer.firstName} ${customer.lastName}`, tags: customer.tags };
  standin = await startStandin({ shops: [data] });
  const scope = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";
  await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "e2e", isOnline: false, scope, accessToken: standin.tokenFor(SHOP) } });
  await db.syncRun.create({
    data: { shop: SHOP, kind: "full", status: "succeeded", ordersCount: seed.orders, expectedCount: seed.orders, customersCount: seed.customers, startedAt: new Date(Date.now() - 3_600_000), finishedAt: new Date(Date.now() - 3_500_000) },
  });
  app = await startAppServer({ databaseUrl: `file:${dbFile}`, shop: SHOP, env: { SHOPIFY_ADMIN_API_BASE_URL: standin.url } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => browserErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon|Failed to load resource/.test(m.text())) browserErrors.push(`console: ${m.text()}`);
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await standin?.close();
  await db?.$disconnect();
  rmSync(dbFile, { force: true });
});

describe("the admin in a browser (demo mode)", () => {
  it("the dashboard shows the shop's KPIs, charts and sync status from the database", async () => {
    await page.goto(`${app.url}/app`);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.getByText("Sync status").waitFor();
    const kpis = await computeKpis(db, SHOP);
    expect(kpis.customers).toBeGreaterThan(100);
    expect(await page.locator('[data-kpi="customers"]').textContent()).toBe(formatCount(kpis.customers));
    expect(await page.locator('[data-kpi="repeatRate"]').textContent()).toBe(formatPercent(kpis.repeatRate));
    expect(await page.locator('[data-kpi="revenueAtRisk"]').textContent()).toBe(formatMoney(kpis.revenueAtRisk, "USD"));
    expect(await page.locator('[data-kpi="medianClv"]').textContent()).toBe(formatMoney(kpis.medianClv, "USD"));
    expect(await chartsDrawn(page)).toBe(3);
    await page.getByText("Cohort retention").waitFor();
    expect(await page.locator("table[aria-label^='Cohort retention'] tbody tr").count()).toBeGreaterThan(3);
    await page.getByText("What to do next").waitFor();
    await shot(page, "dashboard");
  });

  it("the segments page lists the analysis' segments and a cluster rename persists", async () => {
    await page.goto(`${app.url}/app/segments`);
    const clusters = await db.segment.findMany({ where: { shop: SHOP, kind: "cluster" }, orderBy: { size: "desc" } });
    expect(clusters.length).toBeGreaterThan(1);
    const first = clusters[0];
    await page.locator(`[data-segment="${first.key}"]`).first().waitFor();
    expect(await page.getByText(formatCount(first.size), { exact: true }).count()).toBeGreaterThan(0);
    const card = page.locator(`[data-segment-card="cluster:${first.key}"]`);
    await card.getByLabel("Rename").fill("Renamed by the merchant");
    await card.getByRole("button", { name: "Save" }).click();
    await page.locator(`[data-segment="${first.key}"]`, { hasText: "Renamed by the merchant" }).waitFor();
    await page.reload();
    await page.locator(`[data-segment="${first.key}"]`, { hasText: "Renamed by the merchant" }).waitFor();
    expect((await db.segment.findFirst({ where: { shop: SHOP, kind: "cluster", key: first.key } }))?.customName).toBe("Renamed by the merchant");
    await shot(page, "segments");

    // The segment's own page: its numbers and its most valuable customers.
    await card.getByRole("link", { name: "Details" }).click();
    await page.getByRole("heading", { name: "Renamed by the merchant", level: 1 }).waitFor();
    await page.getByRole("link", { name: `All ${formatCount(first.size)} customers` }).waitFor();
    const best = await db.customerScore.findFirst({ where: { shop: SHOP, clusterKey: first.key }, orderBy: [{ clv12m: "desc" }, { customerId: "asc" }] });
    await page.getByRole("link", { name: `Customer ${best?.customerId.split("/").pop()}` }).first().waitFor();
  });

  it("the customer table filters on the server, and the CSV export downloads the filtered rows", async () => {
    const total = await db.customerScore.count({ where: { shop: SHOP } });
    await page.goto(`${app.url}/app/customers`);
    await page.getByText(`${formatCount(total)} customers match`).waitFor();
    const firstBefore = await page.locator("[data-customer-id]").first().getAttribute("data-customer-id");
    const top = await db.customerScore.findFirst({ where: { shop: SHOP }, orderBy: [{ churnProbability: "desc" }, { customerId: "asc" }] });
    expect(firstBefore).toBe(top?.customerId);

    // Filter: low risk, through the Filters bar.
    const low = await db.customerScore.count({ where: { shop: SHOP, riskBand: "low" } });
    await page.getByRole("button", { name: /Risk band/ }).first().click();
    await page.locator("label", { hasText: /^Low$/ }).click();
    await page.getByText(`${formatCount(low)} customers match`).waitFor();
    expect(page.url()).toContain("risk=low");
    const lowTop = await db.customerScore.findFirst({ where: { shop: SHOP, riskBand: "low" }, orderBy: [{ churnProbability: "desc" }, { customerId: "asc" }] });
    await page.locator(`[data-customer-id="${lowTop?.customerId}"]`).waitFor();
    expect(low).toBeLessThan(total);
    await page.keyboard.press("Escape");

    // Sorting is done by the server: by predicted CLV, highest first.
    await page.getByRole("button", { name: /Predicted CLV \(12 m\)/ }).click();
    await page.waitForURL(/sort=clv12m/);
    const lowBest = await db.customerScore.findFirst({ where: { shop: SHOP, riskBand: "low" }, orderBy: [{ clv12m: page.url().includes("direction=asc") ? "asc" : "desc" }, { customerId: "asc" }] });
    await page.locator("[data-customer-id]").first().and(page.locator(`[data-customer-id="${lowBest?.customerId}"]`)).waitFor();
    await shot(page, "customers-low-risk");

    // CSV of the current filter.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^churnless-customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path()) as string, "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^customer_id,orders,/);
    expect(csv.length - 1).toBe(low);
    expect(csv.slice(1).every((line) => line.split(",")[7] === "low")).toBe(true);
    expect(csv[1].split(",")[0]).toBe(lowBest?.customerId); // in the table's sort order

    // The customer page from a row.
    await page.locator(`[data-customer-id="${lowTop?.customerId}"]`).click();
    await page.waitForURL(/\/app\/customers\/\d+$/);
    await page.getByText("Why this risk").waitFor();
    await page.getByText(formatPercent(lowTop?.churnProbability ?? 0)).first().waitFor();
    await page.locator("svg[aria-label*=' orders from ']").first().waitFor();
    // Name and tags come live from Shopify (the stand-in) and are never stored.
    expect(shown.customerId).toBe(lowTop?.customerId);
    await page.getByRole("heading", { name: shown.name }).waitFor();
    for (const tag of shown.tags) await page.getByText(tag, { exact: true }).waitFor();
    await shot(page, "customer");
  });

  it("a settings change persists across a reload", async () => {
    await page.goto(`${app.url}/app/settings`);
    await page.getByLabel("Churn horizon (days)").fill("120");
    await page.getByLabel("Tag prefix").fill("cl");
    await page.getByLabel("Cluster tags").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Settings saved.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Churn horizon (days)").inputValue()).toBe("120");
    expect(await page.getByLabel("Tag prefix").inputValue()).toBe("cl");
    expect(await page.getByLabel("Cluster tags").isChecked()).toBe(false);
    const shop = await db.shop.findUnique({ where: { shop: SHOP } });
    expect(shop).toMatchObject({ churnHorizonDays: 120, tagPrefix: "cl", tagClusters: false });

    // Bad input: a clear message, nothing saved.
    await page.getByLabel("Tag prefix").fill("bad prefix!");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("only use letters, digits and dashes").waitFor();
    expect((await db.shop.findUnique({ where: { shop: SHOP } }))?.tagPrefix).toBe("cl");
    await shot(page, "settings");
  });

  it("the sync page follows a running sync until it is done", async () => {
    const run = await db.syncRun.create({ data: { shop: SHOP, kind: "full", status: "running", ordersCount: 100, expectedCount: 1000 } });
    await page.goto(`${app.url}/app/sync`);
    const counts = page.getByTestId("active-run").getByTestId("sync-counts");
    await counts.filter({ hasText: "100 of 1,000 orders" }).waitFor();
    await db.syncRun.update({ where: { id: run.id }, data: { ordersCount: 640, lineItemsCount: 1500 } });
    await counts.filter({ hasText: "640 of 1,000 orders" }).waitFor({ timeout: 10_000 });
    await shot(page, "sync-running");
    await db.syncRun.update({ where: { id: run.id }, data: { status: "failed", error: "THROTTLED: bucket empty after 6 attempts", finishedAt: new Date() } });
    await page.getByText("Shopify asked us to slow down").first().waitFor({ timeout: 10_000 });
    await page.getByText("Sync in progress").waitFor({ state: "detached" });
    await shot(page, "sync-failed");

    // A real full sync against the stand-in, started from the page, runs to the end.
    const clicked = new Date();
    await page.getByRole("button", { name: "Start full sync" }).click();
    await page.getByText("Sync in progress").waitFor({ timeout: 20_000 });
    await page.getByText("Sync in progress").waitFor({ state: "detached", timeout: 90_000 });
    const runs = await db.syncRun.findMany({ where: { shop: SHOP, startedAt: { gte: clicked } }, orderBy: { startedAt: "asc" } });
    expect(runs.map((r) => `${r.kind}:${r.status}`), app.logs()).toContain("full:succeeded");
    expect(runs.every((r) => r.status === "succeeded"), JSON.stringify(runs.map((r) => [r.kind, r.status, r.error]))).toBe(true);
    const full = runs.find((r) => r.kind === "full");
    expect(full?.ordersCount).toBe(data.orders.length);
    await page.getByTestId("sync-counts").filter({ hasText: `${formatCount(data.orders.length)} of` }).first().waitFor();
    await shot(page, "sync-done");
  }, 150_000);

  it("works at phone width", async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [["/app", "phone-dashboard"], ["/app/customers", "phone-customers"]] as const) {
      await phone.goto(`${app.url}${path}`);
      await phone.locator(".Polaris-Page").first().waitFor();
      if (path === "/app") await chartsDrawn(phone);
      await shot(phone, name);
      const overflow = await phone.evaluate(() => {
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((el) => `${el.tagName}.${el.className}`);
        return { by: document.documentElement.scrollWidth - window.innerWidth, wide };
      });
      expect(overflow.by, `${path} scrolls sideways at phone width: ${overflow.wide.join(" | ")}`).toBeLessThanOrEqual(1);
    }
    await phone.close();
    expect(browserErrors).toEqual([]);
  });
});
