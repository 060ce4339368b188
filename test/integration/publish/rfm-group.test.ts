/** The customers' read for a publish: Shopify's own RFM group by pages and by bulk query alike, and the bulk path's failures. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readCustomers, readCustomersBulk } from "../../../app/shopify/tag-writer.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";

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

it("the bulk read retries a FAILED export, refuses a partial one, and reads a body that arrives in pieces", async () => {
  const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
  const customers = standin.state(SHOP).data.customers.length;

  standin.setFaults(SHOP, { bulkOutcome: "FAILED", bulkFailures: 1 });
  const started: string[] = [];
  const stats = { bulkOperationId: null as string | null, skippedLines: 0 };
  const read = await readCustomersBulk(admin, { pollIntervalMs: 20, onStarted: (id) => void started.push(id) }, stats);
  expect(read).toHaveLength(customers);
  // The failed operation and its successor were both announced, and the stats name the one that answered.
  expect(started).toHaveLength(2);
  expect(stats.bulkOperationId).toBe(started[1]);

  standin.setFaults(SHOP, { bulkOutcome: "PARTIAL", bulkFailures: 3 });
  await expect(readCustomersBulk(admin, { pollIntervalMs: 20 })).rejects.toThrow(/without a complete result/);
  standin.setFaults(SHOP, { bulkOutcome: "COMPLETED", bulkFailures: 0 });

  // A body that arrives in small pieces with a line split across them reads the same as a whole one.
  const pieces: typeof fetch = async (url) => {
    const text = await (await fetch(url)).text();
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    return new Response(body, { status: 200 });
  };
  const streamed = await readCustomersBulk(admin, { pollIntervalMs: 20, fetch: pieces });
  expect(streamed).toEqual(read);
});
