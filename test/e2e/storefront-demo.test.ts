/**
 * The demo's storefront end to end, in Chromium: `npm run demo` (the built app, the stand-in's shop
 * synced and analysed) serves a storefront whose pages carry the recommendations block rendered from the
 * extension's Liquid, behind a consent banner, with the app proxy signed as Shopify signs it. A shopper
 * accepts the banner, clicks a recommendation, adds that product to the cart and places the order (the
 * cart attribute goes with it, orders/create reaches the app); the admin's Results page then counts the
 * impressions, the click and one attributed order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, needChromium } from "./helpers/browser";
import { freePort } from "./helpers/app-server";

const ARTIFACTS = join(process.cwd(), "test/artifacts");
const need = needChromium("the demo's storefront: consent, click, order with the attribute, results");

describe.skipIf(need.skip)(need.title, () => {
  const dir = mkdtempSync(join(tmpdir(), "churnless-storefront-demo-"));
  let demo: ChildProcess | undefined;
  let output = "";
  let admin = "";
  let storefront = "";
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const clean = { ...process.env };
    delete clean.CHURNLESS_DEMO;
    delete clean.SHOPIFY_ADMIN_API_BASE_URL;
    delete clean.REDIS_URL;
    const port = await freePort();
    demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--orders", "400"], {
      env: { ...clean, PORT: String(port), DATABASE_URL: `file:${join(dir, "demo.sqlite")}`, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const a = /the admin for \S+ is at (http:\/\/\S+)\/app/.exec(output);
        const s = /the storefront of \S+ is at (http:\/\/\S+) /.exec(output);
        if (a && s) {
          admin = a[1];
          storefront = s[1];
          resolve();
        }
      };
      demo!.stdout!.on("data", read);
      demo!.stderr!.on("data", read);
      demo!.on("exit", (code) => reject(new Error(`the demo exited (${code}) before serving:\n${output}`)));
    });
    await started;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    if (demo?.pid && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo!.once("exit", resolve));
      demo.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("walks consent, a click on a recommendation, an order with the cart attribute and the Results page", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${storefront}/`);
    const first = page.locator("main ul.grid a").first();
    await first.click();
    await page.waitForURL(/\/products\//);
    // The block's products, through the signed proxy; the banner asks first.
    await page.waitForSelector("churnless-recommendations [data-product-id]");
    const banner = page.getByRole("region", { name: "Cookie consent" });
    await expect(banner.isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "storefront-demo-product.png"), fullPage: true });
    await banner.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => banner.count()).toBe(0);
    const card = page.locator("churnless-recommendations .churnless-recs__link").first();
    const clickedTitle = (await card.locator(".churnless-recs__title").textContent())?.trim();
    await card.click();
    await page.waitForFunction((title) => document.querySelector("h1")?.textContent === title, clickedTitle);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    await page.screenshot({ path: join(ARTIFACTS, "storefront-demo-cart.png"), fullPage: true });
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByRole("status").textContent()).resolves.toMatch(/Order #\d+ placed/);
    expect(errors).toEqual([]);

    // The admin's Results: the impressions, the click and the order it led to.
    const results = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const stat = async (label: string) => {
      await results.goto(`${admin}/app/results`);
      const text = await results.locator("body").innerText();
      return Number(new RegExp(`${label}\\s+([\\d,]+)`).exec(text)?.[1]?.replace(/,/g, "") ?? NaN);
    };
    await expect.poll(() => stat("Attributed orders"), { timeout: 30_000, interval: 2_000 }).toBe(1);
    expect(await stat("Clicks")).toBe(1);
    expect(await stat("Impressions")).toBeGreaterThanOrEqual(1);
    await results.screenshot({ path: join(ARTIFACTS, "storefront-demo-results.png"), fullPage: true });
  });
});
