import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyShop } from "../src/fixture";
import { gql, waitForBulk } from "../src/helpers";
import { startStandin, type Standin } from "../src/server";
import { APP_ID } from "../src/store";

const SHOP = "tiny-shop.myshopify.com";
let standin: Standin;

beforeAll(async () => {
  standin = await startStandin({
    shops: [tinyShop(SHOP)],
    bulkMinMs: 100,
    flowTriggerHandles: ["customer-churn-risk-changed"],
  });
});

afterAll(async () => {
  await standin.close();
});

const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id ... on Customer { tags } } userErrors { field message } } }`;
const TAGS_REMOVE = `mutation($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;

describe("tags", () => {
  it("adds and removes tags on a customer, leaving other tags alone", async () => {
    const id = "gid://shopify/Customer/202";
    const add = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["churnless:risk:high", "merchant-tag"] });
    expect(add.body.data.tagsAdd).toEqual({
      node: { id, tags: ["churnless:risk:high", "merchant-tag"] },
      userErrors: [],
    });
    const again = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["churnless:risk:high"] });
    expect(again.body.data.tagsAdd.node.tags).toEqual(["churnless:risk:high", "merchant-tag"]);
    const remove = await gql(standin, SHOP, TAGS_REMOVE, { id, tags: ["churnless:risk:high"] });
    expect(remove.body.data.tagsRemove.userErrors).toEqual([]);
    expect(standin.state(SHOP).customersById.get(id)?.tags).toEqual(["merchant-tag"]);
    expect(add.body.extensions?.cost.requestedQueryCost).toBe(10);
  });

  it("refuses tags over 255 characters and more than 250 tags per customer, changing nothing", async () => {
    const id = "gid://shopify/Customer/203";
    const long = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["x".repeat(256)] });
    expect(long.body.data.tagsAdd.userErrors).toEqual([{ field: ["tags"], message: expect.stringMatching(/255/) }]);
    const ok255 = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["y".repeat(255)] });
    expect(ok255.body.data.tagsAdd.userErrors).toEqual([]);
    const state = standin.state(SHOP);
    const customer = state.customersById.get(id)!;
    state.updateCustomerTags(
      customer,
      Array.from({ length: 249 }, (_, i) => `merchant-${i}`),
    );
    const over = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["churnless:a", "churnless:b"] });
    expect(over.body.data.tagsAdd.userErrors).toEqual([{ field: ["tags"], message: expect.stringMatching(/250/) }]);
    expect(customer.tags).toHaveLength(249);
    const fits = await gql(standin, SHOP, TAGS_ADD, { id, tags: ["churnless:a"] });
    expect(fits.body.data.tagsAdd.userErrors).toEqual([]);
    expect(customer.tags).toHaveLength(250);
  });
});

describe("staged upload and bulk mutation", () => {
  it("uploads JSONL variables, runs the mutation per line and writes a result JSONL", async () => {
    const staged = await gql(
      standin,
      SHOP,
      `mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "tags.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`,
    );
    expect(staged.body.data.stagedUploadsCreate.userErrors).toEqual([]);
    const target = staged.body.data.stagedUploadsCreate.stagedTargets[0] as {
      url: string;
      parameters: { name: string; value: string }[];
    };
    const key = target.parameters.find((p) => p.name === "key")!.value;
    const variables = [
      { id: "gid://shopify/Customer/201", tags: ["churnless:segment:champions"] },
      { id: "gid://shopify/Customer/999", tags: ["churnless:segment:lost"] },
      { id: "gid://shopify/Customer/202", tags: ["churnless:segment:new"] },
    ];
    const form = new FormData();
    for (const p of target.parameters) form.append(p.name, p.value);
    form.append(
      "file",
      new Blob([variables.map((v) => JSON.stringify(v)).join("\n")], { type: "text/jsonl" }),
      "tags.jsonl",
    );
    const upload = await fetch(target.url, { method: "POST", body: form });
    expect(upload.status).toBe(201);

    const run = await gql(
      standin,
      SHOP,
      `mutation($m: String!, $path: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $path) { bulkOperation { id status type } userErrors { field message code } } }`,
      { m: TAGS_ADD, path: key },
    );
    expect(run.body.data.bulkOperationRunMutation.userErrors).toEqual([]);
    const op = await waitForBulk(standin, SHOP, run.body.data.bulkOperationRunMutation.bulkOperation.id);
    expect(op.status).toBe("COMPLETED");
    const lines = (await (await fetch(String(op.url))).text())
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            data: { tagsAdd: { node: { id: string } | null; userErrors: { message: string }[] } };
            __lineNumber: number;
          },
      );
    expect(lines.map((l) => l.__lineNumber)).toEqual([0, 1, 2]);
    expect(lines[0].data.tagsAdd).toEqual({
      node: { id: "gid://shopify/Customer/201", tags: ["vip", "churnless:segment:champions"] },
      userErrors: [],
    });
    expect(lines[1].data.tagsAdd.node).toBeNull();
    expect(lines[1].data.tagsAdd.userErrors[0].message).toBe("Customer does not exist");
    expect(standin.state(SHOP).customersById.get("gid://shopify/Customer/202")?.tags).toContain(
      "churnless:segment:new",
    );

    const missing = await gql(
      standin,
      SHOP,
      `mutation($m: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: "tmp/nothing.jsonl") { bulkOperation { id } userErrors { code } } }`,
      { m: TAGS_ADD },
    );
    expect(missing.body.data.bulkOperationRunMutation.userErrors).toEqual([{ code: "NO_SUCH_FILE" }]);
  });
});

describe("staged upload by PUT and bulk cancel", () => {
  it("accepts a PUT upload to the staged url and runs metafieldsSet per line", async () => {
    const staged = await gql(
      standin,
      SHOP,
      `mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "mf.jsonl", mimeType: "text/jsonl", httpMethod: PUT }]) { stagedTargets { url parameters { name value } } userErrors { message } } }`,
    );
    const target = staged.body.data.stagedUploadsCreate.stagedTargets[0] as { url: string };
    const key = decodeURIComponent(new URL(target.url).pathname.replace(/^\/staged-uploads\//, ""));
    const line = {
      metafields: [
        {
          ownerId: "gid://shopify/Customer/203",
          namespace: "$app",
          key: "risk_band",
          type: "single_line_text_field",
          value: "high",
        },
      ],
    };
    const put = await fetch(target.url, { method: "PUT", body: JSON.stringify(line) + "\n" });
    expect(put.status).toBe(200);
    const run = await gql(
      standin,
      SHOP,
      `mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { bulkOperation { id } userErrors { message } } }`,
      {
        m: `mutation($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { key value } userErrors { message } } }`,
        p: key,
      },
    );
    expect(run.body.data.bulkOperationRunMutation.userErrors).toEqual([]);
    const op = await waitForBulk(standin, SHOP, run.body.data.bulkOperationRunMutation.bulkOperation.id);
    const result = JSON.parse((await (await fetch(String(op.url))).text()).trim()) as unknown;
    expect(result).toEqual({
      data: { metafieldsSet: { metafields: [{ key: "risk_band", value: "high" }], userErrors: [] } },
      __lineNumber: 0,
    });
    expect(
      standin.state(SHOP).metafields.get("gid://shopify/Customer/203")?.get(`app--${APP_ID}.risk_band`)?.value,
    ).toBe("high");
  });

  it("cancels a running bulk query", async () => {
    const slow = await startStandin({ shops: [tinyShop(SHOP)], bulkMinMs: 2000 });
    try {
      const start = await gql(
        slow,
        SHOP,
        `mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }", groupObjects: false) { bulkOperation { id } userErrors { message } } }`,
      );
      const id = start.body.data.bulkOperationRunQuery.bulkOperation.id as string;
      const cancel = await gql(
        slow,
        SHOP,
        `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`,
        { id },
      );
      expect(cancel.body.data.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
      const op = await waitForBulk(slow, SHOP, id);
      expect(op).toMatchObject({ status: "CANCELED", url: null });
      const again = await gql(
        slow,
        SHOP,
        `mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }`,
        { id },
      );
      expect(again.body.data.bulkOperationCancel.userErrors[0].message).toMatch(/cannot be canceled/);
    } finally {
      await slow.close();
    }
  });
});

describe("metafields, segments, Flow, webhook subscriptions", () => {
  it("creates definitions once and sets at most 25 metafields per call in the app namespace", async () => {
    const def = `mutation($d: MetafieldDefinitionInput!) { metafieldDefinitionCreate(definition: $d) { createdDefinition { id namespace key type { name } } userErrors { field message code } } }`;
    const input = {
      ownerType: "CUSTOMER",
      namespace: "$app",
      key: "churn_probability",
      name: "Churn probability",
      type: "number_decimal",
    };
    const first = await gql(standin, SHOP, def, { d: input });
    expect(first.body.data.metafieldDefinitionCreate.createdDefinition).toMatchObject({
      namespace: `app--${APP_ID}`,
      key: "churn_probability",
      type: { name: "number_decimal" },
    });
    const dup = await gql(standin, SHOP, def, { d: input });
    expect(dup.body.data.metafieldDefinitionCreate.userErrors).toEqual([
      { field: ["definition", "key"], message: expect.any(String), code: "TAKEN" },
    ]);

    const set = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id namespace key value type } userErrors { field message code elementIndex } } }`;
    const tooMany = Array.from({ length: 26 }, () => ({
      ownerId: "gid://shopify/Customer/201",
      namespace: "$app",
      key: "churn_probability",
      value: "0.5",
    }));
    const refused = await gql(standin, SHOP, set, { m: tooMany });
    expect(refused.body.data.metafieldsSet.userErrors[0]).toMatchObject({
      field: ["metafields"],
      code: "LESS_THAN_OR_EQUAL_TO",
    });
    const ok = await gql(standin, SHOP, set, {
      m: [
        { ownerId: "gid://shopify/Customer/201", namespace: "$app", key: "churn_probability", value: "0.25" },
        {
          ownerId: "gid://shopify/Customer/201",
          namespace: "$app",
          key: "recommended_products",
          type: "list.product_reference",
          value: JSON.stringify(["gid://shopify/Product/102"]),
        },
      ],
    });
    expect(ok.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(ok.body.data.metafieldsSet.metafields[0]).toMatchObject({
      namespace: `app--${APP_ID}`,
      key: "churn_probability",
      value: "0.25",
      type: "number_decimal",
    });
    const bad = await gql(standin, SHOP, set, {
      m: [
        {
          ownerId: "gid://shopify/Customer/201",
          namespace: "$app",
          key: "recommended_products",
          type: "list.product_reference",
          value: JSON.stringify(["gid://shopify/Product/999"]),
        },
      ],
    });
    expect(bad.body.data.metafieldsSet.userErrors[0]).toMatchObject({ code: "INVALID_VALUE", elementIndex: 0 });
    const read = await gql(
      standin,
      SHOP,
      `{ customer(id: "gid://shopify/Customer/201") { metafield(namespace: "$app", key: "churn_probability") { value } metafields(first: 5) { nodes { key references(first: 5) { nodes { ... on Product { handle } } } } } } }`,
    );
    expect(read.body.data.customer.metafield).toEqual({ value: "0.25" });
    expect(read.body.data.customer.metafields.nodes).toEqual([
      { key: "churn_probability", references: null },
      { key: "recommended_products", references: { nodes: [{ handle: "grinder" }] } },
    ]);
  });

  it("keeps segment names unique and records Flow triggers", async () => {
    const create = `mutation($n: String!, $q: String!) { segmentCreate(name: $n, query: $q) { segment { id name query } userErrors { field message } } }`;
    const a = await gql(standin, SHOP, create, {
      n: "Churnless: champions",
      q: "customer_tags CONTAINS 'churnless:segment:champions'",
    });
    expect(a.body.data.segmentCreate.userErrors).toEqual([]);
    const dup = await gql(standin, SHOP, create, { n: "Churnless: champions", q: "customer_tags CONTAINS 'x'" });
    expect(dup.body.data.segmentCreate.userErrors).toEqual([
      { field: ["name"], message: "Name has already been taken" },
    ]);
    const id = a.body.data.segmentCreate.segment.id as string;
    const upd = await gql(
      standin,
      SHOP,
      `mutation($id: ID!) { segmentUpdate(id: $id, name: "Churnless: VIP") { segment { name } userErrors { message } } }`,
      { id },
    );
    expect(upd.body.data.segmentUpdate).toEqual({ segment: { name: "Churnless: VIP" }, userErrors: [] });
    const list = await gql(standin, SHOP, `{ segments(first: 10) { nodes { id name } } }`);
    expect(list.body.data.segments.nodes).toEqual([{ id, name: "Churnless: VIP" }]);

    const flow = `mutation($h: String!, $p: JSON!) { flowTriggerReceive(handle: $h, payload: $p) { userErrors { field message } } }`;
    const fired = await gql(standin, SHOP, flow, {
      h: "customer-churn-risk-changed",
      p: { customer_id: 201, previous_band: "low", new_band: "high" },
    });
    expect(fired.body.data.flowTriggerReceive.userErrors).toEqual([]);
    expect(standin.state(SHOP).flowTriggers).toEqual([
      {
        handle: "customer-churn-risk-changed",
        payload: { customer_id: 201, previous_band: "low", new_band: "high" },
        at: expect.any(String),
      },
    ]);
    const unknown = await gql(standin, SHOP, flow, { h: "nope", p: {} });
    expect(unknown.body.data.flowTriggerReceive.userErrors[0].field).toEqual(["handle"]);
    const big = await gql(standin, SHOP, flow, { h: "customer-churn-risk-changed", p: { blob: "z".repeat(60_000) } });
    expect(big.body.data.flowTriggerReceive.userErrors[0].message).toMatch(/exceeds the limit/);
    expect(standin.state(SHOP).flowTriggers).toHaveLength(1);
  });

  it("creates webhook subscriptions", async () => {
    const create = `mutation($t: WebhookSubscriptionTopic!, $u: String!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: { uri: $u, format: JSON }) { webhookSubscription { id topic uri } userErrors { field message } } }`;
    const a = await gql(standin, SHOP, create, {
      t: "ORDERS_CREATE",
      u: "https://app.example.test/webhooks/orders/create",
    });
    expect(a.body.data.webhookSubscriptionCreate.webhookSubscription).toMatchObject({
      topic: "ORDERS_CREATE",
      uri: "https://app.example.test/webhooks/orders/create",
    });
    const dup = await gql(standin, SHOP, create, {
      t: "ORDERS_CREATE",
      u: "https://app.example.test/webhooks/orders/create",
    });
    expect(dup.body.data.webhookSubscriptionCreate.userErrors).toHaveLength(1);
    expect(standin.state(SHOP).webhookSubscriptions).toHaveLength(1);
  });
});
