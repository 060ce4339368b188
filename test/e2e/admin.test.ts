/**
 * The merchant admin in a real browser (Debian's Chromium through playwright-core) against the built app
 * in demo mode, on a database seeded with the demo shop and analysed by the real pipeline, with the local
 * Shopify stand-in answering the live reads (names, search, tags, titles, publish). Each page is checked
 * against the database's numbers and the stand-in's data; screenshots go to test/artifacts/ at 1440 and
 * 390 px; no page may log a console error (React warnings included) and no link the admin renders may
 * answer 5xx.
 *
 * The tests do not depend on their order (`vitest --sequence.shuffle` passes): beforeAll sets up the
 * baseline, the demo shop synced and analysed once, never published, with no job running. A test that
 * changes that shop puts it back before it ends (the segment link, the results' events, the trends'
 * orders, the sync page's runs and the jobs the sync started); the settings test, which publishes and
 * re-analyses with other settings, runs on a demo shop of its own behind its own app server.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";
import {
  formatCount,
  formatDate,
  formatDateRange,
  formatMoney,
  formatPercent,
  formatProbability,
} from "../../app/components/format";
import { computeKpis, listSegments, nextActions } from "../../app/routes/app._index/data.server";
import { upliftReport } from "../../app/models/holdouts.server";
import { seedDemoControlGroup } from "../../scripts/demo-control-group";
import { buildAppIfStale, startAppServer, type AppServer } from "./helpers/app-server";
import { launchBrowser, needChromium, type Browser } from "./helpers/browser";
import { seedDemoShop, type SeedResult } from "./helpers/seed";
import { demoAsOf, generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";
import type { StandinShopData } from "../../packages/shopify-standin/src/types";
import { lineItemInput, orderGid, orderInput, orderRow } from "../helpers/orders";

const SHOP = "demo-shop.myshopify.com";
const ZONE = "America/New_York";
const ARTIFACTS = join(process.cwd(), "test/artifacts");

/** A demo shop behind its own app server: its own database, seeded and analysed; the stand-in serves it. */
interface AdminShop {
  shop: string;
  db: Db;
  data: StandinShopData;
  seed: SeedResult;
  app: AppServer;
  close(): Promise<void>;
}

let shopA: AdminShop;
let db: Db;
let app: AppServer;
let browser: Browser;
let page: Page;
let data: StandinShopData;
let standin: Standin;
/** A customer whose live name and tags the customer page must show (the one with the most value at risk). */
let shown: { customerId: string; name: string; tags: string[] };
/** Uncaught errors, console errors and React warnings across every page. */
const browserErrors: string[] = [];

const nameOf = (id: string) => {
  const c = data.customers.find((x) => x.id === id);
  return c ? `${c.firstName} ${c.lastName}` : null;
};
const numeric = (gid: string) => gid.split("/").pop() as string;

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

function watch(p: Page) {
  p.on("pageerror", (e) => browserErrors.push(`pageerror ${p.url()}: ${e.message}`));
  p.on("console", (m) => {
    const text = m.text();
    if ((m.type() === "error" || /^Warning:/.test(text)) && !/Failed to load resource/.test(text))
      browserErrors.push(`console ${p.url()}: ${text}`);
  });
  p.on("response", (r) => {
    if (r.url().endsWith("/favicon.ico") && r.status() !== 200) browserErrors.push(`favicon answered ${r.status()}`);
  });
}

/** Customers by the list's default order: value at risk, highest first, ties by id. */
async function topByValueAtRisk(where: Record<string, unknown> = {}, take = 25, from: Db = db, shop = SHOP) {
  return from.customerScore.findMany({
    where: { shop, ...where },
    orderBy: [{ valueAtRisk: "desc" }, { customerId: "asc" }],
    take,
  });
}

async function waitFor<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 60_000,
  server: AppServer = app,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}\n${server.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until no job of the shop is queued or running (one sync at a time; a test leaves none behind). */
async function jobsFinished(s: { db: Db; shop: string; app: AppServer }, what: string, ms = 120_000) {
  await waitFor(
    () => s.db.syncRun.count({ where: { shop: s.shop, status: { in: ["queued", "running"] } } }),
    (n) => n === 0,
    what,
    ms,
    s.app,
  );
}

/**
 * Opens `shop`: a database of its own with the demo shop as the demo generates it (orders up to the start
 * of today) stored as the sync stores it and analysed by the real pipeline, the same shop served by the
 * stand-in (after `prepare` changed what Shopify holds), an offline session, the shop's time zone, a
 * finished full sync, and the app in demo mode for it.
 */
async function openShop(
  shop: string,
  prepare: (data: StandinShopData, db: Db) => Promise<void> = async () => undefined,
): Promise<AdminShop> {
  const file = join(tmpdir(), `churnless-e2e-${randomBytes(5).toString("hex")}.sqlite`);
  await migrateDatabase(`file:${file}`);
  const shopDb = createDb(`file:${file}`);
  const shopData = generateDemoShop({ shop, orders: 1500 });
  const shopSeed = await seedDemoShop(shopDb, shopData);
  if (!shopSeed.analyzed) throw new Error(`runAnalyze failed: ${shopSeed.analyzeError}`);
  await prepare(shopData, shopDb);
  standin.addShop(shopData);
  const scope = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";
  await shopDb.session.create({
    data: { id: `offline_${shop}`, shop, state: "e2e", isOnline: false, scope, accessToken: standin.tokenFor(shop) },
  });
  await shopDb.shop.update({ where: { shop }, data: { ianaTimezone: ZONE } });
  await shopDb.syncRun.create({
    data: {
      shop,
      kind: "full",
      status: "succeeded",
      ordersCount: shopSeed.orders,
      expectedCount: shopSeed.orders,
      customersCount: shopSeed.customers,
      startedAt: new Date(Date.now() - 3_600_000),
      finishedAt: new Date(Date.now() - 3_500_000),
    },
  });
  const shopApp = await startAppServer({
    databaseUrl: `file:${file}`,
    shop,
    env: { SHOPIFY_ADMIN_API_BASE_URL: standin.url },
  });
  return {
    shop,
    db: shopDb,
    data: shopData,
    seed: shopSeed,
    app: shopApp,
    async close() {
      await shopApp.stop();
      await shopDb.$disconnect();
      rmSync(file, { force: true });
    },
  };
}

const chromiumNeed = needChromium("the admin in a browser (demo mode)");

beforeAll(async () => {
  if (chromiumNeed.skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  buildAppIfStale();
  standin = await startStandin({ shops: [] });
  shopA = await openShop(SHOP, async (shopData, shopDb) => {
    const top = (await topByValueAtRisk({}, 1, shopDb))[0];
    const customer = shopData.customers.find((c) => c.id === top.customerId);
    if (!customer) throw new Error("no customer with value at risk in the demo shop");
    customer.tags = ["newsletter", "churnless:risk:high"];
    shown = { customerId: customer.id, name: `${customer.firstName} ${customer.lastName}`, tags: customer.tags };
    // A customer whose name a spreadsheet would run as a formula (Shopify holds it): the CSV must defuse it.
    const secondId = (await topByValueAtRisk({ riskBand: "high" }, 2, shopDb))[1].customerId;
    const second = shopData.customers.find((c) => c.id === secondId)!;
    second.firstName = "=HYPERLINK(1)";
  });
  ({ db, app, data } = shopA);
  browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  watch(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await shopA?.close();
  await standin?.close();
  // Every page of every test, whichever ran last.
  expect(browserErrors).toEqual([]);
});

describe.skipIf(chromiumNeed.skip)(chromiumNeed.title, () => {
  it("the demo shop is a living shop: its orders run up to the day the demo starts", async () => {
    const last = await db.order.findFirst({ where: { shop: SHOP }, orderBy: { processedAt: "desc" } });
    const today = demoAsOf();
    expect(today.getTime()).toBe(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()),
    );
    expect(today.getTime() - (last?.processedAt.getTime() ?? 0)).toBeLessThan(3 * 86_400_000);
    // The customer list shows it: the most recent buyer ordered days ago, not weeks.
    const recent = await db.customerScore.findFirst({
      where: { shop: SHOP },
      orderBy: [{ recencyDays: "asc" }, { customerId: "asc" }],
    });
    await page.goto(`${app.url}/app/customers?sort=recencyDays&direction=asc`);
    const days = await page.locator(`[data-days-since="${recent?.customerId}"]`).textContent();
    expect(Number(days)).toBe(Math.round(recent!.recencyDays));
    expect(Number(days)).toBeLessThanOrEqual(3);
  });

  it("the dashboard: KPIs, comparisons, actions by revenue at stake, readable charts, tag status", async () => {
    await page.goto(`${app.url}/app`);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const kpis = await computeKpis(db, SHOP);
    const sumVar =
      (await db.customerScore.aggregate({ where: { shop: SHOP }, _sum: { valueAtRisk: true } }))._sum.valueAtRisk ?? 0;
    expect(kpis.customers).toBeGreaterThan(100);
    expect(await page.locator('[data-kpi="customers"]').textContent()).toBe(formatCount(kpis.customers));
    expect(await page.locator('[data-kpi="repeatRate"]').textContent()).toBe(formatPercent(kpis.repeatRate));
    // The dashboard's value at risk is the customer list's column, summed.
    expect(await page.locator('[data-kpi="revenueAtRisk"]').textContent()).toBe(formatMoney(sumVar, "USD"));
    expect(await page.locator('[data-kpi="medianClv"]').textContent()).toBe(formatMoney(kpis.medianClv, "USD"));
    await page.getByText("Customers analysed", { exact: true }).waitFor();
    // The churn rate says what it is compared with.
    const comparison = (await page.locator('[data-kpi-comparison="churnRate"]').allTextContents()).join(" | ");
    expect(comparison).toMatch(/before: \d+\.\d%/);
    expect(comparison).toMatch(/Backtest: the model predicted \d+\.\d%, \d+\.\d% happened/);
    // Nothing written to the store yet.
    expect(await page.getByTestId("tag-status").textContent()).toMatch(/Preview, nothing written yet$/); // after the badge's hidden tone

    // What to do next: each action once, by value at risk.
    const expected = nextActions(await listSegments(db, SHOP));
    const titles = await page
      .locator("[data-action]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
    expect(titles).toEqual(expected.map((a) => a.title));
    expect(new Set(titles).size).toBe(titles.length);
    const stakes = await page.locator("[data-action-stake]").allTextContents();
    expect(stakes).toEqual(expected.map((a) => formatMoney(a.valueAtRisk, "USD")));

    // Charts: every RFM segment has a labelled bar and a legend entry; the histogram has axis titles.
    const groups = await db.customerScore.groupBy({
      by: ["rfmSegment"],
      where: { shop: SHOP },
      _count: { _all: true },
    });
    expect(await page.locator("[data-chart='bar-list'] [data-bar]").count()).toBe(groups.length);
    // Each bar's label sits clear of its bar (above it, not on it).
    const overlapping = await page.locator("[data-chart='bar-list'] [data-bar]").evaluateAll((els) =>
      els
        .filter((el) => {
          const label = el.firstElementChild!.getBoundingClientRect();
          const bar = el.lastElementChild!.getBoundingClientRect();
          return label.height === 0 || label.bottom > bar.top + 0.5;
        })
        .map((el) => el.getAttribute("data-bar")),
    );
    expect(overlapping).toEqual([]);
    expect(await page.locator("[data-chart='donut'] [data-legend-item]").count()).toBe(groups.length);
    const histogram = page.locator("[data-chart='risk-histogram']");
    await histogram.getByText("Customers", { exact: true }).waitFor();
    await histogram.getByText(/Chance of no order within \d+ days/).waitFor();
    const bands = await histogram
      .locator("rect")
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("fill")))]);
    expect(bands.length).toBeGreaterThanOrEqual(2);
    // Cohorts: a scroll hint; the month in progress is blank, not 0%.
    await page.getByTestId("cohort-scroll-hint").waitFor();
    const analysis = await db.analysis.findFirst({ where: { shop: SHOP }, orderBy: { createdAt: "desc" } });
    const month = analysis!.asOf.toISOString().slice(0, 7);
    const current = page.locator(`[data-cell="${month}:0"]`);
    if (await current.count()) expect((await current.textContent())?.trim()).toBe("");
    const prevMonth = new Date(Date.UTC(analysis!.asOf.getUTCFullYear(), analysis!.asOf.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    expect((await page.locator(`[data-cell="${prevMonth}:1"]`).textContent())?.trim()).toBe("");
    expect(await page.locator(`[data-cell="${prevMonth}:0"]`).textContent()).toBe("100%");
    // Dates in the shop's time zone.
    await page
      .getByText(`Analysis of ${formatDate(analysis!.asOf.toISOString(), ZONE)}`)
      .first()
      .waitFor();
    await shot(page, "dashboard-1440");
  });

  it("the customer list: savable customers first, names read live for the rows on screen only", async () => {
    const total = await db.customerScore.count({ where: { shop: SHOP } });
    const before = standin.calls(SHOP).length;
    await page.goto(`${app.url}/app/customers`);
    await page.getByText(`${formatCount(total)} customers match, most value at risk first`).waitFor();
    const expected = await topByValueAtRisk();
    const ids = await page
      .locator("[data-customer-id]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-customer-id")));
    expect(ids).toEqual(expected.map((s) => s.customerId));
    // Names come from Shopify (the stand-in): exactly the rows on screen, one nodes(ids:) request.
    const names = await page.locator("[data-customer-id]").allTextContents();
    expect(names).toEqual(expected.map((s) => nameOf(s.customerId)));
    const calls = standin
      .calls(SHOP)
      .slice(before)
      .map((c) => c.operation);
    expect(calls.filter((op) => op === "nodes")).toHaveLength(1);
    expect(calls.filter((op) => op === "customers" || op === "customer")).toHaveLength(0);
    // Value at risk, risk with its horizon, days since last order, next-order range.
    const first = expected[0];
    expect(await page.locator(`[data-value-at-risk="${first.customerId}"]`).textContent()).toBe(
      formatMoney(first.valueAtRisk, "USD"),
    );
    const horizon = (await db.analysis.findFirst({ where: { shop: SHOP }, orderBy: { createdAt: "desc" } }))!
      .horizonDays;
    expect(await page.locator(`[data-risk="${first.customerId}"]`).textContent()).toBe(
      `${formatProbability(first.churnProbability)} over ${horizon} days`,
    );
    expect(await page.locator(`[data-days-since="${first.customerId}"]`).textContent()).toBe(
      formatCount(Math.round(first.recencyDays)),
    );
    const nextText = await page.locator(`[data-next-order="${first.customerId}"]`).textContent();
    if (first.nextOrderEarliest && first.nextOrderLatest) {
      expect(nextText).toBe(
        `${formatDate(first.nextOrderEarliest.toISOString(), ZONE)} to ${formatDate(first.nextOrderLatest.toISOString(), ZONE)}`,
      );
    } else if (!first.nextOrderDate) expect(nextText).toBe("Unlikely");
    // The pagination bar comes after the last row.
    const lastRow = await page.locator(".Polaris-IndexTable__TableRow").last().boundingBox();
    const bar = await page.getByTestId("customers-pagination").boundingBox();
    expect(bar!.y).toBeGreaterThanOrEqual(lastRow!.y + lastRow!.height - 1);
    await shot(page, "customers-1440");

    // Sorting on the server, by clicking a heading.
    await page.getByRole("button", { name: /^Orders/ }).click();
    await page.waitForURL(/sort=orders/);
    const byOrders = await db.customerScore.findFirst({
      where: { shop: SHOP },
      orderBy: [{ orders: page.url().includes("direction=asc") ? "asc" : "desc" }, { customerId: "asc" }],
    });
    await page
      .locator("[data-customer-id]")
      .first()
      .and(page.locator(`[data-customer-id="${byOrders?.customerId}"]`))
      .waitFor();
  });

  it("search goes through Shopify's customer search to the app's scores", async () => {
    const target = data.customers.find((c) => c.id === shown.customerId)!;
    const matching = data.customers
      .filter((c) => `${c.firstName} ${c.lastName} ${c.email}`.toLowerCase().includes(target.lastName.toLowerCase()))
      .map((c) => c.id);
    const scored = await db.customerScore.findMany({
      where: { shop: SHOP, customerId: { in: matching } },
      select: { customerId: true },
    });
    await page.goto(`${app.url}/app/customers`);
    await page.getByPlaceholder("Search by name, email or customer number").fill(target.lastName);
    await page.waitForURL(new RegExp(`q=${encodeURIComponent(target.lastName)}`));
    await page.getByText(`${formatCount(scored.length)} customers match “${target.lastName}”`).waitFor();
    const ids = await page
      .locator("[data-customer-id]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-customer-id")));
    expect(new Set(ids)).toEqual(new Set(scored.map((s) => s.customerId).slice(0, 25)));
    expect(ids).toContain(shown.customerId);
    // A customer number finds that customer.
    await page.goto(`${app.url}/app/customers?q=${numeric(shown.customerId)}`);
    await page.getByText("1 customer matches").waitFor();
    expect(await page.locator("[data-customer-id]").textContent()).toBe(shown.name);
    await shot(page, "customers-search");
  });

  it("the CSV export carries names read at export time, the filter, and defused formulas", async () => {
    await page.goto(`${app.url}/app/customers?risk=high`);
    const high = await db.customerScore.count({ where: { shop: SHOP, riskBand: "high" } });
    await page.getByText(`${formatCount(high)} customers match`).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^churnless-customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path()) as string, "utf8");
    const lines = text.trim().split("\n");
    const header = lines[0].split(",");
    expect(header.slice(0, 4)).toEqual(["customer_number", "name", "email", "value_at_risk"]);
    expect(lines.length - 1).toBe(high);
    const expected = await topByValueAtRisk({ riskBand: "high" }, 3);
    const firstRow = lines[1].split(",");
    expect(firstRow[0]).toBe(numeric(expected[0].customerId));
    const defused = (v: string | null) => (v && /^[=+\-@]/.test(v) ? `'${v}` : v);
    expect(firstRow[1]).toBe(defused(nameOf(expected[0].customerId)));
    expect(firstRow[header.indexOf("email")]).toBe(data.customers.find((c) => c.id === expected[0].customerId)!.email);
    expect(lines.every((l, i) => i === 0 || l.includes(",high,"))).toBe(true);
    // The merchant's customer named "=HYPERLINK(1) ..." is written so no spreadsheet runs it.
    const formula = lines.find((l) => l.includes("HYPERLINK"));
    expect(formula?.split(",")[1]).toMatch(/^'=HYPERLINK\(1\) /);
    expect(lines.some((l) => /(^|,)=/.test(l))).toBe(false);
    // Names are read for the export, never stored.
    const stored = JSON.stringify(
      await db.customerScore.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: shown.customerId } } }),
    );
    expect(stored).not.toContain(shown.name.split(" ")[1]);
  });

  it("the customer page: live name and tags, product titles, plain words, Open in Shopify without a warning", async () => {
    const score = await db.customerScore.findUnique({
      where: { shop_customerId: { shop: SHOP, customerId: shown.customerId } },
    });
    await page.goto(`${app.url}/app/customers/${numeric(shown.customerId)}`);
    await page.getByRole("heading", { name: shown.name, level: 1 }).waitFor();
    for (const tag of shown.tags) await page.getByText(tag, { exact: true }).waitFor();
    await page.getByText(formatPercent(score!.churnProbability)).first().waitFor();
    await page.getByText("Still a customer (P(alive))").waitFor();
    await page.getByText(/Recency \d · Frequency \d · Money \d/).waitFor();
    const recs = JSON.parse(score!.recommendedJson) as Array<{ productId: string } | string>;
    const firstRec = typeof recs[0] === "string" ? recs[0] : recs[0]?.productId;
    if (firstRec) {
      const product = data.products.find((p) => p.id === firstRec)!;
      expect(await page.locator(`[data-product="${firstRec}"]`).textContent()).toContain(product.title);
    }
    await page
      .getByRole("button", { name: "Open in Shopify" })
      .or(page.getByRole("link", { name: "Open in Shopify" }))
      .first()
      .waitFor();
    await shot(page, "customer-1440");
  });

  it("shows the demo's control group result and due-to-reorder products, and a shopper's opt-out and back", async () => {
    // The control group `npm run demo` turns on (scripts/demo-control-group.ts), on this demo shop.
    const cg = await seedDemoControlGroup(db, SHOP, { asOf: demoAsOf() });
    const due = await db.reorderDue.findFirst({
      where: { shop: SHOP },
      orderBy: [{ dueFrom: "asc" }, { customerId: "asc" }],
    });
    expect(due, "the analysis found customers due to reorder a consumable").not.toBeNull();
    // The customer as Shopify (the stand-in) holds it: its tags are what the opt-out changes.
    const person = standin.state(SHOP).data.customers.find((c) => c.id === due!.customerId)!;
    const tagsBefore = person.tags;
    try {
      await page.goto(`${app.url}/app/uplift`);
      // Customers count once their 90 days from the draw are over by the results' as-of date.
      const report = await upliftReport(db, SHOP, "rfm", cg.segmentKey, 90);
      const counted = new Date(report.asOf.getTime() - 90 * 86_400_000);
      const heldOut = await db.holdoutAssignment.count({
        where: { shop: SHOP, segmentKey: cg.segmentKey, heldOut: true, assignedAt: { lte: counted } },
      });
      const drawn = await db.holdoutAssignment.count({
        where: { shop: SHOP, segmentKey: cg.segmentKey, assignedAt: { lte: counted } },
      });
      expect(heldOut).toBeGreaterThan(0);
      expect(report.result.heldOut.customers).toBe(heldOut);
      expect(report.result.treated.customers).toBe(drawn - heldOut);
      expect(await page.locator('[data-group="treated"]').innerText()).toMatch(
        new RegExp(`^Customers\\s+${formatCount(drawn - heldOut)}\\s`),
      );
      expect(await page.locator('[data-group="held-out"]').innerText()).toMatch(
        new RegExp(`^Customers\\s+${formatCount(heldOut)}\\s`),
      );
      const verdict = {
        "treated-more": "Customers in your campaigns came back more than the held-out ones.",
        "treated-less": "Customers in your campaigns came back less than the held-out ones.",
        "no-clear-difference": "No clear difference",
        "too-few": "Too few customers to tell yet.",
      }[report.result.verdict];
      await page.getByText(verdict).first().waitFor();
      await shot(page, "uplift-1440");

      // The customer page lists the due products (titles from Shopify) with their windows, as stored.
      person.tags = ["vip", "churnless:due:reorder", "churnless:risk:low"];
      const rows = await db.reorderDue.findMany({ where: { shop: SHOP, customerId: person.id } });
      await page.goto(`${app.url}/app/customers/${numeric(person.id)}`);
      for (const r of rows) {
        const title = data.products.find((p) => p.id === r.productId)!.title;
        await page
          .getByText(
            `${title}: expected ${formatDateRange(r.dueFrom.toISOString(), r.dueTo.toISOString(), ZONE)} (last bought ${formatDate(r.lastBoughtAt.toISOString(), ZONE)}`,
          )
          .waitFor();
      }
      // Opting out from the customer page: recorded with its date and source, the app's tags come off
      // Shopify at once (the merchant's stay); undoing it is recorded too.
      const clicked = new Date();
      await page.getByRole("button", { name: "Opt out of automated decisions" }).click();
      await page.getByText(`Opted out on ${formatDate(clicked.toISOString(), ZONE)} (by you)`).waitFor();
      const out = await db.customerOptOut.findUnique({
        where: { shop_customerId: { shop: SHOP, customerId: person.id } },
      });
      expect(out).toMatchObject({ source: "merchant", revokedAt: null });
      expect(out!.optedOutAt.getTime()).toBeGreaterThanOrEqual(clicked.getTime() - 1000);
      expect(standin.state(SHOP).data.customers.find((c) => c.id === person.id)!.tags).toEqual(["vip"]);
      await shot(page, "customer-opted-out-1440");
      await page.getByRole("button", { name: "Undo the opt-out" }).click();
      await page.getByRole("button", { name: "Opt out of automated decisions" }).waitFor();
      const back = await db.customerOptOut.findUnique({
        where: { shop_customerId: { shop: SHOP, customerId: person.id } },
      });
      expect(back!.revokedAt).not.toBeNull();
    } finally {
      await db.customerOptOut.deleteMany({ where: { shop: SHOP, customerId: person.id } });
      await db.holdoutAssignment.deleteMany({ where: { shop: SHOP } });
      await db.controlGroup.deleteMany({ where: { shop: SHOP } });
      person.tags = tagsBefore;
    }
  });

  it("with protected customer data Level 1 only, customers show by number with one line saying why", async () => {
    standin.setProtectedDataLevel(1);
    try {
      await page.goto(`${app.url}/app/customers`);
      const expected = await topByValueAtRisk({}, 3);
      await page.getByTestId("names-note").waitFor();
      expect(await page.getByTestId("names-note").textContent()).toMatch(/protected customer data Level 2/);
      expect(await page.locator("[data-customer-id]").first().textContent()).toBe(
        `Customer #${numeric(expected[0].customerId)}`,
      );
      const texts = await page.locator("[data-customer-id]").allTextContents();
      expect(texts.every((t) => /^Customer #\d+$/.test(t))).toBe(true);
      await shot(page, "customers-level1");
      await page.goto(`${app.url}/app/customers/${numeric(shown.customerId)}`);
      await page.getByRole("heading", { name: `Customer #${numeric(shown.customerId)}`, level: 1 }).waitFor();
      await page.getByTestId("names-note").waitFor();
      for (const tag of shown.tags) await page.getByText(tag, { exact: true }).waitFor();
    } finally {
      standin.setProtectedDataLevel(2);
    }
  });

  it("segments link to their customers, their Shopify segment once published, and Flow for the win-back", async () => {
    const atRisk = await db.segment.findFirst({
      where: {
        shop: SHOP,
        kind: "rfm",
        active: true,
        key: { in: ["at_risk", "cant_lose", "hibernating", "about_to_sleep"] },
      },
      orderBy: { size: "desc" },
    });
    expect(atRisk).not.toBeNull();
    await db.segment.update({ where: { id: atRisk!.id }, data: { shopifySegmentId: "gid://shopify/Segment/4242" } });
    try {
      await page.goto(`${app.url}/app/segments`);
      const card = page.locator(`[data-segment-card="rfm:${atRisk!.key}"]`);
      expect(await card.getByRole("link", { name: /Open the Shopify segment/ }).getAttribute("href")).toBe(
        "https://admin.shopify.com/store/demo-shop/customers/segments/4242",
      );
      expect(await card.getByRole("link", { name: /Shopify Flow/ }).getAttribute("href")).toBe(
        "https://admin.shopify.com/store/demo-shop/apps/flow",
      );
      expect(await card.getByRole("link", { name: "See customers" }).getAttribute("href")).toBe(
        `/app/customers?segment=${encodeURIComponent(`rfm:${atRisk!.key}`)}`,
      );
      await shot(page, "segments-1440");
      // A risk band's page (it was a 500) lists the band's customers with the most value at risk.
      const res = await page.goto(`${app.url}/app/segments/risk:high`);
      expect(res?.status()).toBe(200);
      const best = (await topByValueAtRisk({ riskBand: "high" }, 1))[0];
      await page.locator(`[data-customer-id="${best.customerId}"]`).first().waitFor();
      expect(await page.locator(`[data-customer-id="${best.customerId}"]`).first().textContent()).toBe(
        nameOf(best.customerId),
      );
    } finally {
      await db.segment.update({ where: { id: atRisk!.id }, data: { shopifySegmentId: atRisk!.shopifySegmentId } });
    }
  });

  it("every link the admin renders answers without a server error, and a missing page links back", async () => {
    const seen = new Set<string>();
    const queue = [
      "/app",
      "/app/segments",
      "/app/customers",
      "/app/results",
      "/app/sync",
      "/app/settings",
      "/app/segments/risk:high",
      "/app/segments/risk:low",
    ];
    const failures: string[] = [];
    while (queue.length && seen.size < 60) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await page.goto(`${app.url}${path}`);
      if (!res || res.status() >= 500) {
        failures.push(`${path} -> ${res?.status()}`);
        continue;
      }
      const hrefs = await page
        .locator("a[href]")
        .evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).getAttribute("href") ?? ""));
      for (const href of hrefs) {
        if (!href.startsWith("/app")) continue;
        const p = href.split("#")[0];
        // One customer page and one page of each list is enough to follow (all their links are alike).
        if (/^\/app\/customers\/\d+$/.test(p) && [...seen].some((s) => /^\/app\/customers\/\d+$/.test(s))) {
          const r = await page.request.get(`${app.url}${p}`);
          if (r.status() >= 500) failures.push(`${p} -> ${r.status()}`);
          continue;
        }
        if (!seen.has(p)) queue.push(p);
      }
    }
    expect(failures, failures.join("\n")).toEqual([]);
    expect(seen.size).toBeGreaterThan(15);
    const missing = await page.goto(`${app.url}/app/no-such-page`);
    expect(missing?.status()).toBe(404);
    await page.getByText("This page does not exist").waitFor();
    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await page.waitForURL(/\/app\/?$/);
    const favicon = await page.request.get(`${app.url}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()["content-type"]).toMatch(/icon/);
  }, 180_000);

  it("settings say when they apply, show the automatic horizon, and publish now from the preview", async () => {
    // Publishing and re-analysing with other settings change a shop for good: this test has a demo shop
    // of its own (database, stand-in shop and app server), so the others keep theirs unpublished.
    const own = await openShop("settings-demo.myshopify.com");
    const ownPage = await browser.context.newPage();
    ownPage.setDefaultTimeout(15_000);
    watch(ownPage);
    try {
      const analysis = await own.db.analysis.findFirst({ where: { shop: own.shop }, orderBy: { createdAt: "desc" } });
      await ownPage.goto(`${own.app.url}/app/settings`);
      expect(await ownPage.getByLabel("Churn horizon (days)").getAttribute("placeholder")).toBe(
        `Automatic: ${analysis!.horizonDays} days now`,
      );
      await ownPage.getByText("These apply at the next analysis").waitFor();
      await ownPage.getByText(/theme block's own “Number of products” setting/).waitFor();
      const editor = await ownPage
        .getByRole("link", { name: "Add the block to the product page" })
        .getAttribute("href");
      expect(editor).toBe(
        `https://${own.shop}/admin/themes/current/editor?template=product&addAppBlockId=e2e-api-key%2Frecommendations&target=mainSection`,
      );

      // Preview, then Publish now: the tags are written and the dashboard says so.
      const clicked = new Date();
      await ownPage.getByRole("button", { name: "Preview tag changes" }).click();
      await waitFor(
        () => own.db.syncRun.findFirst({ where: { shop: own.shop, kind: "preview", startedAt: { gte: clicked } } }),
        (r) => r?.status === "succeeded",
        "the preview",
        60_000,
        own.app,
      );
      await ownPage.goto(`${own.app.url}/app/settings`);
      await ownPage
        .getByText(/preview, nothing written yet/)
        .first()
        .waitFor();
      ownPage.once("dialog", (d) => void d.accept());
      await ownPage.getByRole("button", { name: "Publish now" }).click();
      await ownPage.getByText("Publishing the tags and segments of the preview now").waitFor();
      const shop = await waitFor(
        () => own.db.shop.findUnique({ where: { shop: own.shop } }),
        (s) => !!s?.lastPublishAt,
        "the publish",
        120_000,
        own.app,
      );
      const tagged = standin.state(own.shop).data.customers.filter((c) => c.tags.some((t) => /^churnless:/.test(t)));
      expect(tagged.length).toBeGreaterThan(0);
      await ownPage.goto(`${own.app.url}/app`);
      expect(await ownPage.getByTestId("tag-status").textContent()).toMatch(
        /Published \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC−5$/,
      );
      expect(shop!.autoTag).toBe(false);

      // Re-analyze now runs an analysis with the saved settings.
      await ownPage.goto(`${own.app.url}/app/settings`);
      await ownPage.getByLabel("Churn horizon (days)").fill("120");
      await ownPage.getByRole("button", { name: "Save", exact: true }).click();
      await ownPage.getByText("Settings saved.").waitFor();
      const reanalyze = new Date();
      await ownPage.getByRole("button", { name: "Re-analyze now" }).click();
      await waitFor(
        () => own.db.syncRun.findFirst({ where: { shop: own.shop, kind: "analyze", startedAt: { gte: reanalyze } } }),
        (r) => r?.status === "succeeded",
        "the analysis",
        120_000,
        own.app,
      );
      const run = await own.db.analysis.findFirst({ where: { shop: own.shop }, orderBy: { createdAt: "desc" } });
      expect(run!.createdAt.getTime()).toBeGreaterThanOrEqual(reanalyze.getTime() - 1000);
      expect(run!.horizonDays).toBe(120);
      await shot(ownPage, "settings-1440");
    } finally {
      await ownPage.close();
      await own.close();
    }
  }, 400_000);

  it("trends after two analyses: churn rate, value at risk, segment sizes and who moved", async () => {
    // Since the last analysis, 40 customers who had lapsed ordered again; the next analysis moves them.
    // (The orders are taken out and the shop analysed again at the end: the other tests see the baseline.)
    const lapsed = await db.customerScore.findMany({
      where: { shop: SHOP, orders: { gte: 2 } },
      orderBy: [{ recencyDays: "desc" }, { customerId: "asc" }],
      take: 40,
    });
    const yesterday = new Date(demoAsOf().getTime() - 86_400_000 + 3_600_000);
    const { runAnalyze } = await import("../../app/jobs/analyze/run.server");
    const added: string[] = [];
    try {
      for (const [i, c] of lapsed.entries()) {
        for (let k = 0; k < 3; k++) {
          const at = new Date(yesterday.getTime() - k * 86_400_000 * 5);
          const again = orderInput({
            id: orderGid(`99${i}${k}`),
            customerId: c.customerId,
            processedAt: at,
            updatedAt: yesterday,
            total: 500,
            currency: "USD",
          });
          await db.order.create({ data: orderRow(SHOP, again) });
          added.push(again.id);
        }
      }
      await runAnalyze(db, SHOP);
      const snapshots = await db.analysisSnapshot.findMany({ where: { shop: SHOP }, orderBy: { asOf: "asc" } });
      expect(snapshots.length).toBeGreaterThanOrEqual(2);
      const latest = snapshots[snapshots.length - 1];
      const moves = JSON.parse(latest.movesJson) as Array<{ from: string; to: string; customers: number }>;
      expect(moves.length).toBeGreaterThan(0);
      expect(moves.reduce((n, m) => n + m.customers, 0)).toBeGreaterThanOrEqual(20);
      await page.goto(`${app.url}/app/results`);
      const top = moves[0];
      expect(await page.locator(`[data-move="${top.from}>${top.to}"]`).textContent()).toMatch(
        new RegExp(`^${formatCount(top.customers)} .+ (slipped|moved up) to .+$`),
      );
      const sizes = JSON.parse(latest.segmentsJson) as Record<string, number>;
      for (const [key, n] of Object.entries(sizes))
        expect(await page.locator(`[data-trend-segment="${key}"]`).textContent()).toContain(`: ${formatCount(n)}`);
      // Churn rate and value at risk per analysis, the last two as kept; the latest value at risk is the
      // scores' sum now.
      const sumVar =
        (await db.customerScore.aggregate({ where: { shop: SHOP }, _sum: { valueAtRisk: true } }))._sum.valueAtRisk ??
        0;
      expect(latest.valueAtRisk).toBeCloseTo(sumVar, 2);
      const [churnLine, valueLine] = await page
        .locator('[data-chart="trend"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
      const lastTwo = snapshots.slice(-2);
      const day = (at: Date) => formatDate(at.toISOString(), ZONE);
      expect(churnLine).toMatch(
        new RegExp(
          `${lastTwo.map((x) => `${day(x.asOf)}: ${formatPercent(x.observedChurn ?? x.predictedChurn)}`).join(", ")}$`,
        ),
      );
      expect(
        valueLine.endsWith(lastTwo.map((x) => `${day(x.asOf)}: ${formatMoney(x.valueAtRisk, "USD")}`).join(", ")),
      ).toBe(true);
      await shot(page, "results-trends-1440");
    } finally {
      await db.order.deleteMany({ where: { shop: SHOP, id: { in: added } } });
      await runAnalyze(db, SHOP);
    }
  });

  it("the results page: impressions, clicks, CTR and attributed orders by week, placement and product, from RecEvent", async () => {
    const products = data.products.slice(0, 3);
    const today = new Date().toISOString().slice(0, 10);
    const events = { shop: SHOP, day: today, productId: { in: products.map((p) => p.id) } };
    // The shop's baseline has no storefront events; the ones made here are taken out again.
    expect(await db.recEvent.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.recAttribution.count({ where: { shop: SHOP } })).toBe(0);
    // An order placed after a click on a recommended product (the cart carried the block's mark).
    const now = new Date();
    const attributed = orderInput({
      id: orderGid("9900001"),
      processedAt: now,
      total: 123.45,
      currency: "USD",
      lineItems: [lineItemInput(products[2].id, { unitPrice: 100 })],
    });
    try {
      // The first two shown on product pages, the third in the cart (the block's template, its placement).
      for (const [i, p] of products.entries()) {
        const placement = i === 2 ? "cart" : "product";
        await db.recEvent.create({
          data: { shop: SHOP, day: today, productId: p.id, kind: "impression", placement, count: 100 * (i + 1) },
        });
        await db.recEvent.create({
          data: { shop: SHOP, day: today, productId: p.id, kind: "click", placement, count: 7 * (i + 1) },
        });
      }
      await db.order.create({ data: orderRow(SHOP, attributed) });
      await db.recAttribution.create({
        data: {
          shop: SHOP,
          orderId: attributed.id,
          productId: products[2].id,
          clickedAt: new Date(Math.max(Date.parse(`${today}T00:00:00Z`), now.getTime() - 60_000)),
          processedAt: now,
          placement: "cart",
        },
      });
      await page.goto(`${app.url}/app/results`);
      const table = page.getByTestId("results-products");
      await table.getByText(products[2].title).waitFor();
      const row = table.locator("tr", { hasText: products[2].title });
      expect(await row.locator("td").allTextContents()).toEqual(expect.arrayContaining(["300", "21", "7.0%"]));
      const week = page.getByTestId("results-weeks").locator("tbody tr").last();
      const cells = await week.locator("td").allTextContents();
      // Impressions, clicks, CTR, attributed orders and their revenue for this week, as stored.
      expect(cells.slice(0, 5)).toEqual(["600", "42", "7.0%", "1", formatMoney(123.45, "USD")]);
      // By placement and week: this week's product pages and cart, the order on the cart's line.
      const byPlacement = await page
        .getByTestId("results-placements")
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
      expect(byPlacement).toEqual([
        ["Cart", "300", "21", "7.0%", "1", formatMoney(123.45, "USD")],
        ["Product pages", "300", "21", "7.0%", "0", formatMoney(0, "USD")],
      ]);
      await shot(page, "results-1440");
    } finally {
      await db.recEvent.deleteMany({ where: events });
      await db.recAttribution.deleteMany({ where: { shop: SHOP, orderId: attributed.id } });
      await db.order.deleteMany({ where: { shop: SHOP, id: attributed.id } });
    }
  });

  it("the sync page: progress moves with Shopify's export, then with the orders stored, one line per job", async () => {
    // One sync at a time: the page offers "Start full sync" only when no job of the shop is queued or running.
    await jobsFinished(shopA, "jobs started before this test");
    const run = await db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "full",
        status: "running",
        ordersCount: 0,
        detailsJson: JSON.stringify({ phase: "exporting", bulkObjectCount: 3200, warnings: [] }),
      },
    });
    await page.goto(`${app.url}/app/sync`);
    const counts = page.getByTestId("active-run").getByTestId("sync-counts");
    await counts.filter({ hasText: "Shopify is exporting your orders: 3,200 objects exported so far" }).waitFor();
    await db.syncRun.update({
      where: { id: run.id },
      data: { detailsJson: JSON.stringify({ phase: "exporting", bulkObjectCount: 9100, warnings: [] }) },
    });
    await counts.filter({ hasText: "9,100 objects exported so far" }).waitFor({ timeout: 10_000 });
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        expectedCount: 1000,
        ordersCount: 640,
        lineItemsCount: 1500,
        detailsJson: JSON.stringify({ phase: "downloading", warnings: [] }),
      },
    });
    await counts.filter({ hasText: "640 of 1,000 orders stored (64%)" }).waitFor({ timeout: 10_000 });
    await shot(page, "sync-running");
    await db.syncRun.update({
      where: { id: run.id },
      data: { status: "failed", error: "THROTTLED: bucket empty after 6 attempts", finishedAt: new Date() },
    });
    await page.getByText("Shopify asked us to slow down").first().waitFor({ timeout: 10_000 });
    // One line per job: kind, status and counts side by side.
    const line = await page
      .getByTestId("sync-counts")
      .filter({ hasText: "640 of 1,000 orders stored" })
      .first()
      .evaluate((el) => el.closest(".Polaris-InlineStack")?.textContent ?? "");
    for (const part of ["Full sync", "Failed", "640 of 1,000 orders stored", "finished"]) expect(line).toContain(part);

    // A real full sync against the stand-in, started from the page, runs to the end. It stores the
    // stand-in's orders again (the same as the baseline's) and the analysis it starts scores them as the
    // baseline's; the test waits for that analysis and takes its made-up run out again before it ends.
    try {
      await page.reload();
      const clicked = new Date();
      await page.getByRole("button", { name: "Start full sync" }).click();
      await page.getByText("Sync in progress").waitFor({ timeout: 20_000 });
      await page.getByText("Sync in progress").waitFor({ state: "detached", timeout: 120_000 });
      const runs = await db.syncRun.findMany({
        where: { shop: SHOP, startedAt: { gte: clicked } },
        orderBy: { startedAt: "asc" },
      });
      expect(
        runs.map((r) => `${r.kind}:${r.status}`),
        app.logs(),
      ).toContain("full:succeeded");
      const full = runs.find((r) => r.kind === "full");
      expect(full?.ordersCount).toBe(data.orders.length);
      await page
        .getByTestId("sync-counts")
        .filter({ hasText: `${formatCount(data.orders.length)} of` })
        .first()
        .waitFor();
      await shot(page, "sync-done");
    } finally {
      await jobsFinished(shopA, "the jobs the full sync started");
      await db.syncRun.delete({ where: { id: run.id } });
    }
  }, 300_000);

  it("works at phone width: no sideways scroll, sorting by a menu", async () => {
    const phone = await browser.context.newPage();
    watch(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ["/app", "dashboard-390"],
      ["/app/customers", "customers-390"],
      ["/app/segments", "segments-390"],
      ["/app/results", "results-390"],
      ["/app/settings", "settings-390"],
      [`/app/customers/${numeric(shown.customerId)}`, "customer-390"],
    ] as const) {
      await phone.goto(`${app.url}${path}`);
      await phone.locator(".Polaris-Page").first().waitFor();
      await shot(phone, name);
      const overflow = await phone.evaluate(() => {
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((el) => `${el.tagName}.${el.className}`);
        return { by: document.documentElement.scrollWidth - window.innerWidth, wide };
      });
      expect(overflow.by, `${path} scrolls sideways at phone width: ${overflow.wide.join(" | ")}`).toBeLessThanOrEqual(
        1,
      );
    }
    await phone.goto(`${app.url}/app/customers`);
    await phone.getByLabel("Sort by").selectOption("orders:desc");
    await phone.waitForURL(/sort=orders&direction=desc/);
    const best = await db.customerScore.findFirst({
      where: { shop: SHOP },
      orderBy: [{ orders: "desc" }, { customerId: "asc" }],
    });
    await phone
      .locator("[data-customer-id]")
      .first()
      .and(phone.locator(`[data-customer-id="${best?.customerId}"]`))
      .waitFor();
    await shot(phone, "customers-390-sorted");
    await phone.close();
    expect(browserErrors).toEqual([]);
  });
});
