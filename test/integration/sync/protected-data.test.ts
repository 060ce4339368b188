/**
 * Protected customer data on a real store: an app approved for Level 1 only (customer data without names,
 * emails, phones, addresses) gets Shopify's "not approved" errors for those fields. The app never asks for
 * them in the background, so a full sync -> analyze -> publish and the order webhooks give the same stored
 * result with Level 1 as with Level 2, and no job fails. Level 0 (no approval) fails the sync with a message
 * that says what to request. The stand-in's levels: packages/shopify-standin/src/protected.ts.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessQueue } from "../../../app/jobs/runtime/queue.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import { createAdminClient } from "../../../app/shopify/client.server";
import { receiveOrderWebhook } from "../../../app/webhooks/orders.server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import {
  orderWebhookPayload,
  startStandin,
  type ProtectedDataLevel,
  type Standin,
} from "../../../packages/shopify-standin/src/server";

const SHOP = "level-shop.myshopify.com";
const data = generateDemoShop({ shop: SHOP, orders: 500, seed: 23 });

interface Run {
  standin: Standin;
  t: TestDb;
  receiver: Server;
  webhookStatuses: number[];
}

async function runAt(level: ProtectedDataLevel): Promise<Run> {
  const t = await createTestDb("sqlite");
  const webhookStatuses: number[] = [];
  // The app's order webhook handler behind a plain HTTP server: the stand-in delivers to it as Shopify would.
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
      const delivery = {
        shop: String(req.headers["x-shopify-shop-domain"]),
        topic: String(req.headers["x-shopify-topic"]),
        webhookId: String(req.headers["x-shopify-webhook-id"]),
        payload,
      };
      receiveOrderWebhook(t.db, delivery).then(
        (r) => {
          webhookStatuses.push(r.status);
          res.writeHead(r.status).end(JSON.stringify(r.result));
        },
        (error: unknown) => {
          webhookStatuses.push(500);
          res.writeHead(500).end(String(error));
        },
      );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const address = receiver.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const standin = await startStandin({
    shops: [structuredClone(data)],
    bulkMinMs: 50,
    bucketSize: 2000,
    restoreRate: 1000,
    protectedDataLevel: level,
    webhookTarget: `http://127.0.0.1:${port}`,
  });
  return { standin, t, receiver, webhookStatuses };
}

async function fullSync(run: Run): Promise<{ failures: unknown[] }> {
  const admin = createAdminClient({ shop: SHOP, accessToken: run.standin.tokenFor(SHOP), apiBaseUrl: run.standin.url });
  await updateShopSettings(run.t.db, SHOP, { autoTag: true });
  const queue = new InProcessQueue({ db: run.t.db, admin: async () => admin }, { attempts: 1 });
  await queue.enqueue({ shop: SHOP, kind: "full-sync" });
  await queue.idle();
  return { failures: queue.failures };
}

/** What the shop looks like after a run: stored orders, scores, and the tags and metafields written. */
async function snapshot(run: Run) {
  const orders = await run.t.db.order.findMany({
    where: { shop: SHOP },
    orderBy: { id: "asc" },
    select: { id: true, customerId: true, totalAmount: true, refundedAmount: true, financialStatus: true },
  });
  const scores = await run.t.db.customerScore.findMany({
    where: { shop: SHOP },
    orderBy: { customerId: "asc" },
    select: { customerId: true, riskBand: true, rfmSegment: true, clusterKey: true },
  });
  const state = run.standin.state(SHOP);
  const tags = state.data.customers.map((c) => [c.id, [...c.tags].sort()]);
  const metafields = [...state.metafields.entries()]
    .map(([owner, map]) => [owner, [...map.values()].map((m) => `${m.key}=${m.value}`).sort()])
    .sort();
  return { orders, scores, tags, metafields };
}

async function close(run: Run | undefined): Promise<void> {
  if (!run) return;
  await run.standin.close();
  await new Promise<void>((r) => run.receiver.close(() => r()));
  await run.t.cleanup();
}

describe("protected customer data: Level 1 only", () => {
  let level1: Run;
  let level2: Run;
  beforeAll(async () => {
    level1 = await runAt(1);
    level2 = await runAt(2);
  });
  afterAll(async () => {
    await close(level1);
    await close(level2);
  });

  it(
    "sync, analyze and publish succeed and store exactly what they store with Level 2",
    { timeout: 240_000 },
    async () => {
      const r1 = await fullSync(level1);
      const r2 = await fullSync(level2);
      expect(r1.failures).toEqual([]);
      expect(r2.failures).toEqual([]);
      const runs = await level1.t.db.syncRun.findMany({ where: { shop: SHOP }, orderBy: { startedAt: "asc" } });
      expect(runs.map((r) => [r.kind, r.status, r.error ?? null])).toEqual([
        ["full", "succeeded", null],
        ["analyze", "succeeded", null],
        ["publish", "succeeded", null],
      ]);
      const a = await snapshot(level1);
      const b = await snapshot(level2);
      expect(a.orders.length).toBe(data.orders.length);
      expect(a.scores.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
      // Nothing the app asked for was refused: no call came back with an error.
      expect(level1.standin.calls(SHOP).filter((c) => c.status !== 200)).toEqual([]);
    },
  );

  it("order webhooks arrive without names and emails and are stored as with Level 2", async () => {
    const order = level1.standin.state(SHOP).data.orders.find((o) => o.customerId)!;
    const payload = {
      ...orderWebhookPayload(order),
      email: "buyer@example.com",
      id: 990001,
      admin_graphql_api_id: "gid://shopify/Order/990001",
    };
    const r1 = await level1.standin.deliverWebhook({ shop: SHOP, topic: "orders/create", payload });
    const r2 = await level2.standin.deliverWebhook({ shop: SHOP, topic: "orders/create", payload });
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(level1.webhookStatuses).toEqual([200]);
    const pick = {
      select: {
        id: true,
        customerId: true,
        totalAmount: true,
        refundedAmount: true,
        lineItems: { orderBy: { id: "asc" } },
      },
    } as const;
    const stored1 = await level1.t.db.order.findFirst({
      where: { shop: SHOP, id: "gid://shopify/Order/990001" },
      ...pick,
    });
    const stored2 = await level2.t.db.order.findFirst({
      where: { shop: SHOP, id: "gid://shopify/Order/990001" },
      ...pick,
    });
    expect(stored1).not.toBeNull();
    expect(stored1).toEqual(stored2);
  });
});

describe("protected customer data: Level 0", () => {
  let level0: Run;
  beforeAll(async () => {
    level0 = await runAt(0);
  });
  afterAll(async () => close(level0));

  it(
    "the sync fails with a message that says which approval to request, and order webhooks never come",
    { timeout: 120_000 },
    async () => {
      const r = await fullSync(level0);
      expect(r.failures.length).toBeGreaterThan(0);
      const run = await level0.t.db.syncRun.findFirst({ where: { shop: SHOP, kind: "full" } });
      expect(run?.status).toBe("failed");
      expect(run?.error).toMatch(/protected customer data/i);
      expect(run?.error).toMatch(/Level 1/);
      const order = level0.standin.state(SHOP).data.orders[0];
      const hook = await level0.standin.deliverWebhook({
        shop: SHOP,
        topic: "orders/create",
        payload: orderWebhookPayload(order),
      });
      expect(hook.status).toBe(0);
      expect(level0.webhookStatuses).toEqual([]);
    },
  );
});
