/**
 * Bulk operation completion: the bulk_operations/finish webhook wakes the waiting sync at once (polling
 * is only the backstop), and the download is streamed line by line.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient } from "../../app/shopify/client.server";
import { downloadLines, notifyBulkOperationFinished, runBulkQuery } from "../../app/shopify/bulk.server";
import { ORDERS_BULK_QUERY } from "../../app/shopify/orders-sync.server";
import { handleBulkFinishWebhook } from "../../app/webhooks/bulk.server";
import { generateDemoShop } from "../standin/demo-shop";
import { startStandin, webhookHmac, type Standin } from "../standin/server";

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
  standin = await startStandin({ shops: [generateDemoShop({ orders: 150, shop: SHOP, seed: 2 })], bulkMinMs: 400, webhookSecret: SECRET, restoreRate: 1000 });
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
