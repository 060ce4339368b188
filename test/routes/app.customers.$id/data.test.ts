/**
 * The customer page shows P(alive) only when it says something: for a one-time buyer
 * whose P(alive) is BG/NBD's artefact (at the cap) it says "Not known yet". The route's component is
 * rendered to HTML on getCustomer's answer from a real database (through JSON, as the loader sends it).
 */
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getCustomer } from "../../../app/routes/app.customers.$id/data.server";
import { InvalidQueryError } from "../../../app/routes/app/customer-list.server";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { gid, seedAdminShops, seedScores, SHOP } from "../../helpers/app-fixtures";

const kinds = await databaseKinds();

let loaderData: unknown = null;
vi.mock("@remix-run/react", () => ({
  useLoaderData: () => loaderData,
  useRevalidator: () => ({ state: "idle", revalidate: () => undefined }),
  useFetcher: () => ({ state: "idle", data: undefined, load: () => undefined, submit: () => undefined }),
  useRouteError: () => null,
  isRouteErrorResponse: () => false,
  Link: ({ to, children }: { to: string; children: ReactNode }) => createElement("a", { href: to }, children),
}));
vi.mock("../../../app/db.server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../app/db.server")>()),
  default: {},
}));
vi.mock("../../../app/shopify.server", () => ({ requireAdmin: async () => ({ shop: SHOP }) }));

const { default: CustomerPage } = await import("../../../app/routes/app.customers.$id/route");

async function pAliveShown(db: TestDb["db"], id: string): Promise<string> {
  const customer = await getCustomer(db, SHOP, id);
  loaderData = JSON.parse(JSON.stringify({ customer, live: null, now: "2026-11-02T00:00:00Z" }));
  const text = renderToString(createElement(AppProvider, { i18n: en }, createElement(CustomerPage)))
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
  const at = text.indexOf("Still a customer (P(alive))");
  expect(at).toBeGreaterThanOrEqual(0);
  return text.slice(at + "Still a customer (P(alive))".length, at + 60).trim();
}

describe("customer page P(alive)", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await seedScores(t.db, SHOP);
  });
  afterAll(async () => t?.cleanup());

  it("shows a repeat buyer's and a data-driven one-time buyer's, not the artefact at the cap", async () => {
    expect(await pAliveShown(t.db, "1")).toMatch(/^90(\.0)?%/); // 5 purchase days, P(alive) 0.9
    expect(await pAliveShown(t.db, "2")).toMatch(/^15(\.0)?%/); // one purchase day, 0.15: moved by the data
    await t.db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: gid(2) } },
      data: { pAlive: 0.999 },
    });
    expect(await pAliveShown(t.db, "2")).toMatch(/^Not known yet/);
  });
});

describe.each(kinds)("the customer page's data on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedAdminShops(t.db);
  });
  afterAll(async () => t?.cleanup());

  it("reads one customer with orders, reasons and recommendations, and nothing from another shop", async () => {
    const c = await getCustomer(t.db, SHOP, "1");
    expect(c?.score?.churnProbability).toBe(0.1);
    expect(c?.orders.map((o) => o.total)).toEqual([50, 51, 52]);
    expect(c?.orders[0].items).toBe(1);
    expect(c?.reasons).toEqual(["reason one for 1", "reason two"]);
    expect(c?.recommendations.map((r) => r.productId)).toEqual(["gid://shopify/Product/9"]);
    expect(c?.adminUrl).toBe("https://admin.shopify.com/store/alpha/customers/1");
    expect(await getCustomer(t.db, SHOP, "99")).toBeNull();
    // P(alive) is shown unless it is BG/NBD's artefact for a one-time buyer (at the cap).
    expect(c?.score?.pAliveKnown).toBe(true);
    expect((await getCustomer(t.db, SHOP, "2"))?.score?.pAliveKnown).toBe(true); // one-time buyer, 0.15
    await t.db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: gid(4) } },
      data: { pAlive: 0.999 },
    });
    expect((await getCustomer(t.db, SHOP, "4"))?.score?.pAliveKnown).toBe(false);
    await t.db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: gid(4) } },
      data: { pAlive: 1 - 0.92 },
    });
    await expect(getCustomer(t.db, SHOP, "1 OR 1=1")).rejects.toThrow(InvalidQueryError);
  });
});
