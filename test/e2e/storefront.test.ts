/**
 * Storefront test: the recommendations block in Chromium against the running app proxy.
 *
 * A node:http server plays the storefront: it serves a page rendered from blocks/recommendations.liquid
 * (a tiny hand substitution of the tags the block uses, for a shopper without the customer metafield),
 * the extension's real assets, Shopify's storefront JSON (/products/HANDLE.js,
 * /recommendations/products.json, /cart/update.js), and plays Shopify's app proxy: /apps/churnless/*
 * is signed (shop, logged_in_customer_id from the "session" cookie, path_prefix, timestamp, signature)
 * and handed to the Remix routes' loader/action (app/routes/proxy.*.tsx) on a migrated SQLite database.
 * Scenarios: a logged-in customer gets their own recommendations, an anonymous product page gets
 * product recommendations, a forged signature shows nothing, an app answer with nothing falls back to
 * Shopify's recommendations; impressions and clicks land in RecEvent and a click marks the cart.
 * Consent: the page loads the Customer Privacy API stand-in (packages/shopify-standin/src/storefront/customer-privacy.js,
 * a region where consent is asked first); with consent granted, denied, analytics only and not yet given,
 * recommendations show, and beacons and the cart attribute go only with the consent they need.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Db } from "../../app/db.server";
import type { SeededShop } from "../integration/recommendations/fixtures";
import {
  renderBlock as renderLiquidBlock,
  type LiquidProduct,
  type PageOptions,
} from "../../packages/shopify-standin/src/storefront/liquid-block";
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM, needChromium } from "./helpers/browser";

// The routes use the app's default database: point it at this test's file before anything imports it.
const DB_FILE = join(tmpdir(), `churnless-e2e-${randomBytes(5).toString("hex")}.sqlite`);
process.env.DATABASE_URL = `file:${DB_FILE}`;
const SECRET = "storefront-e2e-secret";
process.env.SHOPIFY_API_SECRET = SECRET;
process.env.SHOPIFY_API_KEY ??= "storefront-e2e-key";
process.env.SHOPIFY_APP_URL ??= "https://churnless.example.com";

const EXT = join(process.cwd(), "extensions/churnless-recommendations");
const PRIVACY_STANDIN = join(process.cwd(), "packages/shopify-standin/src/storefront/customer-privacy.js");
const ARTIFACTS = join(process.cwd(), "test/artifacts");
const SHOP = "e2e-tea.myshopify.com";
const EMPTY_SHOP = "e2e-empty.myshopify.com";
const LIMIT = 4;

const renderBlock = (opts: PageOptions) => renderLiquidBlock({ ...opts, limit: LIMIT });

function pageHtml(opts: PageOptions): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Churnless storefront test</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/recommendations.css">
<script src="/assets/customer-privacy.js" data-consent-required="true" data-banner="true"></script>
<script src="/assets/recommendations.js" defer></script>
<style>body{font-family:sans-serif;max-width:960px;margin:0 auto;padding:1rem}</style></head>
<body><main><h1>Storefront</h1>${renderBlock(opts)}</main></body></html>`;
}

// ---------------------------------------------------------------------------------------------
// The storefront and Shopify's app proxy.

type Scenario = { shop: string; customer: string | null; forge: boolean };
type Loader = (args: {
  request: Request;
  params: Record<string, string>;
  context: unknown;
}) => Promise<Response> | Response;

interface Storefront {
  url: string;
  server: Server;
  proxyStatuses: Array<{ path: string; status: number }>;
  cartUpdates: Array<Record<string, unknown>>;
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k) out[k] = decodeURIComponent(v.join("="));
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function startStorefront(
  db: Db,
  routes: { recommendations: Loader; events: Loader },
  sign: typeof import("../helpers/app-proxy").signedProxyQuery,
): Promise<Storefront> {
  const sf: Storefront = { url: "", server: undefined as unknown as Server, proxyStatuses: [], cartUpdates: [] };
  const productJson = async (shop: string, handle: string) => {
    const p = await db.product.findFirst({ where: { shop, handle } });
    if (!p) return null;
    const id = Number(p.id.split("/").pop());
    return {
      id,
      title: `Product ${handle.split("-").pop()}`,
      handle,
      url: `/products/${handle}`,
      price: Math.round(p.price * 100),
      available: p.status === "ACTIVE" && p.inStock,
      featured_image: `/img/${handle}.svg`,
    };
  };
  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { "Content-Type": type, ...headers });
    res.end(body);
  };
  sf.server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://storefront.test");
      const jar = cookies(req);
      const scenario: Scenario = {
        shop: jar.shop ?? SHOP,
        customer: jar.customer || null,
        forge: jar.forge === "1",
      };
      if (url.pathname.startsWith("/page/")) {
        const kind = url.pathname.slice(6);
        const productIds = url.searchParams.get("product_ids") ?? "";
        // The shopper's consent as the Customer Privacy API stand-in keeps it (default: all granted).
        const consent = url.searchParams.get("consent") ?? "granted";
        const choice = {
          granted: { analytics: true, marketing: true, preferences: true, sale_of_data: true },
          denied: { analytics: false, marketing: false, preferences: false, sale_of_data: false },
          analytics: { analytics: true, marketing: false, preferences: false, sale_of_data: false },
        }[consent];
        const set = [
          `shop=${url.searchParams.get("shop") ?? SHOP}`,
          `customer=${url.searchParams.get("customer") ?? ""}`,
          `forge=${kind === "forged" ? 1 : 0}`,
          choice
            ? `standin_tracking_consent=${encodeURIComponent(JSON.stringify(choice))}`
            : "standin_tracking_consent=; Max-Age=0",
        ];
        res.setHeader(
          "Set-Cookie",
          set.map((c) => `${c}; Path=/`),
        );
        let metafield: LiquidProduct[] | undefined;
        let due: LiquidProduct[] | undefined;
        if (kind === "metafield" || kind === "due") {
          // What the publish step writes to the customer's $app:recommended_products metafield.
          const customerId = `gid://shopify/Customer/${url.searchParams.get("customer")}`;
          const score = await db.customerScore.findFirst({ where: { shop: SHOP, customerId } });
          const ids = JSON.parse(score?.recommendedJson ?? "[]") as string[];
          const rows = await db.product.findMany({ where: { shop: SHOP, id: { in: ids } } });
          metafield = [];
          for (const id of ids) {
            const row = rows.find((r) => r.id === id);
            const p = row && (await productJson(SHOP, row.handle));
            if (p) metafield.push(p);
          }
          // Due to reorder: the last recommended product is also due, so it comes first, once.
          if (kind === "due") due = metafield.slice(-1);
        }
        return send(
          res,
          200,
          "text/html; charset=utf-8",
          pageHtml({
            productIds,
            template: kind === "home" ? "index" : "product",
            layout: kind === "carousel" ? "carousel" : "grid",
            metafield,
            due,
            loggedIn: !!url.searchParams.get("customer"),
          }),
        );
      }
      if (url.pathname.startsWith("/assets/")) {
        const file = url.pathname.slice(8);
        if (file === "customer-privacy.js")
          return send(res, 200, "text/javascript", readFileSync(PRIVACY_STANDIN, "utf8"));
        if (!/^recommendations\.(js|css)$/.test(file)) return send(res, 404, "text/plain", "not found");
        const type = file.endsWith(".js") ? "text/javascript" : "text/css";
        return send(res, 200, type, readFileSync(join(EXT, "assets", file), "utf8"));
      }
      if (url.pathname.startsWith("/img/")) {
        const hue = [...url.pathname].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 0);
        return send(
          res,
          200,
          "image/svg+xml",
          `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="360"><rect width="360" height="360" fill="hsl(${hue},60%,70%)"/></svg>`,
        );
      }
      const productMatch = /^\/products\/([a-z0-9-]+)\.js$/.exec(url.pathname);
      if (productMatch) {
        const p = await productJson(scenario.shop, productMatch[1]);
        return p ? send(res, 200, "application/json", JSON.stringify(p)) : send(res, 404, "application/json", "{}");
      }
      if (url.pathname.startsWith("/products/"))
        return send(res, 200, "text/html", "<!doctype html><title>Product</title><h1>Product page</h1>");
      if (url.pathname === "/recommendations/products.json") {
        // Shopify's own recommendations: one product of the shop, whatever is asked.
        const p = await productJson(scenario.shop, `${scenario.shop.split(".")[0]}-product-2`);
        return send(
          res,
          200,
          "application/json",
          JSON.stringify({ intent: "related", products: p ? [{ ...p, title: "Shopify pick" }] : [] }),
        );
      }
      if (url.pathname === "/cart/update.js" && req.method === "POST") {
        sf.cartUpdates.push(JSON.parse(await readBody(req)) as Record<string, unknown>);
        return send(res, 200, "application/json", "{}");
      }
      if (url.pathname.startsWith("/apps/churnless/")) {
        // Shopify's app proxy: forward to <app>/proxy/<rest> with the signed parameters.
        const rest = url.pathname.slice("/apps/churnless/".length);
        const params = sign([...url.searchParams], {
          shop: scenario.shop,
          secret: scenario.forge ? "not-the-app-secret" : SECRET,
          customer: scenario.customer,
          pathPrefix: "/apps/churnless",
        });
        const body = req.method === "POST" ? await readBody(req) : undefined;
        const request = new Request(`http://app.test/proxy/${rest}?${params}`, { method: req.method, body });
        const route = rest === "recommendations" ? routes.recommendations : rest === "events" ? routes.events : null;
        if (!route) return send(res, 404, "application/json", '{"error":"not found"}');
        // Remix answers a thrown Response (the proxy helper's 401) as is.
        const response = await Promise.resolve()
          .then(() => route({ request, params: {}, context: {} }))
          .catch((thrown: unknown) => {
            if (thrown instanceof Response) return thrown;
            throw thrown;
          });
        sf.proxyStatuses.push({ path: rest, status: response.status });
        const headers: Record<string, string> = {};
        response.headers.forEach((v, k) => (headers[k] = v));
        return send(
          res,
          response.status,
          response.headers.get("Content-Type") ?? "application/json",
          await response.text(),
          headers,
        );
      }
      send(res, 404, "text/plain", "not found");
    })().catch((err: unknown) => send(res, 500, "text/plain", String(err)));
  });
  await new Promise<void>((resolve) => sf.server.listen(0, "127.0.0.1", resolve));
  sf.url = `http://127.0.0.1:${(sf.server.address() as AddressInfo).port}`;
  return sf;
}

// ---------------------------------------------------------------------------------------------

const chromiumNeed = needChromium("storefront: the recommendations block in Chromium");

describe.skipIf(chromiumNeed.skip)(chromiumNeed.title, () => {
  let db: Db;
  let shop: SeededShop;
  let sf: Storefront;
  let browser: Browser;
  let productGid: (n: number) => string;
  const numeric = (gid: string) => gid.split("/").pop()!;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const { migrateDatabase } = await import("../../app/db/migrate.server");
    await migrateDatabase(process.env.DATABASE_URL);
    db = (await import("../../app/db.server")).default;
    const fixtures = await import("../integration/recommendations/fixtures");
    productGid = (n) => fixtures.gidProduct(SHOP, n);
    shop = await fixtures.seedShop(db, { shop: SHOP, archived: [3], outOfStock: [5] });
    await fixtures.seedScore(db, SHOP, shop.customers[0], [7, 3, 9, 5, 11, 13].map(productGid));
    await fixtures.seedShop(db, { shop: EMPTY_SHOP, products: 4, customers: 2 });
    const { updateShopSettings } = await import("../../app/models/shop-settings.server");
    await updateShopSettings(db, EMPTY_SHOP, { recsEnabled: false });
    const recommendations = (await import("../../app/routes/proxy.recommendations/route")).loader as unknown as Loader;
    const events = (await import("../../app/routes/proxy.events/route")).action as unknown as Loader;
    const { signedProxyQuery } = await import("../helpers/app-proxy");
    sf = await startStorefront(db, { recommendations, events }, signedProxyQuery);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => sf?.server.close(resolve));
    await db?.$disconnect();
    rmSync(DB_FILE, { force: true });
  });

  async function open(path: string, screenshot?: string): Promise<{ page: Page; ids: string[]; titles: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${sf.url}${path}`);
    // Done when real cards replaced the placeholders, or the block hid itself.
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLElement>("churnless-recommendations");
      return !!el && (el.hidden || el.querySelectorAll("[data-product-id]").length > 0);
    });
    const ids = await page.$$eval("churnless-recommendations [data-product-id]", (els) =>
      els.map((e) => (e as HTMLElement).dataset.productId!),
    );
    const titles = await page.$$eval("churnless-recommendations .churnless-recs__title", (els) =>
      els.map((e) => e.textContent ?? ""),
    );
    if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
    expect(errors).toEqual([]);
    return { page, ids, titles };
  }

  it("shows a logged-in customer their own recommendations through the signed proxy", async () => {
    const { page, ids, titles } = await open(
      `/page/home?customer=${numeric(shop.customers[0])}`,
      "storefront-logged-in.png",
    );
    // recommendedJson is 7, 3 (archived), 9, 5 (out of stock), 11, 13: the shown ones, in order.
    expect(ids).toEqual([7, 9, 11, 13].map((n) => numeric(productGid(n))));
    expect(titles).toEqual(["Product 7", "Product 9", "Product 11", "Product 13"]);
    const section = page.getByRole("region", { name: "Recommended for you" });
    await expect(section.getByRole("listitem").count()).resolves.toBe(4);
    await expect(page.locator(".churnless-recs__price").first().textContent()).resolves.toBe("€12,00");
    await page.close();
  });

  it("shows product recommendations on an anonymous product page, then records impressions, a click and marks the cart", async () => {
    const viewed = productGid(10);
    const { page, ids } = await open(`/page/product?product_ids=${numeric(viewed)}`, "storefront-product.png");
    expect(ids).toHaveLength(LIMIT);
    expect(ids).not.toContain(numeric(viewed));
    for (const id of ids) {
      expect(shop.products).toContain(`gid://shopify/Product/${id}`);
      expect([3, 5].map((n) => numeric(productGid(n)))).not.toContain(id);
    }
    expect(ids).toContain(numeric(productGid(11))); // bought together with 10
    await page.locator("churnless-recommendations .churnless-recs__link").first().click();
    await page.waitForURL(/\/products\//);
    await expect
      .poll(async () => (await db.recEvent.findMany({ where: { shop: SHOP, kind: "click" } })).length, {
        timeout: 10_000,
      })
      .toBe(1);
    const events = await db.recEvent.findMany({
      where: { shop: SHOP },
      select: { productId: true, kind: true, placement: true, count: true },
    });
    const clicked = `gid://shopify/Product/${ids[0]}`;
    // Recorded with their placement: the template the block is on (Liquid's template.name).
    expect(events.filter((e) => e.kind === "click")).toEqual([
      { productId: clicked, kind: "click", placement: "product", count: 1 },
    ]);
    // Every shown product has its impression on the product page (a page before may have added its own).
    const seen = events.filter((e) => e.kind === "impression" && e.placement === "product").map((e) => e.productId);
    expect(seen).toEqual(expect.arrayContaining(ids.map((id) => `gid://shopify/Product/${id}`)));
    await expect.poll(() => sf.cartUpdates.length).toBeGreaterThan(0);
    // The cart's mark carries the click's placement, for the orders it leads to.
    expect(String((sf.cartUpdates[0].attributes as Record<string, string>)._churnless_rec)).toMatch(
      new RegExp(`^${ids[0]}:\\d{10}:product$`),
    );
    await page.close();
  });

  it("reserves the block's space before the products arrive", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.route("**/apps/churnless/recommendations*", async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    await page.goto(`${sf.url}/page/product?product_ids=${numeric(productGid(10))}`);
    const before = await page.locator(".churnless-recs__list").boundingBox();
    await page.waitForSelector("churnless-recommendations [data-product-id]");
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".churnless-recs__img")].every((i) => (i as HTMLImageElement).complete),
    );
    const after = await page.locator(".churnless-recs__list").boundingBox();
    expect(before!.height).toBeGreaterThan(100);
    expect(Math.abs(after!.height - before!.height)).toBeLessThanOrEqual(2);
    await page.close();
  });

  it("renders a logged-in customer's metafield on the server and only reports impressions", async () => {
    const before = sf.proxyStatuses.length;
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${sf.url}/page/metafield?customer=${numeric(shop.customers[0])}`);
    const ids = await page.$$eval("churnless-recommendations [data-product-id]", (els) =>
      els.map((e) => (e as HTMLElement).dataset.productId!),
    );
    // In the HTML itself: 7, 9, 11, 13 (3 is archived and 5 out of stock, so unavailable).
    expect(ids).toEqual([7, 9, 11, 13].map((n) => numeric(productGid(n))));
    expect((await page.locator(".churnless-recs__price").first().textContent())?.trim()).toBe("€12,00");
    await page.screenshot({ path: join(ARTIFACTS, "storefront-metafield.png"), fullPage: true });
    await page.close(); // pagehide flushes the impressions
    await expect.poll(() => sf.proxyStatuses.slice(before).map((s) => s.path), { timeout: 10_000 }).toContain("events");
    expect(sf.proxyStatuses.slice(before).map((s) => s.path)).not.toContain("recommendations");
  });

  it("puts a logged-in customer's due-to-reorder products first, once, with an opt-out link; no link for a visitor", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${sf.url}/page/due?customer=${numeric(shop.customers[0])}`);
    const ids = await page.$$eval("churnless-recommendations [data-product-id]", (els) =>
      els.map((e) => (e as HTMLElement).dataset.productId!),
    );
    expect(ids).toEqual([13, 7, 9, 11].map((n) => numeric(productGid(n))));
    const link = page.getByRole("link", { name: "Opt out of personalised suggestions" });
    expect(await link.getAttribute("href")).toBe("/apps/churnless/opt-out");
    await page.goto(`${sf.url}/page/home`);
    expect(await page.getByRole("link", { name: "Opt out of personalised suggestions" }).count()).toBe(0);
    await page.close();
  });

  it("shows nothing when the proxy signature is forged", async () => {
    const before = sf.proxyStatuses.length;
    const { page, ids } = await open(`/page/forged?customer=${numeric(shop.customers[0])}`, "storefront-forged.png");
    expect(ids).toEqual([]);
    expect(sf.proxyStatuses.slice(before).filter((s) => s.path === "recommendations")).toEqual([
      { path: "recommendations", status: 401 },
    ]);
    expect(await page.locator("churnless-recommendations").isHidden()).toBe(true);
    await page.close();
  });

  it("falls back to Shopify's recommendations when the app has nothing", async () => {
    const product = (await db.product.findFirst({ where: { shop: EMPTY_SHOP }, orderBy: { id: "asc" } }))!;
    const { page, titles } = await open(
      `/page/product?shop=${EMPTY_SHOP}&product_ids=${numeric(product.id)}`,
      "storefront-fallback.png",
    );
    expect(titles).toEqual(["Shopify pick"]);
    await page.close();
  });

  it("scrolls the carousel with labelled buttons", async () => {
    const { page } = await open(`/page/carousel?customer=${numeric(shop.customers[0])}`, "storefront-carousel.png");
    const next = page.getByRole("button", { name: "Show next products" });
    await expect(next.isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Show previous products" }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  describe("the shopper's consent (Customer Privacy API)", () => {
    const eventPosts = (from: number) => sf.proxyStatuses.slice(from).filter((s) => s.path === "events");
    /** Waits until the pages of earlier tests have sent what they flush on leaving (1 s without a request). */
    async function settle(): Promise<number> {
      for (let seen = -1; seen !== sf.proxyStatuses.length;) {
        seen = sf.proxyStatuses.length;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      return sf.proxyStatuses.length;
    }
    /** Clicks the first card and leaves the page: anything the block would send is sent by then. */
    async function clickAndLeave(page: Page) {
      await page.locator("churnless-recommendations .churnless-recs__link").first().click();
      await page.waitForURL(/\/products\//);
      await page.close();
      await new Promise((r) => setTimeout(r, 1_500));
    }

    it("denied: recommendations show; no beacon and no cart attribute", async () => {
      const before = await settle();
      const carts = sf.cartUpdates.length;
      const { page, ids } = await open(
        `/page/product?consent=denied&product_ids=${numeric(productGid(10))}`,
        "storefront-consent-denied.png",
      );
      expect(ids).toHaveLength(LIMIT);
      expect(await page.locator(".standin-consent-banner").count()).toBe(0); // already answered
      await clickAndLeave(page);
      expect(eventPosts(before)).toEqual([]);
      expect(sf.cartUpdates.length).toBe(carts);
      expect(sf.proxyStatuses.slice(before).map((s) => s.path)).toContain("recommendations");
    });

    it("analytics only: impressions and the click are sent, the cart is not marked", async () => {
      const before = await settle();
      const carts = sf.cartUpdates.length;
      const { page, ids } = await open(`/page/product?consent=analytics&product_ids=${numeric(productGid(10))}`);
      expect(ids).toHaveLength(LIMIT);
      await clickAndLeave(page);
      expect(eventPosts(before).length).toBeGreaterThan(0);
      expect(eventPosts(before).every((s) => s.status === 200)).toBe(true);
      expect(sf.cartUpdates.length).toBe(carts);
    });

    it("not yet given: recommendations and a banner show, nothing is sent until the shopper accepts", async () => {
      const before = await settle();
      const carts = sf.cartUpdates.length;
      const { page, ids } = await open(
        `/page/product?consent=unset&product_ids=${numeric(productGid(12))}`,
        "storefront-consent-banner.png",
      );
      expect(ids).toHaveLength(LIMIT);
      const banner = page.getByRole("region", { name: "Cookie consent" });
      await expect(banner.isVisible()).resolves.toBe(true);
      await new Promise((r) => setTimeout(r, 2_500)); // past the block's 2 s batching
      expect(eventPosts(before)).toEqual([]);
      expect(await page.evaluate(() => sessionStorage.getItem("churnless-visit"))).toBeNull();
      // Accepting (visitorConsentCollected): the products on screen are reported from then on.
      await banner.getByRole("button", { name: "Accept" }).click();
      await expect.poll(() => banner.count()).toBe(0);
      await page.locator("churnless-recommendations .churnless-recs__link").first().click();
      await page.waitForURL(/\/products\//);
      await expect.poll(() => eventPosts(before).length, { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(() => sf.cartUpdates.length).toBe(carts + 1);
      await page.close();
    });
  });
});
