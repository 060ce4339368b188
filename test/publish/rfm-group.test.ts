/** The customers' read for a publish brings Shopify's own RFM group, by pages and by bulk query alike. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readCustomers, readCustomersBulk } from "../../app/shopify/tag-writer.server";
import { createAdminClient } from "../../app/shopify/client.server";
import { startStandin, type Standin } from "../standin/server";
import { generateDemoShop } from "../standin/demo-shop";

const SHOP = "rfm-shop.myshopify.com";
let standin: Standin;
beforeAll(async () => {
  standin = await startStandin({ shops: [generateDemoShop({ shop: SHOP, orders: 150, seed: 6 })], bulkMinMs: 20 });
});
afterAll(async () => standin?.close());

it("pages and bulk read the same rfmGroup as the store holds", async () => {
  const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
  const expected = new Map(standin.state(SHOP).data.customers.map((c) => [c.id, c.rfmGroup ?? null]));
  expect([...expected.values()].filter(Boolean).length).toBeGreaterThan(0);
  const paged = new Map<string, string | null | undefined>();
  for await (const page of readCustomers(admin, { pageSize: 50 })) for (const c of page) paged.set(c.id, c.rfmGroup);
  const bulk = new Map((await readCustomersBulk(admin, { pollIntervalMs: 20 })).map((c) => [c.id, c.rfmGroup]));
  expect(paged).toEqual(expected);
  expect(bulk).toEqual(expected);
});
