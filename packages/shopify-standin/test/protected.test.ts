import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tinyShop } from "../src/fixture";
import { gql, waitForBulk } from "../src/helpers";
import { orderWebhookPayload, startStandin, type Standin } from "../src/server";

/**
 * Protected customer data levels, answered as shopify.dev "Work with protected customer data" shows:
 * an unapproved field is null in `data` with "This app is not approved to access the Customer object"
 * in `errors` (path to the field, HTTP 200); without Level 1 the objects and the webhook topics are refused.
 */

const SHOP = "tiny-shop.myshopify.com";
const NOT_APPROVED =
  /^This app is not approved to access the Customer object\. See https:\/\/shopify\.dev\/docs\/apps\/launch\/protected-customer-data/;

let standin: Standin;
let receiver: Server;
let receiverUrl = "";
const received: { topic: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        topic: String(req.headers["x-shopify-topic"]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  standin = await startStandin({ shops: [tinyShop(SHOP)], bulkMinMs: 50, webhookTarget: receiverUrl });
});

afterEach(() => {
  standin.setProtectedDataLevel(2);
  received.length = 0;
});

afterAll(async () => {
  await standin.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const CUSTOMER = `query { customer(id: "gid://shopify/Customer/201") { id tags firstName lastName displayName defaultEmailAddress { emailAddress } numberOfOrders } }`;

describe("protected customer data levels", () => {
  it("Level 2 (the default) answers names and emails", async () => {
    const { body } = await gql(standin, SHOP, CUSTOMER);
    expect(body.errors).toBeUndefined();
    const c = standin.state(SHOP).customersById.get("gid://shopify/Customer/201")!;
    expect(body.data.customer).toMatchObject({
      id: c.id,
      firstName: c.firstName,
      lastName: c.lastName,
      defaultEmailAddress: { emailAddress: c.email },
    });
  });

  it("Level 1: name and email fields are null with Shopify's error per field; the rest answers", async () => {
    standin.setProtectedDataLevel(1);
    const { status, body } = await gql(standin, SHOP, CUSTOMER);
    expect(status).toBe(200);
    expect(body.data.customer).toMatchObject({
      id: "gid://shopify/Customer/201",
      firstName: null,
      lastName: null,
      defaultEmailAddress: null,
      displayName: "•••",
    });
    expect(Array.isArray(body.data.customer.tags)).toBe(true);
    const errors = body.errors as { message: string; path: string[]; extensions: { code: string } }[];
    expect(errors.map((e) => e.path.join("."))).toEqual([
      "customer.firstName",
      "customer.lastName",
      "customer.defaultEmailAddress",
    ]);
    for (const e of errors) {
      expect(e.message).toMatch(NOT_APPROVED);
      expect(e.extensions.code).toBe("ACCESS_DENIED");
    }
  });

  it("Level 1: orders and their customer ids answer; the order's email is refused", async () => {
    standin.setProtectedDataLevel(1);
    const ok = await gql(standin, SHOP, `query { orders(first: 2) { nodes { id customer { id } } } }`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.orders.nodes[0].customer.id).toMatch(/^gid:\/\/shopify\/Customer\//);
    const denied = await gql(standin, SHOP, `query { orders(first: 1) { nodes { id email } } }`);
    expect(denied.body.data.orders.nodes[0]).toEqual({ id: expect.any(String), email: null });
    expect((denied.body.errors as { message: string }[])[0].message).toMatch(/not approved to access the Order object/);
  });

  it("Level 0: Customer and Order objects are refused", async () => {
    standin.setProtectedDataLevel(0);
    const customers = await gql(standin, SHOP, `query { customers(first: 5) { nodes { id } } }`);
    expect(customers.body.data).toBeNull();
    expect((customers.body.errors as { message: string }[])[0].message).toMatch(NOT_APPROVED);
    const orders = await gql(standin, SHOP, `query { orders(first: 5) { nodes { id } } }`);
    expect(orders.body.data).toBeNull();
    expect((orders.body.errors as { message: string }[])[0].message).toMatch(/not approved to access the Order object/);
    const products = await gql(standin, SHOP, `query { products(first: 1) { nodes { id } } }`);
    expect(products.body.errors).toBeUndefined();
  });

  it("a bulk query selecting an unapproved field ends FAILED with ACCESS_DENIED; without it, it completes", async () => {
    standin.setProtectedDataLevel(1);
    const run = async (inner: string) => {
      const { body } = await gql(
        standin,
        SHOP,
        `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`,
        { q: inner },
      );
      return waitForBulk(standin, SHOP, body.data.bulkOperationRunQuery.bulkOperation.id);
    };
    expect(await run(`{ customers { edges { node { id firstName } } } }`)).toMatchObject({
      status: "FAILED",
      errorCode: "ACCESS_DENIED",
    });
    expect(await run(`{ customers { edges { node { id tags } } } }`)).toMatchObject({
      status: "COMPLETED",
      errorCode: null,
    });
  });

  it("webhooks: Level 0 refuses order topics (subscription and delivery), Level 1 delivers them without names and emails", async () => {
    const order = standin.state(SHOP).data.orders[0];
    const payload: Record<string, unknown> = {
      ...orderWebhookPayload(order),
      email: "someone@example.com",
      customer: { id: 201, first_name: "Ann", last_name: "Lee", email: "someone@example.com" },
    };
    standin.setProtectedDataLevel(0);
    const sub = await gql(
      standin,
      SHOP,
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "${receiverUrl}/webhooks/orders/create" }) { webhookSubscription { id } userErrors { field message } } }`,
    );
    expect(sub.body.data.webhookSubscriptionCreate.webhookSubscription).toBeNull();
    expect(sub.body.data.webhookSubscriptionCreate.userErrors[0].message).toMatch(
      /^This app is not approved to subscribe to webhook topics containing protected customer data/,
    );
    const refused = await standin.deliverWebhook({ shop: SHOP, topic: "orders/create", payload });
    expect(refused.status).toBe(0);
    const compliance = await standin.deliverWebhook({
      shop: SHOP,
      topic: "customers/data_request",
      payload: { shop_domain: SHOP },
    });
    expect(compliance.status).toBe(200);
    expect(received.map((r) => r.topic)).toEqual(["customers/data_request"]);

    standin.setProtectedDataLevel(1);
    const delivered = await standin.deliverWebhook({ shop: SHOP, topic: "orders/create", payload });
    expect(delivered.status).toBe(200);
    const body = received[1].body;
    expect(body.id).toBe(payload.id);
    expect(body.email).toBeNull();
    expect(body.customer).toEqual({ id: 201, first_name: null, last_name: null, email: null });
    expect(body.line_items).toEqual(payload.line_items);
  });
});
