/**
 * The one module that configures Shopify (in the shape of Shopify's Remix app template). Routes import
 * only what it exports: `authenticate`, `login`, ... and `requireAdmin`, which every admin route's
 * loader and action calls first.
 *
 * Demo mode (CHURNLESS_DEMO=1, `npm run demo`) serves the admin for one demo shop outside Shopify's
 * iframe, without OAuth. It is refused whenever NODE_ENV=production.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { LogSeverity, shopifyApi, type Session } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server";
import { markShopInstalled } from "./models/shops.server";
import { hasOfflineSession } from "./models/sessions.server";
import { DEFAULT_DEMO_SHOP, env, parseEnv } from "./env.server";
import { shopifySettingsAtStart } from "./startup.server";
import { ADMIN_API_VERSION } from "./shopify/api-version";
import { adminForShop, librarySessionLoader, setOfflineSessionLoader, standinFetch } from "./shopify/admin.server";
import { SerializedRefreshStorage } from "./shopify/token-refresh.server";
import type { AdminGraphql } from "./shopify/types";
import {
  checkWebhookPayload,
  MAX_WEBHOOK_BODY_BYTES,
  sameTopic,
  SHOP_DOMAIN_RE,
  shopNamedBy,
  type WebhookPayload,
  type WebhookTopic,
} from "./webhooks/payloads";
import { readBodyBounded } from "./shopify/request-body.server";

/** ADMIN_API_VERSION as @shopify/shopify-api's enum (it knows 2026-10 as October26). */
export const apiVersion: ApiVersion = (Object.values(ApiVersion) as string[]).includes(ADMIN_API_VERSION)
  ? (ADMIN_API_VERSION as ApiVersion)
  : (() => {
      throw new Error(`@shopify/shopify-api does not know Admin API version ${ADMIN_API_VERSION}`);
    })();

export { DEFAULT_DEMO_SHOP };

/**
 * True when the demo flag is set; throws when it is set outside NODE_ENV development or test (demo mode
 * has no auth; the rule lives in app/env.server.ts).
 */
export function isDemoMode(source: NodeJS.ProcessEnv = process.env): boolean {
  return (source === process.env ? env() : parseEnv(source)).demo;
}

export function demoShop(source: NodeJS.ProcessEnv = process.env): string {
  return (source === process.env ? env() : parseEnv(source)).CHURNLESS_DEMO_SHOP;
}

// Checked at startup (one line and exit 1 on a missing or wrong variable), before serving anything.
const settings = shopifySettingsAtStart();

// The local stand-in (demo and tests; env.server.ts refuses it elsewhere): the library's token requests
// (refresh, token exchange) go there too, so expiring offline tokens are tested end to end.
const standinUrl = env().SHOPIFY_ADMIN_API_BASE_URL;
if (standinUrl) setAbstractFetchFunc(standinFetch(standinUrl));

/**
 * The library's refresh-token grant (`api.auth.refreshToken`, the call its own renewal makes), for the
 * session storage below, which renews a due offline token under a per-shop lock before the library would.
 */
let refreshApi: ReturnType<typeof shopifyApi> | undefined;
async function refreshOfflineSession(shop: string, refreshToken: string): Promise<Session> {
  refreshApi ??= shopifyApi({
    apiKey: settings.apiKey,
    apiSecretKey: settings.apiSecretKey,
    apiVersion,
    scopes: settings.scopes,
    hostName: new URL(settings.appUrl).host,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Warning },
  });
  const { session } = await refreshApi.auth.refreshToken({ shop, refreshToken });
  return session;
}

/** Offline token renewals, one process at a time per shop (Redis lock when configured, else the database). */
const sessionStore = new SerializedRefreshStorage(
  new PrismaSessionStorage(db),
  async (key, fn) => (await import("./jobs/leases.server")).withNamedLock(key, fn, { db, redisUrl: env().REDIS_URL }),
  refreshOfflineSession,
);

const shopify = shopifyApp({
  apiKey: settings.apiKey,
  apiSecretKey: settings.apiSecretKey,
  apiVersion,
  scopes: settings.scopes,
  appUrl: settings.appUrl,
  authPathPrefix: "/auth",
  sessionStorage: sessionStore,
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Offline tokens expire after an hour and the library refreshes them (required from 2027-01-01);
    // background jobs get theirs through unauthenticated.admin (app/shopify/admin.server.ts).
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await onInstalled(session.shop);
    },
  },
});

/**
 * On install and re-install (and whenever the library exchanges a new offline token): the shop's row, its
 * scheduled refresh, then its first full sync (sync -> analyze -> publish preview) if it never had one.
 */
export async function onInstalled(shop: string): Promise<void> {
  // A shop installing again after shop/redact starts afresh: jobs may write for it again.
  const row = await markShopInstalled(db, shop);
  const { enqueueJob, getQueue } = await import("./jobs/runtime/queue.server");
  await (
    await getQueue()
  ).schedule(shop, row.refreshEveryHours, { lastRunAt: row.lastDeltaSyncAt ?? row.lastFullSyncAt });
  if (!row.lastFullSyncAt) await enqueueJob(shop, "full-sync");
}

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
// The web app's jobs load the shop's offline session through the library (app/shopify/admin.server.ts).
setOfflineSessionLoader(librarySessionLoader(async () => ({ unauthenticated })));
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;

/** What an admin route gets once the request is known to come from a merchant of `shop`. */
export interface AdminContext {
  shop: string;
  /** The Admin API for live reads (customer names, tags); null when it cannot be reached. */
  admin: AdminGraphql | null;
  demo: boolean;
}

type ShopifyGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

/** Wraps the embedded app's `admin.graphql` as our AdminGraphql seam. */
export function adminGraphqlFrom(shop: string, graphql: ShopifyGraphql): AdminGraphql {
  const stats = { calls: 0, costPoints: 0, retries: 0 };
  return {
    shop,
    stats,
    async request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
      stats.calls++;
      const response = await graphql(document, { variables });
      const body = (await response.json()) as {
        data?: T;
        errors?: Array<{ message: string }>;
        extensions?: { cost?: { actualQueryCost?: number } };
      };
      stats.costPoints += body.extensions?.cost?.actualQueryCost ?? 0;
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
      return body.data as T;
    },
  };
}

/**
 * Authenticates an admin request. Outside demo mode this is `authenticate.admin(request)`, which throws
 * a redirect (to login or the embedded bounce page) or a 401 for a request without a valid session,
 * so the route's loader never runs.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (isDemoMode()) {
    const shop = demoShop();
    let admin: AdminGraphql | null = null;
    try {
      admin = await adminForShop(shop, { isInstalled: (s) => hasOfflineSession(db, s) });
    } catch (error) {
      console.error(`[demo] no Admin API for ${shop}, live reads are off: ${(error as Error).message}`);
      admin = null; // the demo runs without a reachable Admin API too
    }
    return { shop, admin, demo: true };
  }
  const { session, admin } = await authenticate.admin(request);
  return { shop: session.shop, admin: adminGraphqlFrom(session.shop, admin.graphql), demo: false };
}

/** What a webhook route gets once a delivery is genuine, for its shop, and its body is what its topic says. */
export type WebhookDelivery<T extends WebhookTopic> = Awaited<ReturnType<typeof authenticate.webhook>> & {
  payload: WebhookPayload<T>;
};

const webhookLog = (request: Request, message: string) =>
  console.error(
    `[webhooks] ${request.headers.get("X-Shopify-Topic") ?? "?"} from ${JSON.stringify(request.headers.get("X-Shopify-Shop-Domain") ?? "?")}: ${message}`,
  );

/**
 * Authenticates a webhook delivery for the route of `topic` and checks its body (app/webhooks/README.md says
 * what Shopify does with each answer). Every refusal is logged and thrown as a Response, which Remix sends:
 * - not a POST: 405; a body over MAX_WEBHOOK_BODY_BYTES: 413, before the rest is read;
 * - an X-Shopify-Shop-Domain that is not a myshopify.com domain, or an X-Shopify-Topic of another topic: 400
 *   (not a delivery of Shopify's, which always sends both);
 * - a forged signature (HMAC-SHA256 of the raw body with the app's secret, checked by `authenticate.webhook`):
 *   401; missing headers: 400 (the library);
 * - a signed body naming another shop than the header (the header is not signed): 401, nothing done;
 * - a signed body that is not JSON or fails its topic's schema (app/webhooks/payloads.ts): 200, nothing
 *   done (Shopify would only send the same bytes again).
 */
export async function authenticateWebhook<T extends WebhookTopic>(
  request: Request,
  topic: T,
): Promise<WebhookDelivery<T>> {
  if (request.method !== "POST") throw new Response(undefined, { status: 405 });
  const raw = await readBodyBounded(request, MAX_WEBHOOK_BODY_BYTES, "webhooks");
  if (raw === null) {
    webhookLog(request, `body over ${MAX_WEBHOOK_BODY_BYTES} bytes, refused unread`);
    throw new Response("Payload too large", { status: 413 });
  }
  const headerShop = request.headers.get("X-Shopify-Shop-Domain");
  if (headerShop !== null && !SHOP_DOMAIN_RE.test(headerShop)) {
    webhookLog(request, "X-Shopify-Shop-Domain is not a myshopify.com domain: refused");
    throw new Response("Invalid X-Shopify-Shop-Domain", { status: 400 });
  }
  const headerTopic = request.headers.get("X-Shopify-Topic");
  if (headerTopic !== null && !sameTopic(headerTopic, topic)) {
    webhookLog(request, `X-Shopify-Topic is not ${topic}: refused`);
    throw new Response("Wrong X-Shopify-Topic for this address", { status: 400 });
  }
  // The library reads the body again: it gets the bytes already read, with the same headers.
  const copy = new Request(request.url, { method: "POST", headers: request.headers, body: raw });
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(copy);
  } catch (error) {
    // Thrown after the HMAC check passed: the library's JSON.parse of a signed body that is not JSON.
    if (error instanceof SyntaxError) {
      webhookLog(request, "payload rejected: the signed body is not JSON; acknowledged, nothing done");
      throw new Response(undefined, { status: 200 });
    }
    throw error;
  }
  const checked = checkWebhookPayload(topic, raw);
  if (!checked.ok) {
    webhookLog(request, `payload rejected: ${checked.reason}; acknowledged, nothing done`);
    throw new Response(undefined, { status: 200 });
  }
  const named = shopNamedBy(topic, checked.payload);
  if (named !== null && named !== context.shop) {
    webhookLog(request, `the signed body names ${named}, not the header's shop: refused, nothing done`);
    throw new Response("The body's shop is not the X-Shopify-Shop-Domain", { status: 401 });
  }
  return { ...context, payload: checked.payload } as WebhookDelivery<T>;
}

/**
 * `authenticate.flow` (HMAC over the raw body) for Flow's trigger lifecycle callback, with the body read to
 * at most MAX_WEBHOOK_BODY_BYTES (413 beyond) and a body whose shopify_domain is not a myshopify.com domain
 * answered 400 before the library looks its session up (which throws on such a domain).
 */
export async function authenticateFlow(request: Request): ReturnType<typeof authenticate.flow> {
  if (request.method !== "POST") throw new Response(undefined, { status: 405 });
  const raw = await readBodyBounded(request, MAX_WEBHOOK_BODY_BYTES, "flow/lifecycle");
  if (raw === null) {
    console.error(`[flow] lifecycle callback over ${MAX_WEBHOOK_BODY_BYTES} bytes, refused unread`);
    throw new Response("Payload too large", { status: 413 });
  }
  let domain: unknown;
  try {
    domain = (JSON.parse(raw) as { shopify_domain?: unknown } | null)?.shopify_domain;
  } catch {
    domain = undefined; // not JSON: refused below like a body without a shop
  }
  if (typeof domain !== "string" || !SHOP_DOMAIN_RE.test(domain)) {
    console.error("[flow] lifecycle callback without a myshopify.com shopify_domain: refused");
    throw new Response("Invalid Flow lifecycle callback", { status: 400 });
  }
  return authenticate.flow(new Request(request.url, { method: "POST", headers: request.headers, body: raw }));
}
