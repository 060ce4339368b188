/**
 * Expiring offline access tokens, end to end against the stand-in playing Shopify's token endpoint
 * (packages/shopify-standin/src/oauth.ts): the install's token exchange asks for an expiring token and stores its refresh
 * token; a full sync plus publish that runs past the token's expiry completes on renewed tokens, which the
 * library stores; a token another process renewed is picked up on the 401; a revoked refresh token fails
 * the job once, with a message that says to reinstall, and loses nothing.
 *
 * The session token of the install is made here from Shopify's documentation (a JWT, HS256 with the app's
 * secret, `dest` = the shop, `aud` = the client id), not with the app's code.
 */
import { execFile } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { APP_URL, withShopifyAppEnv } from "../../helpers/shopify-app";

const SECRET = "offline-tokens-secret";
const API_KEY = "test-api-key";
const SHOP = "expiring-shop.myshopify.com";
const LIFETIME_S = 2;

const db = withShopifyAppEnv({ secret: SECRET });
let standin: Standin;

beforeAll(async () => {
  standin = await startStandin({
    shops: [generateDemoShop({ shop: SHOP, orders: 600, seed: 12 })],
    apiKey: API_KEY,
    webhookSecret: SECRET,
    offlineTokenLifetimeSeconds: LIFETIME_S,
    // Each bulk operation outlives a token, so the sync polls across an expiry.
    bulkMinMs: 2_500,
    bucketSize: 2_000,
    restoreRate: 1_000,
  });
  process.env.SHOPIFY_ADMIN_API_BASE_URL = standin.url;
});
afterAll(async () => {
  await standin?.close();
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

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

async function storedSession() {
  return db().db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
}

const refreshes = () => standin.oauth.events(SHOP).filter((e) => e.grant === "refresh_token");

describe("expiring offline access tokens", () => {
  it("the install exchanges the session token for an expiring offline token and stores its refresh token", async () => {
    // Auto-tagging on before the install, so the first full sync publishes for real.
    await db().db.shop.create({ data: { shop: SHOP, autoTag: true, previewSeenAt: new Date() } });
    const { authenticate } = await import("../../../app/shopify.server");
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
    const token = sessionToken(SHOP);
    const request = new Request(`${APP_URL}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${token}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const { session } = await authenticate.admin(request);
    expect(session.shop).toBe(SHOP);

    const exchange = standin.oauth.events(SHOP).filter((e) => e.grant === "token_exchange");
    expect(exchange).toHaveLength(1);
    const stored = await storedSession();
    expect(stored.accessToken).toBe(standin.oauth.current(SHOP)?.accessToken);
    expect(stored.refreshToken).toBe(standin.oauth.current(SHOP)?.refreshToken);
    expect(stored.expires!.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(stored.expires!.getTime()).toBeLessThanOrEqual(Date.now() + LIFETIME_S * 1000 + 1000);
  });

  it(
    "the install's full sync and publish run past the token's expiry and complete on renewed tokens, stored each time",
    { timeout: 120_000 },
    async () => {
      const { getQueue } = await import("../../../app/jobs/runtime/queue.server");
      const queue = (await getQueue()) as import("../../../app/jobs/runtime/queue.server").InProcessQueue;
      const firstToken = (await storedSession()).accessToken;
      await queue.idle();
      expect(queue.failures).toEqual([]);

      const runs = await db().db.syncRun.findMany({ where: { shop: SHOP }, orderBy: { startedAt: "asc" } });
      expect(runs.map((r) => [r.kind, r.status])).toEqual([
        ["full", "succeeded"],
        ["analyze", "succeeded"],
        ["publish", "succeeded"],
      ]);
      const took = runs.at(-1)!.finishedAt!.getTime() - runs[0].startedAt.getTime();
      expect(took).toBeGreaterThan(LIFETIME_S * 1000 * 2); // several tokens' lifetimes
      expect(await db().db.order.count({ where: { shop: SHOP } })).toBe(standin.state(SHOP).data.orders.length);
      expect(standin.state(SHOP).data.customers.some((c) => c.tags.some((t) => t.startsWith("churnless:risk:")))).toBe(
        true,
      );

      // Renewed by the library's refresh, each new pair stored; the first token no longer works.
      expect(refreshes().filter((e) => e.outcome === "granted").length).toBeGreaterThanOrEqual(2);
      const stored = await storedSession();
      const current = standin.oauth.current(SHOP)!;
      expect(stored.accessToken).toBe(current.accessToken);
      expect(stored.refreshToken).toBe(current.refreshToken);
      expect(stored.accessToken).not.toBe(firstToken);
      const res = await fetch(standin.graphqlUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": firstToken },
        body: '{"query":"{ shop { name } }"}',
      });
      expect(res.status).toBe(401);
    },
  );

  it(
    "a token renewed by another process (the embedded app) is picked up on Shopify's 401",
    { timeout: 60_000 },
    async () => {
      const { adminForShop } = await import("../../../app/shopify/admin.server");
      const { hasOfflineSession } = await import("../../../app/models/sessions.server");
      const admin = await adminForShop(SHOP, { isInstalled: (s) => hasOfflineSession(db().db, s) });
      await admin.request("query One { shop { name } }");
      // Another process refreshes with the stored refresh token and stores the new pair, as the library does.
      const { sessionStorage } = await import("../../../app/shopify.server");
      const before = (await sessionStorage.loadSession(`offline_${SHOP}`))!;
      const answer = standin.oauth.tokenRequest(
        Buffer.from(
          JSON.stringify({
            client_id: API_KEY,
            client_secret: SECRET,
            grant_type: "refresh_token",
            refresh_token: before.refreshToken,
          }),
        ),
        "application/json",
      );
      expect(answer.status).toBe(200);
      const renewed = answer.body as { access_token: string; refresh_token: string; expires_in: number };
      before.accessToken = renewed.access_token;
      before.refreshToken = renewed.refresh_token;
      before.expires = new Date(Date.now() + renewed.expires_in * 1000);
      await sessionStorage.storeSession(before);

      const calls = standin.calls(SHOP).length;
      const data = await admin.request<{ shop: { name: string } }>("query Two { shop { name } }");
      expect(data.shop.name).toBeTruthy();
      const seen = standin
        .calls(SHOP)
        .slice(calls)
        .map((c) => [c.operation, c.status]);
      expect(seen).toContainEqual(["(revoked token)", 401]);
      expect(seen.at(-1)).toEqual(["shop", 200]);
    },
  );

  it(
    "`npm run cli -- sync` renews an expired token through the library and stores the new one",
    { timeout: 90_000 },
    async () => {
      const before = await storedSession();
      await new Promise((r) => setTimeout(r, Math.max(0, before.expires!.getTime() - Date.now()) + 100));
      const granted = refreshes().filter((e) => e.outcome === "granted").length;
      const env = {
        ...process.env,
        DATABASE_URL: db().url,
        SHOPIFY_ADMIN_API_BASE_URL: standin.url,
        SHOPIFY_API_KEY: API_KEY,
        SHOPIFY_API_SECRET: SECRET,
        SHOPIFY_APP_URL: APP_URL,
      };
      const r = await promisify(execFile)(
        join(process.cwd(), "node_modules/.bin/tsx"),
        ["app/cli/main.ts", "sync", "--shop", SHOP],
        { cwd: process.cwd(), env, timeout: 60_000 },
      );
      expect(r.stdout).toMatch(new RegExp(`delta sync of ${SHOP} succeeded`));
      expect(refreshes().filter((e) => e.outcome === "granted").length).toBeGreaterThan(granted);
      const after = await storedSession();
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.accessToken).toBe(standin.oauth.current(SHOP)!.accessToken);
    },
  );

  it(
    "a revoked refresh token fails the job once with a 'reinstall' message; orders, scores and the session are kept",
    { timeout: 60_000 },
    async () => {
      const { InProcessQueue } = await import("../../../app/jobs/runtime/queue.server");
      const orders = await db().db.order.count({ where: { shop: SHOP } });
      const scores = await db().db.customerScore.count({ where: { shop: SHOP } });
      const sessionBefore = await storedSession();
      const runsBefore = await db().db.syncRun.count({ where: { shop: SHOP } });
      standin.oauth.revokeRefreshTokens(SHOP);
      // Wait for the access token to expire, so the job needs a renewal.
      await new Promise((r) => setTimeout(r, Math.max(0, sessionBefore.expires!.getTime() - Date.now()) + 100));

      let attempts = 0;
      const queue = new InProcessQueue(
        { db: db().db },
        {
          attempts: 4,
          backoffMs: 10,
          run: async (ctx, data) => {
            attempts++;
            const { runJob } = await import("../../../app/jobs/runtime/handlers.server");
            return runJob(ctx, data);
          },
        },
      );
      await queue.enqueue({ shop: SHOP, kind: "delta-sync" });
      await queue.idle();

      expect(attempts).toBe(1); // not retried: only the merchant can fix it
      expect(queue.failures).toHaveLength(1);
      expect(queue.failures[0].error).toMatch(/reinstall/i);
      expect(queue.failures[0].error).toMatch(/Nothing was lost/);
      expect(refreshes().at(-1)).toMatchObject({ outcome: "refused", error: "invalid_grant" });

      expect(await db().db.order.count({ where: { shop: SHOP } })).toBe(orders);
      expect(await db().db.customerScore.count({ where: { shop: SHOP } })).toBe(scores);
      const sessionAfter = await storedSession();
      expect(sessionAfter.refreshToken).toBe(sessionBefore.refreshToken);
      // Any run the job opened is marked failed, none is left "running".
      const newRuns = await db().db.syncRun.findMany({
        where: { shop: SHOP },
        orderBy: { startedAt: "asc" },
        skip: runsBefore,
      });
      for (const run of newRuns) expect(run.status).toBe("failed");
    },
  );
});
