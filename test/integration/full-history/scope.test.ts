/**
 * read_all_orders as an optional scope, end to end against the stand-in playing Shopify as documented:
 * without it Shopify returns only the last 60 days of orders (queries and bulk operations alike). The
 * install's sync and analysis then run on those orders: the sync succeeds, the shop is flagged, the
 * analysis uses the short-history model and its notes say why in plain words. The merchant is asked
 * through the library's scopes API (`scopes.request`: Shopify's grant screen); granting it sends
 * app/scopes_update (signed by the stand-in, delivered over HTTP to the app's route), which re-syncs the
 * whole history. The session token is made from Shopify's documentation (a JWT, HS256 with the app's secret).
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_URL, callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";

const SECRET = "full-history-secret";
const API_KEY = "test-api-key";
const SHOP = "sixty-days.myshopify.com";
const DAY = 86_400_000;

/** The required scopes of shopify.app.toml: what `shopify app dev` hands the app as SCOPES. */
const REQUIRED = /^\[access_scopes\][\s\S]*?^scopes\s*=\s*"([^"]*)"/m
  .exec(readFileSync(join(process.cwd(), "shopify.app.toml"), "utf8"))![1]
  .split(",");

const db = withShopifyAppEnv({ secret: SECRET, scopes: REQUIRED.join(",") });
let standin: Standin;
let app: Server;

/**
 * The app's scopes_update webhook route behind a real HTTP server, where the stand-in delivers. The route
 * module (and with it app/shopify.server.ts, which reads SHOPIFY_ADMIN_API_BASE_URL) loads on first use.
 */
async function serveWebhookRoute(): Promise<string> {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`${APP_URL}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      const { action } = await import("../../../app/routes/webhooks.app.scopes_update");
      const answer = (await callRoute(action, request)) as Response;
      res.writeHead(answer.status);
      res.end(await answer.text());
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const address = app.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  const target = await serveWebhookRoute();
  standin = await startStandin({
    shops: [generateDemoShop({ shop: SHOP, orders: 900, seed: 7, scopes: REQUIRED })],
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookTarget: target,
    bulkMinMs: 50,
    bucketSize: 20_000,
    restoreRate: 10_000,
  });
  process.env.SHOPIFY_ADMIN_API_BASE_URL = standin.url;
});
afterAll(async () => {
  await standin?.close();
  await new Promise((r) => app?.close(r));
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A session token as App Bridge sends it (shopify.dev "Session tokens": the JWT's claims). */
function sessionToken(shop: string): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url({ alg: "HS256", typ: "JWT" });
  const body = b64url({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    sub: "42",
    exp: now + 60,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  });
  const sig = createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

function adminRequest(path: string, method = "GET"): Request {
  const token = sessionToken(SHOP);
  const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
  return new Request(`${APP_URL}${path}?embedded=1&shop=${SHOP}&host=${host}&id_token=${token}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
  });
}

async function jobsDone() {
  const { getQueue } = await import("../../../app/jobs/runtime/queue.server");
  const queue = (await getQueue()) as import("../../../app/jobs/runtime/queue.server").InProcessQueue;
  await queue.idle();
  expect(queue.failures).toEqual([]);
}

async function latestAnalysis() {
  const row = await db().db.analysis.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { createdAt: "desc" } });
  return { model: row.model, notes: (JSON.parse(row.paramsJson) as { notes: string[] }).notes };
}

const allOrders = () => standin.state(SHOP).data.orders;
const lastSixtyDays = () => allOrders().filter((o) => Date.parse(o.createdAt) >= Date.now() - 60 * DAY);

describe("read_all_orders, an optional scope", () => {
  it("the demo shop has orders older than 60 days (else this test proves nothing)", () => {
    expect(lastSixtyDays().length).toBeGreaterThan(50);
    expect(allOrders().length - lastSixtyDays().length).toBeGreaterThan(300);
  });

  it(
    "without it the install's sync and analysis run on the last 60 days, flagged, on the short-history model, saying why",
    { timeout: 180_000 },
    async () => {
      const { authenticate } = await import("../../../app/shopify.server");
      const { session } = await authenticate.admin(adminRequest("/app"));
      expect(session.scope?.split(",").sort()).toEqual([...REQUIRED].sort());
      await jobsDone();

      const runs = await db().db.syncRun.findMany({ where: { shop: SHOP }, orderBy: { startedAt: "asc" } });
      expect(runs.slice(0, 2).map((r) => [r.kind, r.status])).toEqual([
        ["full", "succeeded"],
        ["analyze", "succeeded"],
      ]);
      const stored = await db().db.order.findMany({ where: { shop: SHOP }, select: { id: true } });
      expect(new Set(stored.map((o) => o.id))).toEqual(new Set(lastSixtyDays().map((o) => o.id)));
      expect((await db().db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).historyLimited).toBe(true);
      expect(JSON.parse(runs[0].detailsJson ?? "{}").warnings.join(" ")).toMatch(/Only the last 60 days of orders/);

      const analysis = await latestAnalysis();
      expect(analysis.model).toBe("bgnbd"); // the short-history model: nothing trained on the cut past
      expect(analysis.notes[0]).toMatch(
        /^Only the last 60 days of orders were visible, because the store has not granted Churnless access to all orders/,
      );

      const { getDashboard } = await import("../../../app/routes/app._index/data.server");
      expect((await getDashboard(db().db, SHOP)).historyLimited).toBe(true);
    },
  );

  it("asking for it sends the merchant to Shopify's grant screen for read_all_orders (the library's scopes API)", async () => {
    const { action } = await import("../../../app/routes/app.full-history");
    const answer = (await callRoute(action, adminRequest("/app/full-history", "POST"))) as Response;
    // App Bridge's fetch gets a 401 with the url to open: Shopify's install page with the optional scope.
    expect(answer.status).toBe(401);
    const to = new URL(answer.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url") ?? "about:blank");
    expect(`${to.origin}${to.pathname}`).toBe(`https://${SHOP}/admin/oauth/install`);
    expect(to.searchParams.get("optional_scopes")).toBe("read_all_orders");
    expect(to.searchParams.get("client_id")).toBe(API_KEY);
  });

  it(
    "granting it (Shopify's app/scopes_update) re-syncs the whole history and the analysis drops the note",
    { timeout: 180_000 },
    async () => {
      const before = await db().db.syncRun.count({ where: { shop: SHOP, kind: "full" } });
      const { delivery } = await standin.setScopes(SHOP, [...REQUIRED, "read_all_orders"]);
      expect(delivery?.status).toBe(200);
      await jobsDone();

      expect(await db().db.syncRun.count({ where: { shop: SHOP, kind: "full", status: "succeeded" } })).toBe(
        before + 1,
      );
      expect(await db().db.order.count({ where: { shop: SHOP } })).toBe(allOrders().length);
      expect((await db().db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).historyLimited).toBe(false);
      const analysis = await latestAnalysis();
      expect(analysis.notes.join(" ")).not.toMatch(/Only the last 60 days/);

      // Asked again: already granted, nothing to ask.
      const { action } = await import("../../../app/routes/app.full-history");
      const answer = (await callRoute(action, adminRequest("/app/full-history", "POST"))) as Response;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ granted: true });
    },
  );
});
