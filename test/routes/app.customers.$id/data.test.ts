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
import { createTestDb, type TestDb } from "../../helpers/db";
import { gid, seedScores, SHOP } from "../../helpers/app-fixtures";

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
