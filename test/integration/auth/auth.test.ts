/**
 * Outside demo mode, a request without a valid Shopify session never reaches an admin route's data:
 * the route's loader is called with plain Requests and must answer with Shopify's redirect/401 while the
 * model function it would call is never run. Demo mode serves the demo shop, and is refused in production.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";

const getDashboard = vi.fn(async (_db: unknown, shop: string) => ({ shop, marker: "dashboard data" }));
const listCustomers = vi.fn(async () => ({ rows: [] }));
vi.mock(import("../../../app/routes/app._index/data.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  getDashboard: getDashboard as never,
}));
const enqueueJob = vi.fn(async () => ({ id: "job-1" }));
vi.mock(import("../../../app/jobs/runtime/queue.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  enqueueJob: enqueueJob as never,
}));
vi.mock(import("../../../app/routes/app/customer-list.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  listCustomers: listCustomers as never,
}));

withShopifyAppEnv({ secret: "test-api-secret" });

beforeEach(() => {
  getDashboard.mockClear();
  listCustomers.mockClear();
  delete process.env.CHURNLESS_DEMO;
  process.env.NODE_ENV = "test";
});

type Loader = (args: {
  request: Request;
  params: Record<string, string>;
  context: Record<string, unknown>;
}) => Promise<unknown>;

/** Runs a loader and returns the Response it returned or threw. */
async function answer(loader: Loader, request: Request): Promise<Response> {
  const result = await callRoute(loader, request);
  if (result instanceof Response) return result;
  throw new Error(`the loader returned data: ${JSON.stringify(result)}`);
}

describe("admin routes without a Shopify session", () => {
  const requests: Array<[string, () => Request]> = [
    ["no shop, no token", () => new Request("https://churnless.example.com/app")],
    [
      "an embedded request without a session token",
      () =>
        new Request(
          "https://churnless.example.com/app?shop=victim.myshopify.com&embedded=1&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvdmljdGlt",
        ),
    ],
    [
      "a forged bearer token",
      () =>
        new Request("https://churnless.example.com/app", {
          headers: {
            Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly92aWN0aW0ubXlzaG9waWZ5LmNvbSJ9.forged",
          },
        }),
    ],
    [
      "a forged id_token parameter",
      () => new Request("https://churnless.example.com/app?shop=victim.myshopify.com&embedded=1&id_token=not-a-jwt"),
    ],
  ];

  it.each(requests)("the dashboard loader never runs for %s", async (_name, make) => {
    const { loader } = await import("../../../app/routes/app._index/route");
    const res = await answer(loader as Loader, make());
    expect([302, 401, 403]).toContain(res.status);
    if (res.status === 302)
      expect(res.headers.get("Location")).toMatch(
        /\/auth\/login|\/auth\/session-token|exitiframe|admin\.shopify\.com|victim\.myshopify\.com/,
      );
    expect(getDashboard).not.toHaveBeenCalled();
  });

  it("the customer list and the CSV export refuse too", async () => {
    const list = await import("../../../app/routes/app.customers._index/route");
    const exp = await import("../../../app/routes/app.customers.export/route");
    for (const loader of [list.loader, exp.loader] as Loader[]) {
      const res = await answer(loader, new Request("https://churnless.example.com/app/customers?risk=high"));
      expect([302, 401, 403]).toContain(res.status);
    }
    expect(listCustomers).not.toHaveBeenCalled();
  });

  it("the layout does not hand out the app to an unauthenticated request", async () => {
    const { loader } = await import("../../../app/routes/app/route");
    const res = await answer(loader as Loader, new Request("https://churnless.example.com/app"));
    expect([302, 401, 403]).toContain(res.status);
  });
});

describe("install", () => {
  it("creates the shop's row, clears an earlier uninstall and starts the first full sync once", async () => {
    vi.resetModules();
    const { onInstalled } = await import("../../../app/shopify.server");
    const { default: db } = await import("../../../app/db.server");
    await db.shop.create({ data: { shop: "fresh.myshopify.com", uninstalledAt: new Date("2026-01-01") } });
    await onInstalled("fresh.myshopify.com");
    expect((await db.shop.findUnique({ where: { shop: "fresh.myshopify.com" } }))?.uninstalledAt).toBeNull();
    expect(enqueueJob).toHaveBeenCalledWith("fresh.myshopify.com", "full-sync");
    enqueueJob.mockClear();
    await db.shop.update({ where: { shop: "fresh.myshopify.com" }, data: { lastFullSyncAt: new Date() } });
    await onInstalled("fresh.myshopify.com");
    expect(enqueueJob).not.toHaveBeenCalled();
  });
});

describe("demo mode", () => {
  it("serves the demo shop outside Shopify's iframe when CHURNLESS_DEMO=1", async () => {
    process.env.CHURNLESS_DEMO = "1";
    process.env.CHURNLESS_DEMO_SHOP = "demo-shop.myshopify.com";
    const { loader } = await import("../../../app/routes/app._index/route");
    const res = await (loader as Loader)({
      request: new Request("http://localhost:3000/app"),
      params: {},
      context: {},
    });
    expect(res).toBeInstanceOf(Response);
    expect(await (res as Response).json()).toEqual({ shop: "demo-shop.myshopify.com", marker: "dashboard data" });
    expect(getDashboard).toHaveBeenCalledTimes(1);
  });

  it("is refused with NODE_ENV=production, at use and at startup", async () => {
    process.env.CHURNLESS_DEMO = "1";
    process.env.NODE_ENV = "production";
    const { requireAdmin, isDemoMode } = await import("../../../app/shopify.server");
    expect(() => isDemoMode()).toThrow(/NODE_ENV=production/);
    await expect(requireAdmin(new Request("http://localhost:3000/app"))).rejects.toThrow(/Refusing demo mode/);
    const { loader } = await import("../../../app/routes/app._index/route");
    await expect(
      (loader as Loader)({ request: new Request("http://localhost:3000/app"), params: {}, context: {} }),
    ).rejects.toThrow(/Refusing demo mode/);
    expect(getDashboard).not.toHaveBeenCalled();

    vi.resetModules();
    await expect(import("../../../app/shopify.server")).rejects.toThrow(/Refusing demo mode/);
  });

  it("is off unless the flag is exactly 1", async () => {
    vi.resetModules(); // the previous test left a module that failed to load
    const { isDemoMode } = await import("../../../app/shopify.server");
    expect(isDemoMode({ NODE_ENV: "development" })).toBe(false);
    expect(isDemoMode({ NODE_ENV: "development", CHURNLESS_DEMO: "true" })).toBe(false);
    expect(isDemoMode({ NODE_ENV: "development", CHURNLESS_DEMO: "1" })).toBe(true);
  });
});

describe("the shopifyApp configuration is type-checked", () => {
  it("customShopDomains is gone (removed in @shopify/shopify-app-remix 4.2; domainTransformations replaced it)", async () => {
    type Config = Parameters<(typeof import("@shopify/shopify-app-remix/server"))["shopifyApp"]>[0];
    // @ts-expect-error customShopDomains is no setting of the library any more: `npm test`'s typecheck fails if it comes back
    const removed: keyof Config = "customShopDomains";
    const replacement: keyof Config = "domainTransformations";
    expect([removed, replacement]).toEqual(["customShopDomains", "domainTransformations"]);
  });

  it("app/shopify.server.ts passes shopifyApp a plain object literal, so a setting the library does not know is a type error", async () => {
    const { readFileSync } = await import("node:fs");
    const source = readFileSync("app/shopify.server.ts", "utf8");
    const call = /shopifyApp\(\{([\s\S]*?)\n\}\);/.exec(source);
    expect(call, "the shopifyApp({ ... }) call").not.toBeNull();
    // A conditional spread (`...(cond ? { x } : {})`) escapes TypeScript's excess-property check: that is how
    // customShopDomains outlived the library version that removed it.
    expect(call![1]).not.toMatch(/\.\.\./);
    expect(source).not.toMatch(/customShopDomains|SHOP_CUSTOM_DOMAIN/);
  });
});
