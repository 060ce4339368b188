/**
 * Offline token renewals, one process at a time per shop.
 *
 * With expiring offline tokens the library renews a shop's token wherever it loads the offline session
 * (unauthenticated.admin for jobs, workers and the CLI; authenticate.webhook, .flow, .public.appProxy in
 * the web app), and its renewal takes no lock. Shopify rotates the pair on each refresh and keeps only
 * the newest grant active: two processes refreshing together each get a pair, the earlier pair is revoked
 * by the later, and whichever process stores last may leave a revoked pair in the database (shopify.dev
 * "More resilient refreshes for expiring offline access tokens": the old refresh token stays usable only
 * until its replacement is used).
 *
 * So the session storage renews a due offline session itself, inside a per-shop lock, and reads the
 * session again once it holds the lock: when another process renewed meanwhile, that token is used and
 * Shopify is not asked again. The library then finds a token that is not due and does not refresh.
 */
import type { Session } from "@shopify/shopify-api";

/** The library's SessionStorage interface (@shopify/shopify-app-session-storage), as the app uses it. */
export interface SessionStore {
  storeSession(session: Session): Promise<boolean>;
  loadSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<boolean>;
  deleteSessions(ids: string[]): Promise<boolean>;
  findSessionsByShop(shop: string): Promise<Session[]>;
}

/** The library renews a token within this much of its expiry (its WITHIN_MILLISECONDS_OF_EXPIRY). */
export const RENEWAL_WINDOW_MS = 5 * 60_000;

/** Runs `fn` holding the named lock (Redis or the database: app/jobs/leases.server.ts). */
export type WithLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;
/** Exchanges a refresh token at Shopify's token endpoint for a new offline session (the library's refreshToken). */
export type RefreshOfflineSession = (shop: string, refreshToken: string) => Promise<Session>;

export const tokenRefreshLockKey = (shop: string) => `token-refresh|${shop}`;

export class SerializedRefreshStorage implements SessionStore {
  /** Renewals this instance made (tests, logs). */
  renewals = 0;

  constructor(
    private readonly inner: SessionStore,
    private readonly withLock: WithLock,
    private readonly refresh: RefreshOfflineSession,
    private readonly windowMs = RENEWAL_WINDOW_MS,
  ) {}

  /** An expiring offline session within the renewal window, with a refresh token to renew it. */
  private due(session: Session | undefined): session is Session & { refreshToken: string } {
    return !!session && !session.isOnline && !!session.refreshToken && session.isExpired(this.windowMs);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    if (!this.due(session)) return session;
    return this.withLock(tokenRefreshLockKey(session.shop), async () => {
      // Another process may have renewed it while this one waited for the lock.
      const again = await this.inner.loadSession(id);
      if (!this.due(again)) return again;
      const renewed = await this.refresh(again.shop, again.refreshToken);
      // Stored before the lock is given back, so the next holder reads this pair, not the revoked one.
      await this.inner.storeSession(renewed);
      this.renewals++;
      return renewed;
    });
  }

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }
}
