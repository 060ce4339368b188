/**
 * Bulk operation completion: the bulk_operations/finish webhook wakes the waiting sync at once (polling
 * is only the backstop), and the download is streamed line by line. Bulk operations as Shopify runs them
 * since 2026-01: up to five at once per shop (a sixth gets LIMIT_REACHED), in-flight ones listed with
 * `bulkOperations` and a status filter (the app uses no field the pinned schema deprecates), ACCESS_DENIED
 * not retried.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient } from "../../../app/shopify/client.server";
import {
  downloadLines,
  inFlightBulkOperations,
  notifyBulkOperationFinished,
  runBulkQuery,
} from "../../../app/shopify/bulk.server";
import { runBulkMutation } from "../../../app/shopify/tag-writer.server";
import { ORDERS_BULK_QUERY } from "../../../app/shopify/orders-sync.server";
import { handleBulkFinishWebhook } from "../../../app/webhooks/bulk.server";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { gql, waitForBulk } from "../../../packages/shopify-standin/src/helpers";
import { startStandin, webhookHmac, type Standin } from "../../../packages/shopify-standin/src/server";

const SHOP = "bulk-hook.myshopify.com";
const SECRET = "bulk-test-secret";
let standin: Standin;
let hooks: Server;
const received: Array<{ topic: string; woke: boolean }> = [];

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.headers["x-shopify-hmac-sha256"] !== webhookHmac(body, SECRET)) {
        res.writeHead(401).end();
        return;
      }
      const { woke } = handleBulkFinishWebhook(JSON.parse(body));
      received.push({ topic: String(req.headers["x-shopify-topic"]), woke });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, "127.0.0.1", () => r()));
  standin = await startStandin({
    shops: [generateDemoShop({ orders: 150, shop: SHOP, seed: 2 })],
    bulkMinMs: 400,
    webhookSecret: SECRET,
    restoreRate: 1000,
  });
  const now = new Date().toISOString();
  standin.state(SHOP).webhookSubscriptions.push({
    id: "gid://shopify/WebhookSubscription/1",
    topic: "BULK_OPERATIONS_FINISH",
    uri: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/webhooks/bulk_operations/finish`,
    format: "JSON",
    filter: null,
    includeFields: [],
    createdAt: now,
    updatedAt: now,
  });
});
afterAll(async () => {
  await standin?.close();
  await new Promise<void>((r) => hooks.close(() => r()));
});

describe("bulk operations", () => {
  it("the finish webhook ends the wait long before the next poll", async () => {
    const admin = createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
    const t0 = Date.now();
    const result = await runBulkQuery(admin, ORDERS_BULK_QUERY, { pollIntervalMs: 45_000 });
    const elapsed = Date.now() - t0;
    expect(result.operation.status).toBe("COMPLETED");
    expect(result.downloadUrl).toBeTruthy();
    expect(elapsed).toBeLessThan(15_000);
    expect(received).toEqual([{ topic: "bulk_operations/finish", woke: true }]);

    let lines = 0;
    let orders = 0;
    for await (const line of downloadLines(result.downloadUrl!)) {
      lines++;
      if (JSON.parse(line).__parentId === undefined) orders++;
    }
    expect(orders).toBe(150);
    expect(lines).toBe(result.operation.objectCount);
  });

  it("a finish notice for an operation nobody waits for is harmless", () => {
    expect(notifyBulkOperationFinished("gid://shopify/BulkOperation/404")).toBe(false);
    expect(handleBulkFinishWebhook({ nothing: true })).toEqual({ operationId: null, woke: false });
  });
});

/** Starts a bulk query over the stand-in directly (another of the app's operations, e.g. a crashed job's). */
async function startOther(query = `{ products { edges { node { id } } } }`): Promise<string> {
  const { body } = await gql(
    standin,
    SHOP,
    `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message code } } }`,
    { q: query },
  );
  const id = body.data.bulkOperationRunQuery.bulkOperation?.id as string | undefined;
  if (!id) throw new Error(`could not start: ${JSON.stringify(body.data.bulkOperationRunQuery.userErrors)}`);
  return id;
}

const record = (id: string) => standin.state(SHOP).bulkOperations.find((b) => b.id === id)!;

describe("bulk operations since 2026-01 (five at a time per shop)", () => {
  const admin = () => createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });

  it("lists the app's in-flight operations with bulkOperations (status filter), oldest first", async () => {
    const a = await startOther();
    const b = await startOther(`{ customers { edges { node { id } } } }`);
    const listed = await inFlightBulkOperations(admin());
    expect(listed.map((o) => o.id)).toEqual([a, b]);
    expect(listed.every((o) => o.type === "QUERY")).toBe(true);
    expect(await inFlightBulkOperations(admin(), "MUTATION")).toEqual([]);
    await waitForBulk(standin, SHOP, a);
    await waitForBulk(standin, SHOP, b);
    expect(await inFlightBulkOperations(admin())).toEqual([]);
  });

  it("a sync's export does not wait for another in-flight operation of the app", async () => {
    const other = await startOther();
    const result = await runBulkQuery(admin(), ORDERS_BULK_QUERY, { pollIntervalMs: 50 });
    expect(result.operation.status).toBe("COMPLETED");
    expect(result.reused).toBe(false);
    // Ours was created while the other one was still running.
    const otherDone = await waitForBulk(standin, SHOP, other);
    expect(Date.parse(record(result.operation.id).createdAt)).toBeLessThan(Date.parse(String(otherDone.completedAt)));
  });

  it("at the limit (LIMIT_REACHED) the export waits for the oldest operation to end, then starts", async () => {
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await startOther());
    const before = standin.calls(SHOP).length;
    const result = await runBulkQuery(admin(), ORDERS_BULK_QUERY, { pollIntervalMs: 50 });
    expect(result.operation.status).toBe("COMPLETED");
    const starts = standin
      .calls(SHOP)
      .slice(before)
      .filter((c) => c.operation === "bulkOperationRunQuery");
    expect(starts.length).toBeGreaterThanOrEqual(2);
    const oldest = record(others[0]);
    expect(Date.parse(record(result.operation.id).createdAt)).toBeGreaterThanOrEqual(Date.parse(oldest.completedAt!));
    for (const id of others) await waitForBulk(standin, SHOP, id);
  });

  it("an export of the same query already in flight is reused, not started twice", async () => {
    const same = await startOther(ORDERS_BULK_QUERY);
    const result = await runBulkQuery(admin(), ORDERS_BULK_QUERY, { pollIntervalMs: 50 });
    expect(result.reused).toBe(true);
    expect(result.operation.id).toBe(same);
  });

  it("a bulk mutation runs while an export is in flight (a publish beside a sync's export)", async () => {
    const other = await startOther(ORDERS_BULK_QUERY);
    const customer = standin.state(SHOP).data.customers[0];
    const out = await runBulkMutation(
      admin(),
      `#graphql
      mutation tagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`,
      "tagsAdd",
      [{ id: customer.id, tags: ["churnless:risk:low"] }],
      { name: "overlap", pollIntervalMs: 50 },
    );
    expect(out.status).toBe("COMPLETED");
    expect(out.missing).toEqual([]);
    expect(customer.tags).toContain("churnless:risk:low");
    const otherDone = await waitForBulk(standin, SHOP, other);
    expect(Date.parse(record(out.bulkOperationId).createdAt)).toBeLessThan(Date.parse(String(otherDone.completedAt)));
  });

  it("ACCESS_DENIED (no protected customer data approval) fails at once with what to request", async () => {
    standin.setProtectedDataLevel(0);
    try {
      const before = standin.state(SHOP).bulkOperations.length;
      await expect(runBulkQuery(admin(), ORDERS_BULK_QUERY, { pollIntervalMs: 50, retryDelayMs: 1 })).rejects.toThrow(
        /ACCESS_DENIED.*protected customer data Level 1/,
      );
      expect(standin.state(SHOP).bulkOperations.length - before).toBe(1);
    } finally {
      standin.setProtectedDataLevel(2);
    }
  });

  it("the app's bulk documents use nothing the pinned schema deprecates (Shopify's X-Shopify-API-Deprecated-Reason)", () => {
    const calls = standin.calls(SHOP);
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.deprecated?.length).map((c) => `${c.operation}: ${c.deprecated!.join(", ")}`)).toEqual(
      [],
    );
  });
});
