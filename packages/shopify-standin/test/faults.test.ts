import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyShop } from "../src/fixture";
import { gql, waitForBulk } from "../src/helpers";
import { orderWebhookPayload, startStandin, webhookHmac, type Standin } from "../src/server";

const SHOP = "tiny-shop.myshopify.com";
const SECRET = "test-secret";
const BULK_ORDERS = `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id lineItems { edges { node { id } } } } } } }", groupObjects: false) { bulkOperation { id } userErrors { message } } }`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let standin: Standin;
let app: Server;
let appUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ path: req.url ?? "", headers: req.headers, body });
      const ok = req.headers["x-shopify-hmac-sha256"] === webhookHmac(body, SECRET);
      res.writeHead(ok ? 200 : 401).end(ok ? "ok" : "bad hmac");
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const address = app.address();
  appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  standin = await startStandin({
    shops: [tinyShop(SHOP)],
    bulkMinMs: 60,
    webhookSecret: SECRET,
    webhookTarget: appUrl,
  });
});

afterAll(async () => {
  await standin.close();
  await new Promise<void>((r) => app.close(() => r()));
});

async function runBulk(): Promise<Record<string, string | null>> {
  const start = await gql(standin, SHOP, BULK_ORDERS);
  expect(start.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
  return waitForBulk(standin, SHOP, start.body.data.bulkOperationRunQuery.bulkOperation.id);
}

describe("faults", () => {
  it("injects THROTTLED and 5xx answers deterministically by seed", async () => {
    const pattern = async (): Promise<number[]> => {
      standin.setFaults(SHOP, { throttledShare: 0.3, serverErrorShare: 0.2, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const { status, body } = await gql(standin, SHOP, `{ shop { id } }`);
        out.push(
          status === 200 && Array.isArray(body.errors) && body.errors[0].extensions?.code === "THROTTLED"
            ? 429
            : status,
        );
        if (status >= 500) expect(body.raw).toMatch(/<html>/);
      }
      return out;
    };
    const a = await pattern();
    const b = await pattern();
    standin.setFaults(SHOP, { throttledShare: 0, serverErrorShare: 0 });
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(a.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it("drops connections without an answer", async () => {
    standin.setFaults(SHOP, { connectionResetShare: 1 });
    await expect(gql(standin, SHOP, `{ shop { id } }`)).rejects.toThrow();
    standin.setFaults(SHOP, { connectionResetShare: 0 });
    expect((await gql(standin, SHOP, `{ shop { id } }`)).status).toBe(200);
    expect(standin.calls(SHOP).some((c) => c.operation === "(connection reset)" && c.status === 0)).toBe(true);
  });

  it("slows answers down", async () => {
    standin.setFaults(SHOP, { slowMs: 150 });
    const t0 = Date.now();
    await gql(standin, SHOP, `{ shop { id } }`);
    standin.setFaults(SHOP, { slowMs: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("ends the next bulk operations FAILED, EXPIRED or partial, then COMPLETED again", async () => {
    standin.setFaults(SHOP, { bulkOutcome: "FAILED", bulkFailures: 1 });
    const failed = await runBulk();
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });
    const ok = await runBulk();
    expect(ok.status).toBe("COMPLETED");
    expect(ok.url).not.toBeNull();

    standin.setFaults(SHOP, { bulkOutcome: "EXPIRED", bulkFailures: 1 });
    expect((await runBulk()).status).toBe("EXPIRED");

    standin.setFaults(SHOP, { bulkOutcome: "PARTIAL", bulkFailures: 1 });
    const partial = await runBulk();
    expect(partial.status).toBe("COMPLETED");
    expect(partial.url).toBeNull();
    const lines = (await (await fetch(String(partial.partialDataUrl))).text()).trim().split("\n");
    const full = (await (await fetch(String(ok.url))).text()).trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(full.length);
    expect(full.slice(0, lines.length)).toEqual(lines);
  });

  it("inserts malformed lines into the next JSONL file only", async () => {
    standin.setFaults(SHOP, { malformedLines: 3, seed: 7 });
    const op = await runBulk();
    const lines = (await (await fetch(String(op.url))).text()).trim().split("\n");
    const bad = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(3);
    const clean = await runBulk();
    const cleanLines = (await (await fetch(String(clean.url))).text()).trim().split("\n");
    expect(cleanLines).toHaveLength(lines.length - 3);
    expect(cleanLines.every((l) => JSON.parse(l) !== null)).toBe(true);
  });

  it("answers url null for a bulk query with no objects", async () => {
    const empty = await startStandin({ shops: [{ ...tinyShop(SHOP), orders: [] }], bulkMinMs: 20 });
    try {
      const start = await gql(empty, SHOP, BULK_ORDERS);
      const op = await waitForBulk(empty, SHOP, start.body.data.bulkOperationRunQuery.bulkOperation.id);
      expect(op).toMatchObject({ status: "COMPLETED", url: null, objectCount: "0" });
    } finally {
      await empty.close();
    }
  });
});

describe("webhooks", () => {
  it("signs deliveries with the app secret; a forged one carries a different signature", async () => {
    received.length = 0;
    const order = standin.state(SHOP).data.orders[1];
    const real = await standin.deliverWebhook({
      shop: SHOP,
      topic: "orders/create",
      payload: orderWebhookPayload(order),
      webhookId: "wh-1",
    });
    const forged = await standin.deliverWebhook({
      shop: SHOP,
      topic: "orders/create",
      payload: orderWebhookPayload(order),
      webhookId: "wh-2",
      forged: true,
    });
    expect(real.status).toBe(200);
    expect(forged.status).toBe(401);
    expect(received.map((r) => r.path)).toEqual(["/webhooks/orders/create", "/webhooks/orders/create"]);
    const [a, b] = received;
    expect(a.headers).toMatchObject({
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": "wh-1",
      "x-shopify-api-version": standin.apiVersion,
    });
    expect(a.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(a.body, SECRET));
    expect(b.body).toBe(a.body);
    expect(b.headers["x-shopify-hmac-sha256"]).not.toBe(a.headers["x-shopify-hmac-sha256"]);
    expect(JSON.parse(a.body)).toMatchObject({
      admin_graphql_api_id: order.id,
      customer: { admin_graphql_api_id: order.customerId },
    });
  });

  it("delivers bulk_operations/finish to the shop's subscription", async () => {
    received.length = 0;
    await gql(
      standin,
      SHOP,
      `mutation($u: String!) { webhookSubscriptionCreate(topic: BULK_OPERATIONS_FINISH, webhookSubscription: { uri: $u, format: JSON }) { userErrors { message } } }`,
      { u: `${appUrl}/webhooks/bulk` },
    );
    const op = await runBulk();
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe("/webhooks/bulk");
    expect(received[0].headers["x-shopify-topic"]).toBe("bulk_operations/finish");
    expect(JSON.parse(received[0].body)).toEqual({
      admin_graphql_api_id: op.id,
      completed_at: op.completedAt,
      created_at: expect.any(String),
      error_code: null,
      status: "completed",
      type: "query",
    });
  });
});
