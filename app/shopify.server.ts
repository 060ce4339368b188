/**
 * The one module that configures Shopify (in the shape of Shopify's Remix app template). Routes import
 * only what it exports: `authenticate`, `login`, ... and `requireAdmin`, which every admin route's
 * loader and action calls first.
 *
 * Demo mode (CHURNLESS_DEMO=1, `npm run demo`) serves the admin for one demo shop outside Shopify's
 * iframe, without OAuth. It is refused whenever NODE_ENV=production.
 */
import "@shopify/shopify-app-remix/adapters/node";
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
import type { AdminGraphql } from "./shopify/types";

/** ADMIN_API_VERSION as @shopify/shopify-api's enum (it knows 2026-07 as July26). */
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

const shopify = shopifyApp({
  apiKey: settings.apiKey,
  apiSecretKey: settings.apiSecretKey,
  apiVersion,
  scopes: settings.scopes,
  appUrl: settings.appUrl,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db),
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

/**
 * `authenticate.webhook` (HMAC over the raw body: a forged delivery gets 401), with a genuine delivery
 * whose body is not JSON answered 400 rather than 500, which Shopify would retry for nothing.
 */
export async function authenticateWebhook(request: Request): ReturnType<typeof authenticate.webhook> {
  try {
    return await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof SyntaxError) {
      console.error(
        `[webhooks] ${request.headers.get("X-Shopify-Topic")} from ${request.headers.get("X-Shopify-Shop-Domain")}: body is not JSON`,
      );
      throw new Response("The webhook body is not valid JSON", { status: 400 });
    }
    throw error;
  }
}
