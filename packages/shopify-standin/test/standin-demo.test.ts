import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDERS_BULK_QUERY } from "../../../app/shopify/orders-sync.server";
import { toBulkJsonlLines } from "../src/bulk-jsonl";
import { generateDemoShop } from "../src/demo-shop";
import { gql, waitForBulk } from "../src/helpers";
import { startStandin, type Standin } from "../src/server";
import type { StandinShopData } from "../src/types";

/**
 * The stand-in serving a generated demo shop: its bulk query answer for the app's orders query is
 * line for line what the demo helper's JSONL writer produces (two independent implementations of
 * Shopify's bulk format agree), and paging through `orders` visits every order exactly once.
 */
const SHOP = "demo-shop.myshopify.com";
let standin: Standin;
let data: StandinShopData;

beforeAll(async () => {
  data = generateDemoShop({ orders: 400, seed: 7, shop: SHOP });
  standin = await startStandin({ shops: [data], bulkMinMs: 20 });
});

afterAll(async () => {
  await standin.close();
});

/**
 * The app's own bulk orders query, also asking for the line items' currency (the demo helper's writer
 * writes every shopMoney with its currency), so the two outputs can be compared line for line.
 */
const ORDERS_BULK = ORDERS_BULK_QUERY.replace(
  /originalUnitPriceSet \{ shopMoney \{ amount \} \}/,
  "originalUnitPriceSet { shopMoney { amount currencyCode } }",
);

describe("stand-in with a generated demo shop", () => {
  it("answers the app's bulk orders query exactly like Shopify's JSONL format", async () => {
    expect(ORDERS_BULK).not.toBe(ORDERS_BULK_QUERY);
    const start = await gql(
      standin,
      SHOP,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } userErrors { message } } }`,
      { q: ORDERS_BULK },
    );
    expect(start.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const op = await waitForBulk(standin, SHOP, start.body.data.bulkOperationRunQuery.bulkOperation.id, 30_000);
    expect(op.status).toBe("COMPLETED");
    const served = (await (await fetch(String(op.url))).text()).trim().split("\n");
    const byOrderId = (a: string, b: string) => a.localeCompare(b);
    const expected = [...toBulkJsonlLines(data)];
    expect(served.length).toBe(expected.length);
    expect([...served].sort(byOrderId)).toEqual([...expected].sort(byOrderId));
    expect(Number(op.rootObjectCount)).toBe(data.orders.length);
  });

  it("pages through every order exactly once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await gql(
        standin,
        SHOP,
        `query($after: String) { orders(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }`,
        { after },
      );
      seen.push(...body.data.orders.nodes.map((o: { id: string }) => o.id));
      if (!body.data.orders.pageInfo.hasNextPage) break;
      after = body.data.orders.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(data.orders.length);
    expect(new Set(seen).size).toBe(data.orders.length);
  });
});
