import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyShop } from "../src/fixture";
import { firstError, gql, waitForBulk } from "../src/helpers";
import { startStandin, type Standin } from "../src/server";

const SHOP = "tiny-shop.myshopify.com";
const LIMITED = "limited-shop.myshopify.com";

let standin: Standin;

beforeAll(async () => {
  standin = await startStandin({
    shops: [tinyShop(SHOP), { ...tinyShop(LIMITED), scopes: ["read_orders", "read_customers", "read_products"] }],
    bulkMinMs: 100,
  });
});

afterAll(async () => {
  await standin.close();
});

describe("Admin GraphQL from the store", () => {
  it("answers a valid document from the store, shaped by the document", async () => {
    const { status, body } = await gql(
      standin,
      SHOP,
      `query Orders($after: String) {
        shop { id name myshopifyDomain currencyCode }
        orders(first: 2, after: $after, sortKey: CREATED_AT) {
          pageInfo { hasNextPage endCursor }
          edges { node {
            id createdAt test displayFinancialStatus
            customer { id }
            total: currentTotalPriceSet { shopMoney { amount currencyCode } }
            totalRefundedSet { shopMoney { amount } }
            lineItems(first: 10) { nodes { id quantity currentQuantity product { id } variant { id } originalUnitPriceSet { shopMoney { amount } } } }
          } }
        }
      }`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.shop).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/),
      name: "Tiny Shop",
      myshopifyDomain: SHOP,
      currencyCode: "EUR",
    });
    const first = body.data.orders.edges.map((e: { node: { id: string } }) => e.node);
    expect(first.map((o: { id: string }) => o.id)).toEqual(["gid://shopify/Order/301", "gid://shopify/Order/302"]);
    expect(first[0]).toEqual({
      id: "gid://shopify/Order/301",
      createdAt: standin.state(SHOP).data.orders[0].createdAt,
      test: false,
      displayFinancialStatus: "PAID",
      customer: { id: "gid://shopify/Customer/201" },
      total: { shopMoney: { amount: "114.00", currencyCode: "EUR" } },
      totalRefundedSet: { shopMoney: { amount: "0.00" } },
      lineItems: {
        nodes: [
          {
            id: "gid://shopify/LineItem/401",
            quantity: 2,
            currentQuantity: 2,
            product: { id: "gid://shopify/Product/101" },
            variant: { id: "gid://shopify/ProductVariant/1011" },
            originalUnitPriceSet: { shopMoney: { amount: "12.50" } },
          },
          {
            id: "gid://shopify/LineItem/402",
            quantity: 1,
            currentQuantity: 1,
            product: { id: "gid://shopify/Product/102" },
            variant: { id: "gid://shopify/ProductVariant/1021" },
            originalUnitPriceSet: { shopMoney: { amount: "89.00" } },
          },
        ],
      },
    });
    expect(body.data.orders.pageInfo.hasNextPage).toBe(true);
    expect(body.extensions?.cost.requestedQueryCost).toBeGreaterThan(body.extensions?.cost.actualQueryCost ?? Infinity);
    expect(body.extensions?.cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 50 });

    const page2 = await gql(
      standin,
      SHOP,
      `query($after: String) { orders(first: 2, after: $after, sortKey: CREATED_AT) { pageInfo { hasNextPage } nodes { id customer { id } } } }`,
      { after: body.data.orders.pageInfo.endCursor },
    );
    expect(page2.body.data.orders.nodes).toEqual([
      { id: "gid://shopify/Order/303", customer: null },
      { id: "gid://shopify/Order/304", customer: { id: "gid://shopify/Customer/203" } },
    ]);
    expect(page2.body.data.orders.pageInfo.hasNextPage).toBe(false);
  });

  it("filters orders with updated_at and sees a new order after createOrder", async () => {
    const state = standin.state(SHOP);
    const since = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const q = `query($q: String) { orders(first: 50, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt } } }`;
    const before = await gql(standin, SHOP, q, { q: `updated_at:>'${since}'` });
    expect(before.body.data.orders.nodes.map((o: { id: string }) => o.id)).toEqual([
      "gid://shopify/Order/304",
      "gid://shopify/Order/302",
    ]);
    const base = state.data.orders[2];
    state.createOrder({
      ...base,
      id: "gid://shopify/Order/399",
      name: "#1099",
      customerId: "gid://shopify/Customer/202",
      createdAt: new Date().toISOString(),
      updatedAt: undefined,
      lineItems: [],
    });
    state.updateOrder("gid://shopify/Order/301", {
      totalRefunded: "14.00",
      displayFinancialStatus: "PARTIALLY_REFUNDED",
    });
    const after = await gql(standin, SHOP, q, { q: `updated_at:>'${since}'` });
    expect(after.body.data.orders.nodes.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining(["gid://shopify/Order/399", "gid://shopify/Order/301"]),
    );
    expect(after.body.data.orders.nodes).toHaveLength(4);
  });

  it("serves customers, nodes, products and the app installation", async () => {
    const { body } = await gql(
      standin,
      SHOP,
      `{
        customer(id: "gid://shopify/Customer/201") { id tags statistics { rfmGroup } numberOfOrders }
        nodes(ids: ["gid://shopify/Product/102", "gid://shopify/Customer/203", "gid://shopify/Customer/999"]) {
          __typename id
          ... on Product { handle productType status totalInventory featuredImage { url } variants(first: 5) { nodes { id price inventoryQuantity } } }
          ... on Customer { tags }
        }
        currentAppInstallation { accessScopes { handle } }
        customers(first: 5, query: "tag:wholesale") { nodes { id } }
      }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.customer).toEqual({
      id: "gid://shopify/Customer/201",
      tags: ["vip"],
      statistics: { rfmGroup: "CHAMPIONS" },
      numberOfOrders: "2",
    });
    expect(body.data.nodes).toEqual([
      {
        __typename: "Product",
        id: "gid://shopify/Product/102",
        handle: "grinder",
        productType: "Equipment",
        status: "ACTIVE",
        totalInventory: 3,
        featuredImage: null,
        variants: { nodes: [{ id: "gid://shopify/ProductVariant/1021", price: "89.00", inventoryQuantity: 3 }] },
      },
      { __typename: "Customer", id: "gid://shopify/Customer/203", tags: ["wholesale"] },
      null,
    ]);
    expect(body.data.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle)).toContain(
      "read_all_orders",
    );
    expect(body.data.customers.nodes).toEqual([{ id: "gid://shopify/Customer/203" }]);
    const either = await gql(
      standin,
      SHOP,
      `{ customers(first: 5, query: "tag:wholesale OR tag:vip") { nodes { id } } neither: customers(first: 5, query: "-tag:wholesale AND -tag:vip") { nodes { id } } }`,
    );
    expect(either.body.data.customers.nodes.map((c: { id: string }) => c.id)).toEqual([
      "gid://shopify/Customer/201",
      "gid://shopify/Customer/203",
    ]);
    expect(either.body.data.neither.nodes.map((c: { id: string }) => c.id)).toEqual(["gid://shopify/Customer/202"]);
  });

  it("hides orders older than 60 days without read_all_orders", async () => {
    const { body } = await gql(
      standin,
      LIMITED,
      `{ currentAppInstallation { accessScopes { handle } } orders(first: 10) { nodes { id } } order(id: "gid://shopify/Order/301") { id } }`,
    );
    expect(body.data.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle)).not.toContain(
      "read_all_orders",
    );
    expect(body.data.orders.nodes.map((o: { id: string }) => o.id)).toEqual([
      "gid://shopify/Order/302",
      "gid://shopify/Order/303",
      "gid://shopify/Order/304",
    ]);
    expect(body.data.order).toBeNull();
  });

  it("rejects an invalid document with Shopify's error shape", async () => {
    const { status, body } = await gql(standin, SHOP, `{ shop { id nmae } orders { nodes { id } } }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(Array.isArray(body.errors)).toBe(true);
    const errors = body.errors as { message: string; locations: unknown[]; extensions: { code: string } }[];
    expect(errors[0]).toMatchObject({
      message: expect.stringContaining("nmae"),
      locations: [{ line: 1, column: 13 }],
      extensions: { code: "undefinedField" },
    });
    const syntax = await gql(standin, SHOP, `{ shop { id `);
    expect(firstError(syntax.body).code).toBe("parseError");
    const badVariable = await gql(standin, SHOP, `query($id: ID!) { order(id: $id) { id } }`, {});
    expect((badVariable.body.errors as { message: string }[])[0].message).toMatch(/\$id/);
    expect(badVariable.body.data).toBeUndefined();
  });

  it("asks for first or last on connections, like Shopify", async () => {
    const { body } = await gql(standin, SHOP, `{ orders { nodes { id } } }`);
    expect((body.errors as { message: string }[])[0].message).toBe("you must provide one of first or last");
  });

  it("answers 401 to an unknown token and 404 to an unknown version", async () => {
    const bad = await gql(standin, SHOP, `{ shop { id } }`, undefined, "shpat_wrong");
    expect(bad.status).toBe(401);
    expect(bad.body.errors).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
    const ok = await fetch(standin.graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": standin.tokenFor(SHOP) },
      body: JSON.stringify({ query: "{ shop { id } }" }),
    });
    expect(ok.headers.get("x-shopify-api-version")).toBe(standin.apiVersion);
    const res = await fetch(`${standin.url}/admin/api/2019-01/graphql.json`, {
      method: "POST",
      headers: { "X-Shopify-Access-Token": standin.tokenFor(SHOP) },
      body: "{}",
    });
    expect(res.status).toBe(404);
  });
});

describe("bulk queries", () => {
  it("five bulk operations at once per shop (queries and mutations together); bulkOperations lists them by status, newest first", async () => {
    // Slow operations, so none ends while the test looks at them; closing the stand-in stops them.
    const slow = await startStandin({ shops: [tinyShop(SHOP)], bulkMinMs: 60_000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const next = await gql(
          slow,
          SHOP,
          `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message code } } }`,
          { q: `{ products { edges { node { id } } } }` },
        );
        expect(next.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
        ids.push(next.body.data.bulkOperationRunQuery.bulkOperation.id);
      }
      const sixth = await gql(
        slow,
        SHOP,
        `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message code } } }`,
        { q: `{ orders { edges { node { id } } } }` },
      );
      expect(sixth.body.data.bulkOperationRunQuery).toEqual({
        bulkOperation: null,
        userErrors: [{ message: "Bulk operations limit reached. Please try again later.", code: "LIMIT_REACHED" }],
      });
      const mutation = await gql(
        slow,
        SHOP,
        `mutation { bulkOperationRunMutation(mutation: "mutation { shop { id } }", stagedUploadPath: "none") { userErrors { code } } }`,
      );
      expect(mutation.body.data.bulkOperationRunMutation.userErrors).toEqual([{ code: "LIMIT_REACHED" }]);
      const listed = await gql(
        slow,
        SHOP,
        `{ bulkOperations(first: 10, query: "status:created OR status:running") { nodes { id type } } }`,
      );
      expect(listed.body.data.bulkOperations.nodes.map((n: { id: string }) => n.id)).toEqual([...ids].reverse());
      const none = await gql(slow, SHOP, `{ bulkOperations(first: 10, query: "status:completed") { nodes { id } } }`);
      expect(none.body.data.bulkOperations.nodes).toEqual([]);
      // currentBulkOperation still answers, and is reported as Shopify reports deprecated fields.
      const before = slow.calls(SHOP).length;
      const res = await fetch(slow.graphqlUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": slow.tokenFor(SHOP) },
        body: JSON.stringify({ query: "{ currentBulkOperation { id status } }" }),
      });
      expect(res.headers.get("x-shopify-api-deprecated-reason")).toBe("QueryRoot.currentBulkOperation");
      expect(
        ((await res.json()) as { data: { currentBulkOperation: { id: string } } }).data.currentBulkOperation.id,
      ).toBe(ids.at(-1));
      expect(slow.calls(SHOP)[before].deprecated).toEqual(["QueryRoot.currentBulkOperation"]);
    } finally {
      await slow.close();
    }
  });

  it("writes a JSONL file with __parentId children and serves it", async () => {
    const inner = `{ orders { edges { node { id createdAt customer { id } lineItems { edges { node { id quantity variant { id } } } } } } } }`;
    const start = await gql(
      standin,
      SHOP,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id status } userErrors { field message code } } }`,
      { q: inner },
    );
    expect(start.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const id = start.body.data.bulkOperationRunQuery.bulkOperation.id as string;
    expect(start.body.data.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");

    // Since 2026-01 a second query runs beside the first (the limit itself: "five bulk operations at once" below).
    const second = await gql(
      standin,
      SHOP,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message code } } }`,
      { q: `{ products { edges { node { id } } } }` },
    );
    expect(second.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    await waitForBulk(standin, SHOP, second.body.data.bulkOperationRunQuery.bulkOperation.id);

    const op = await waitForBulk(standin, SHOP, id);
    expect(op.status).toBe("COMPLETED");
    expect(op.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bulk-results\//);
    const text = await (await fetch(String(op.url))).text();
    expect(Number(op.fileSize)).toBe(Buffer.byteLength(text));
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const orders = standin.state(SHOP).data.orders;
    const orderLines = lines.filter((l) => !("__parentId" in l));
    const childLines = lines.filter((l) => "__parentId" in l);
    expect(orderLines.map((l) => l.id).sort()).toEqual(orders.map((o) => o.id).sort());
    expect(orderLines.every((l) => !("lineItems" in l))).toBe(true);
    expect(childLines).toHaveLength(orders.reduce((s, o) => s + o.lineItems.length, 0));
    expect(childLines).toContainEqual({
      id: "gid://shopify/LineItem/402",
      quantity: 1,
      variant: { id: "gid://shopify/ProductVariant/1021" },
      __parentId: "gid://shopify/Order/301",
    });
    expect(Number(op.objectCount)).toBe(lines.length);
    expect(Number(op.rootObjectCount)).toBe(orders.length);
  });

  it("rejects an invalid bulk query with a userError", async () => {
    const { body } = await gql(
      standin,
      SHOP,
      `mutation { bulkOperationRunQuery(query: "{ shop { id } }", groupObjects: false) { bulkOperation { id } userErrors { field message code } } }`,
    );
    expect(body.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [{ field: ["query"], message: expect.stringMatching(/connection/), code: "INVALID" }],
    });
  });
});

describe("cost and throttling", () => {
  it("refills the bucket at the restore rate", async () => {
    const tiny = await startStandin({ shops: [tinyShop(SHOP)], bucketSize: 12, restoreRate: 5 });
    try {
      const q = `{ orders(first: 10) { edges { node { id } } } }`;
      expect((await gql(tiny, SHOP, q)).body.errors).toBeUndefined();
      const throttled = await gql(tiny, SHOP, q);
      expect(firstError(throttled.body).code).toBe("THROTTLED");
      await new Promise((r) => setTimeout(r, 1400)); // 6 points back at 5 points/s
      const again = await gql(tiny, SHOP, q);
      expect(again.body.errors).toBeUndefined();
      expect(again.body.extensions?.cost.throttleStatus).toMatchObject({ maximumAvailable: 12, restoreRate: 5 });
    } finally {
      await tiny.close();
    }
  });

  it("answers THROTTLED once the bucket cannot hold the requested cost", async () => {
    const small = await startStandin({ shops: [tinyShop(SHOP)], bucketSize: 30, restoreRate: 1 });
    try {
      const q = `{ orders(first: 10) { edges { node { id } } } }`; // 2 + 10 x 1 = 12 requested
      const a = await gql(small, SHOP, q);
      expect(a.body.extensions?.cost.requestedQueryCost).toBe(12);
      expect(a.body.extensions?.cost.actualQueryCost).toBe(2 + 4);
      await gql(small, SHOP, q);
      await gql(small, SHOP, q);
      await gql(small, SHOP, q);
      const throttled = await gql(small, SHOP, q);
      expect(throttled.status).toBe(200);
      expect(throttled.body.data).toBeUndefined();
      expect(throttled.body.errors).toEqual([
        { message: "Throttled", extensions: { code: "THROTTLED", documentation: expect.any(String) } },
      ]);
      expect(throttled.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeLessThan(12);
      const calls = small.calls(SHOP);
      expect(calls.map((c) => c.throttled)).toEqual([false, false, false, false, true]);
      expect(calls[0]).toMatchObject({ operation: "orders", requestedCost: 12, actualCost: 6, status: 200 });
      const tooBig = await gql(small, SHOP, `{ orders(first: 250) { nodes { id } } }`);
      expect(firstError(tooBig.body).code).toBe("MAX_COST_EXCEEDED");
    } finally {
      await small.close();
    }
  });
});
