/**
 * Calling the app's routes as Shopify would, outside demo mode: a fresh SQLite database with the
 * environment the app's Shopify setup reads, signed webhook deliveries, and the Response a route's
 * loader or action returned or threw.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { ADMIN_API_VERSION } from "../../app/shopify/api-version";
import { createSqliteTestDb, type TestDb } from "./db";

export const APP_URL = "https://churnless.example.com";
export const ALL_SCOPES = "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy";

/**
 * For the whole test file: a fresh SQLite database, and the app's environment pointing at it (demo mode
 * and Redis off); `seed` runs after. The environment is restored and the database removed afterwards.
 * Returns a getter for the database (set once beforeAll has run).
 */
export function withShopifyAppEnv(opts: {
  secret: string;
  scopes?: string;
  seed?: (t: TestDb) => Promise<void>;
}): () => TestDb {
  let t: TestDb | undefined;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    t = await createSqliteTestDb();
    Object.assign(process.env, {
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: opts.secret,
      SHOPIFY_APP_URL: APP_URL,
      SCOPES: opts.scopes ?? ALL_SCOPES,
      DATABASE_URL: t.url,
      NODE_ENV: "test",
    });
    delete process.env.CHURNLESS_DEMO;
    delete process.env.REDIS_URL;
    await opts.seed?.(t);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await t?.cleanup();
  });
  return () => {
    if (!t) throw new Error("withShopifyAppEnv: the database is there only once beforeAll has run");
    return t;
  };
}

/** A webhook delivery as Shopify posts it: the raw body signed (HMAC-SHA256, base64) with `secret`. */
export function webhookRequest(
  topic: string,
  shop: string,
  body: string,
  opts: { secret: string; webhookId: string },
): Request {
  return new Request(`${APP_URL}/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": opts.webhookId,
      "X-Shopify-API-Version": ADMIN_API_VERSION,
      "X-Shopify-Event-Id": "evt-1",
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": createHmac("sha256", opts.secret).update(body, "utf8").digest("base64"),
    },
  });
}

type RouteFunction = (args: {
  request: Request;
  params: Record<string, string>;
  context: Record<string, unknown>;
}) => Promise<unknown>;

/** Runs a route's loader or action on `request`; a thrown Response (Shopify's redirects and 401s) is returned. */
export async function callRoute(fn: unknown, request: Request): Promise<unknown> {
  try {
    return await (fn as RouteFunction)({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
