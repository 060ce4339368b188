/**
 * Several processes renewing one shop's expiring offline token at once (web server, workers, CLI), against
 * the stand-in's token endpoint, which behaves as Shopify documents (packages/shopify-standin/src/oauth.ts): each refresh
 * issues a new pair and revokes the earlier grant; the refresh token just used stays valid only until its
 * replacement is used. Without a lock, simultaneous refreshes each get a pair and all but the last are
 * revoked (shown first, as the control); with the per-shop lock (database, or Redis when configured) one
 * process refreshes, the others read what it stored, and every call succeeds on the one valid token.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withNamedLock } from "../../../app/jobs/leases.server";
import { createDb, type Db } from "../../../app/db.server";
import { SerializedRefreshStorage, type RefreshOfflineSession } from "../../../app/shopify/token-refresh.server";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";

const API_KEY = "race-api-key";
const SECRET = "race-secret";
const APP_URL = "https://churnless.example.com";
const PROCESSES = 4;
/** Separate processes (each loads the app: a few seconds of CPU apiece on a shared machine). */
const CHILDREN = 3;

let standin: Standin;
const shops = Array.from({ length: 6 }, (_, i) => `race-${i}-${randomBytes(3).toString("hex")}.myshopify.com`);

beforeAll(async () => {
  standin = await startStandin({
    shops: shops.map((shop, i) => generateDemoShop({ shop, orders: 20, seed: 40 + i })),
    apiKey: API_KEY,
    webhookSecret: SECRET,
  });
});
afterAll(async () => standin?.close());

/** Installs the shop with an expiring grant and stores a session the app takes for expired (due for renewal). */
async function installExpired(db: Db, shop: string) {
  const grant = standin.oauth.issue(shop);
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = grant.access_token;
  session.refreshToken = grant.refresh_token;
  session.expires = new Date(Date.now() - 1_000);
  session.refreshTokenExpires = new Date(Date.now() + 86_400_000);
  session.scope = grant.scope;
  await new PrismaSessionStorage(db).storeSession(session);
}

/** The refresh-token grant as the library sends it (shopify.dev OAuth: POST /admin/oauth/access_token). */
const refreshAtStandin: RefreshOfflineSession = async (shop, refreshToken) => {
  // A new connection per request (no pooled socket the stand-in may have closed meanwhile).
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${standin.url}/admin/oauth/access_token`,
      { method: "POST", agent: false, headers: { "Content-Type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(
      JSON.stringify({
        client_id: API_KEY,
        client_secret: SECRET,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      }),
    );
  });
  if (status !== 200) throw new Error(`refresh refused: ${status} ${text}`);
  const body = JSON.parse(text) as { access_token: string; refresh_token: string; expires_in: number };
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = body.access_token;
  session.refreshToken = body.refresh_token;
  session.expires = new Date(Date.now() + body.expires_in * 1000);
  return session;
};

/** Resolves for everyone once `n` callers are waiting: every client has read the due session before any goes on. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((r) => (open = r));
  return () => {
    if (++arrived === n) open();
    return all;
  };
}

const granted = (shop: string) =>
  standin.oauth.events(shop).filter((e) => e.grant === "refresh_token" && e.outcome === "granted").length;
const works = (token: string | undefined) => !!token && standin.oauth.checkAccessToken(token)?.ok === true;

const kinds = await databaseKinds();
const redisOn = await redisTestsEnabled();

describe.each(kinds)("simultaneous renewals of one shop's token (%s)", (kind) => {
  let t: TestDb;
  const clients: Db[] = [];
  beforeAll(async () => {
    t = await createTestDb(kind);
    // Independent clients, as separate processes have: each its own connection and storage.
    for (let i = 0; i < PROCESSES; i++) clients.push(createDb(t.url));
  });
  afterAll(async () => {
    for (const c of clients) await c.$disconnect();
    await t?.cleanup();
  });

  it("without a lock (the control): several grants, and tokens that were revoked as soon as they came", async () => {
    const shop = kind === "sqlite" ? shops[0] : shops[1];
    await installExpired(t.db, shop);
    const together = barrier(PROCESSES);
    const stores = clients.map(
      (c) =>
        new SerializedRefreshStorage(
          new PrismaSessionStorage(c),
          async (_key, fn) => {
            await together();
            return fn();
          },
          refreshAtStandin,
        ),
    );
    const loaded = await Promise.all(stores.map((s) => s.loadSession(`offline_${shop}`)));
    expect(granted(shop)).toBe(PROCESSES);
    expect(loaded.filter((s) => works(s?.accessToken)).length).toBeLessThan(PROCESSES);
  });

  it("with the database lock: one refresh, every client on the one valid token, stored", async () => {
    const shop = kind === "sqlite" ? shops[2] : shops[3];
    await installExpired(t.db, shop);
    const together = barrier(PROCESSES);
    const stores = clients.map(
      (c) =>
        new SerializedRefreshStorage(
          new PrismaSessionStorage(c),
          async (key, fn) => {
            await together(); // all four want the lock at once
            return withNamedLock(key, fn, { db: c });
          },
          refreshAtStandin,
        ),
    );
    const loaded = await Promise.all(stores.map((s) => s.loadSession(`offline_${shop}`)));
    expect(granted(shop)).toBe(1);
    expect(stores.reduce((n, s) => n + s.renewals, 0)).toBe(1);
    const current = standin.oauth.current(shop)!;
    for (const s of loaded) expect(s?.accessToken).toBe(current.accessToken);
    expect(works(current.accessToken)).toBe(true);
    const stored = await t.db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect([stored.accessToken, stored.refreshToken]).toEqual([current.accessToken, current.refreshToken]);
    expect(await t.db.appLock.count()).toBe(0); // given back
  });
});

/** Runs the fixture as its own process, as production would (no VITEST in its environment). */
function adminRequest(
  shop: string,
  env: Record<string, string>,
): Promise<{ ok: boolean; token?: string; error?: string }> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: APP_URL,
    SHOPIFY_ADMIN_API_BASE_URL: standin.url,
    ...env,
  };
  for (const k of Object.keys(childEnv)) if (k.startsWith("VITEST")) delete childEnv[k];
  delete childEnv.CHURNLESS_DEMO;
  if (!env.REDIS_URL) delete childEnv.REDIS_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "test/jobs/fixtures/admin-request.ts", shop], {
    cwd: process.cwd(),
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.once("exit", () => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      resolve(line ? JSON.parse(line) : { ok: false, error: out });
    }),
  );
}

describe("simultaneous renewals from separate processes", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kinds.includes("postgres") ? "postgres" : "sqlite");
  });
  afterAll(async () => t?.cleanup());

  // One case, as each process loads the whole app (seconds of CPU apiece): the Redis lock where Redis runs
  // (always in CI), else the database's. The database lock between independent clients is tested above.
  const cases: Array<[string, string, Record<string, string>]> = redisOn
    ? [["the Redis lock", shops[5], { REDIS_URL }]]
    : [["the database lock (no Redis)", shops[4], {}]];
  it.each(cases)(
    `%s: ${CHILDREN} processes, one refresh, no failed call, one valid token stored`,
    { timeout: 120_000 },
    async (_name, shop, env) => {
      await installExpired(t.db, shop);
      const results = await Promise.all(
        Array.from({ length: CHILDREN }, () => adminRequest(shop, { DATABASE_URL: t.url, ...env })),
      );
      for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
      expect(granted(shop)).toBe(1);
      const current = standin.oauth.current(shop)!;
      for (const r of results) expect(r.token).toBe(current.accessToken);
      const stored = await t.db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
      expect([stored.accessToken, stored.refreshToken]).toEqual([current.accessToken, current.refreshToken]);
      expect(works(stored.accessToken)).toBe(true);
    },
  );
});
