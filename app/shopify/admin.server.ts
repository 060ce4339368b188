/**
 * The Admin client for work nobody is watching: jobs (in-process and `npm run worker`), jobs started by
 * webhooks, `npm run cli -- sync`, the demo. Every path goes through `adminForShop`.
 *
 * The shop's offline session comes from @shopify/shopify-app-remix (`unauthenticated.admin(shop)`, the
 * library's one refresh path): with `future.expiringOfflineAccessTokens` the offline token expires (60
 * minutes on Shopify) and the library exchanges the refresh token for a new pair and stores it when the
 * token is within 5 minutes of expiry. A job runs for longer than that, so the client asks the library
 * again before every request once the token is close to expiry, and once more when Shopify answers 401
 * (another process may have stored a newer token). Concurrent requests share one renewal.
 *
 * A refresh token Shopify refuses (revoked, or unused for 90 days) cannot be repaired here: the job fails
 * with ReinstallRequiredError, which says what the merchant does, and nothing already stored is touched.
 *
 * SHOPIFY_ADMIN_API_BASE_URL points this client and the library's token requests at the local stand-in
 * (demo and tests only; refused with NODE_ENV=production). A real shop is always reached at https://<shop>.
 */
import type { Session } from "@shopify/shopify-api";
import { env } from "../env.server";
import { AdminApiError } from "./errors";
import { createAdminClient, type AdminClient, type AdminClientOptions } from "./client.server";

export class NoOfflineSessionError extends Error {
  constructor(readonly shop: string) {
    super(
      `No offline session for ${shop}: the app is not installed there (or was uninstalled). Install it again to sync.`,
    );
    this.name = "NoOfflineSessionError";
  }
}

/** Shopify no longer accepts the shop's offline credentials; only the merchant can fix it. */
export class ReinstallRequiredError extends Error {
  constructor(
    readonly shop: string,
    detail: string,
  ) {
    super(
      `Shopify no longer accepts Churnless's access to ${shop} (${detail}). Nothing was lost: the data synced so far is kept ` +
        `and the job can run again. To reconnect, the merchant opens Churnless from the Shopify admin, or reinstalls it.`,
    );
    this.name = "ReinstallRequiredError";
  }
}

/** The app's Shopify setup could not be loaded (its configuration is wrong): not a token problem. */
export class ShopifySetupError extends Error {
  constructor(shop: string, cause: unknown) {
    super(
      `Cannot renew ${shop}'s access token: the app's Shopify setup did not load: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "ShopifySetupError";
  }
}

/** True for failures no retry can fix (the job runners stop retrying them). */
export function needsMerchant(error: unknown): boolean {
  return error instanceof ReinstallRequiredError || error instanceof NoOfflineSessionError;
}

/** The library's offline session for a shop, renewed and stored by it when close to expiry. */
export type LoadOfflineSession = (shop: string) => Promise<Session>;

export interface AdminForShopOptions extends Omit<AdminClientOptions, "shop" | "accessToken"> {
  /**
   * Whether the shop has a stored offline session (the app is installed there), asked before anything
   * else; the caller passes the model's check (app/models/sessions.server.ts `hasOfflineSession`), as
   * app/shopify reads no database itself.
   */
  isInstalled: (shop: string) => Promise<boolean>;
  /** Default: the loader an entry point handed in (setOfflineSessionLoader): the library's `unauthenticated.admin`. */
  loadSession?: LoadOfflineSession;
  /** Tries of one session load (a token request that fails for a network reason is tried again). */
  loadAttempts?: number;
}

/** The library renews a token within this much of its expiry (WITHIN_MILLISECONDS_OF_EXPIRY). */
export const LIBRARY_RENEWAL_WINDOW_MS = 5 * 60_000;

/** The library's `unauthenticated` (app/shopify.server.ts), as an entry point hands it in. */
export interface UnauthenticatedAdmin {
  unauthenticated: { admin(shop: string): Promise<{ session: Session }> };
}

/**
 * A session loader over the library's `unauthenticated.admin`, loaded by `load` when first asked (a
 * module that fails to load, e.g. the app's settings missing, is a ShopifySetupError).
 */
export function librarySessionLoader(load: () => Promise<UnauthenticatedAdmin>): LoadOfflineSession {
  return async (shop) => {
    let modules;
    try {
      modules = await Promise.all([load(), import("@shopify/shopify-app-remix/server")]);
    } catch (error) {
      throw new ShopifySetupError(shop, error);
    }
    const [{ unauthenticated }, { SessionNotFoundError }] = modules;
    try {
      const { session } = await unauthenticated.admin(shop);
      return session;
    } catch (error) {
      if (error instanceof SessionNotFoundError) throw new NoOfflineSessionError(shop);
      throw error;
    }
  };
}

let handedIn: LoadOfflineSession | null = null;

/**
 * The entry points (app/shopify.server.ts for the web app, the worker process, the CLI) hand in how the
 * library's offline session is loaded; app/shopify imports none of them, so no import cycle runs back here.
 */
export function setOfflineSessionLoader(load: LoadOfflineSession): void {
  handedIn = load;
}

const librarySession: LoadOfflineSession = async (shop) => {
  if (!handedIn)
    throw new ShopifySetupError(
      shop,
      new Error("no offline session loader was handed in (app/shopify.server.ts, the worker or the CLI sets one)"),
    );
  return handedIn(shop);
};

/** What the library threw, in words (it throws a bare Response for a failed refresh). */
function describe(error: unknown): string {
  if (error instanceof Response) return `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ""}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The library's HttpResponseError for a 4xx from the token endpoint (a refusal, not an outage). */
function refusedByShopify(error: unknown): boolean {
  const code = (error as { response?: { code?: unknown } } | null)?.response?.code;
  return typeof code === "number" && code >= 400 && code < 500;
}

/**
 * One shop's offline token as the client uses it: renewed through the library when close to expiry or
 * refused, one renewal at a time.
 */
export class OfflineToken {
  private session: Session | null = null;
  private loadedAt = 0;
  private pending: Promise<Session> | null = null;
  /** Set once a renewal failed for good; every later request fails with it. */
  failure: Error | null = null;
  renewals = 0;

  constructor(
    readonly shop: string,
    private readonly load: LoadOfflineSession = librarySession,
    private readonly attempts = 3,
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  ) {}

  /** Due when less than min(5 minutes, half its lifetime) is left: the library then renews it. */
  private due(now = Date.now()): boolean {
    if (!this.session) return true;
    const expires = this.session.expires?.getTime();
    if (!expires) return false; // a non-expiring token
    const margin = Math.min(LIBRARY_RENEWAL_WINDOW_MS, Math.max(0, (expires - this.loadedAt) / 2));
    return expires - now <= margin;
  }

  /** The token to send now. */
  async current(): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.due()) await this.reload();
    return this.session!.accessToken!;
  }

  /** After Shopify refused `refused`: a newer token if the library has one, else null. */
  async afterRefusal(refused: string): Promise<string | null> {
    if (this.failure) return null;
    if (this.session?.accessToken === refused) await this.reload();
    const token = this.session?.accessToken;
    return token && token !== refused ? token : null;
  }

  private reload(): Promise<Session> {
    this.pending ??= (async () => {
      try {
        const session = await this.loadWithRetries();
        if (this.session && session.accessToken !== this.session.accessToken) this.renewals++;
        this.session = session;
        this.loadedAt = Date.now();
        return session;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }

  private async loadWithRetries(): Promise<Session> {
    for (let attempt = 1; ; attempt++) {
      try {
        const session = await this.load(this.shop);
        if (!session.accessToken) throw new NoOfflineSessionError(this.shop);
        return session;
      } catch (error) {
        if (error instanceof NoOfflineSessionError || error instanceof ShopifySetupError) {
          this.failure = error;
          throw error;
        }
        const refreshExpired = (this.session?.refreshTokenExpires?.getTime() ?? Infinity) <= Date.now();
        if (refusedByShopify(error) || refreshExpired || attempt >= this.attempts) {
          const why = refreshExpired
            ? "the refresh token expired: the shop was not synced for 90 days"
            : refusedByShopify(error)
              ? `Shopify refused to renew the offline access token: ${describe(error)}`
              : `the offline access token could not be renewed after ${attempt} tries (${describe(error)}): the refresh token was probably revoked`;
          console.error(`[admin] ${this.shop}: ${why}`);
          this.failure = new ReinstallRequiredError(this.shop, why);
          throw this.failure;
        }
        console.error(
          `[admin] ${this.shop}: renewing the offline access token failed (try ${attempt} of ${this.attempts}): ${describe(error)}`,
        );
        await this.sleep(500 * 2 ** (attempt - 1));
      }
    }
  }
}

/**
 * A fetch for the Admin client that sends the shop's current offline token, and on a 401 sends the request
 * once more with a newer token when the library has one (else Shopify's 401 goes back to the client).
 */
export function offlineTokenFetch(token: OfflineToken, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const sent = await token.current();
    headers.set("X-Shopify-Access-Token", sent);
    const response = await inner(input, { ...init, headers });
    if (response.status !== 401) return response;
    let next: string | null;
    try {
      next = await token.afterRefusal(sent);
    } catch (error) {
      // token.failure holds it; the client turns this 401 into an error and adminForShop rethrows the failure.
      console.error(`[admin] ${token.shop}: after a 401: ${describe(error)}`);
      return response;
    }
    if (!next) return response;
    await response.body?.cancel();
    headers.set("X-Shopify-Access-Token", next);
    return inner(input, { ...init, headers });
  };
}

/** The Admin client for one installed shop, on its offline session (see the top of this file). */
export async function adminForShop(shop: string, options: AdminForShopOptions): Promise<AdminClient> {
  const { isInstalled, loadSession, loadAttempts, ...clientOptions } = options;
  if (!(await isInstalled(shop))) throw new NoOfflineSessionError(shop);
  const token = new OfflineToken(shop, loadSession, loadAttempts);
  const accessToken = await token.current();
  // Refused by app/env.server.ts outside demo mode and tests.
  const base = env().SHOPIFY_ADMIN_API_BASE_URL;
  const client = createAdminClient({
    ...(base ? { apiBaseUrl: base } : {}),
    ...clientOptions,
    shop,
    accessToken,
    fetch: offlineTokenFetch(token, clientOptions.fetch),
  });
  return {
    ...client,
    async request<T = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<T> {
      await token.current(); // a renewal that fails for good ends the job here, before anything is sent
      try {
        return await client.request<T>(document, variables);
      } catch (error) {
        if (token.failure && error instanceof AdminApiError && error.status === 401) throw token.failure;
        if (error instanceof AdminApiError && error.status === 401) {
          throw new ReinstallRequiredError(
            shop,
            `Shopify answered 401 to the stored offline access token: ${error.message}`,
          );
        }
        throw error;
      }
    },
  };
}

/**
 * A fetch that sends the library's requests for `https://<shop>.myshopify.com/admin/...` (token requests,
 * its Admin client) to the stand-in at `base` instead. Demo and tests only.
 */
export function standinFetch(base: string, inner: typeof fetch = globalThis.fetch): typeof fetch {
  const origin = base.replace(/\/+$/, "");
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const m = /^https:\/\/[a-z0-9][a-z0-9-]*\.myshopify\.com(\/admin\/.*)$/i.exec(url);
    if (!m) return inner(input, init);
    return input instanceof Request ? inner(new Request(origin + m[1], input), init) : inner(origin + m[1], init);
  };
}
