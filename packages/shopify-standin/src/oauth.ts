import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Offline access tokens as Shopify issues them since December 2025 (shopify.dev "About offline access
 * tokens", changelogs "Offline access tokens now support expiry and refresh" and "More resilient refreshes
 * for expiring offline access tokens", 2026-08):
 *
 * - `POST /admin/oauth/access_token` (JSON or form body) with the app's `client_id` and `client_secret`:
 *   - `grant_type=refresh_token`, `refresh_token`: a new access token (`expires_in`, 3600 s by default) and a
 *     new refresh token (`refresh_token_expires_in`, 90 days). The refresh token just used stays valid until
 *     the app uses its replacement (the new access or refresh token); then it is gone.
 *   - `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` with `subject_token` = a session token
 *     (`subject_token_type` ...:id_token, HS256 signed with the client secret, `aud` = client id, `dest` =
 *     the shop) and `requested_token_type` ...:offline-access-token; `expiring=1` gives an expiring token
 *     with a refresh token, `expiring=0` the shop's non-expiring token.
 * - Only one expiring offline token is active per app and shop: issuing one revokes the earlier ones.
 * - Refusals: 401 `invalid_client` (wrong credentials), 400 `invalid_grant` (unknown, revoked or expired
 *   refresh token), 400 `invalid_subject_token` (bad session token), 400 `invalid_request` otherwise.
 * - An expired or revoked access token gets Shopify's 401 on the Admin API (server.ts).
 *
 * Times are wall-clock (like the throttle), because the app computes expiry from `expires_in` on its clock.
 */

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of an expiring offline access token, seconds (Shopify: 3600). */
  accessTokenLifetimeSeconds: number;
  /** Lifetime of a refresh token, seconds (Shopify: 90 days). */
  refreshTokenLifetimeSeconds: number;
}

export interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

export interface TokenEvent {
  at: number;
  grant: "refresh_token" | "token_exchange" | "issued";
  outcome: "granted" | "refused";
  error?: string;
  /** The access token granted, when granted. */
  accessToken?: string;
}

interface Grant {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** True once the app used this grant's access or refresh token. */
  used: boolean;
}

interface ShopTokens {
  current: Grant | null;
  /** The refresh token the current grant replaced, kept until the current grant is used. */
  previousRefresh: { token: string; expiresAt: number } | null;
  events: TokenEvent[];
}

export type AccessCheck = { shop: string; ok: true } | { shop: string; ok: false; reason: "expired" | "revoked" };

export interface OAuthShopInfo {
  /** The shop's non-expiring token (the stand-in's historical token). */
  legacyToken: string;
  scopes: string[];
}

export class StandinOAuth {
  private readonly byShop = new Map<string, ShopTokens>();
  /** Every expiring access token ever issued -> its shop (so a stale one is told apart from garbage). */
  private readonly issued = new Map<string, string>();

  constructor(
    private readonly opts: OAuthOptions,
    private readonly shopInfo: (shop: string) => OAuthShopInfo | undefined,
    private readonly shopOfLegacyToken: (token: string) => string | undefined,
  ) {}

  private tokens(shop: string): ShopTokens {
    let t = this.byShop.get(shop);
    if (!t) {
      t = { current: null, previousRefresh: null, events: [] };
      this.byShop.set(shop, t);
    }
    return t;
  }

  events(shop: string): TokenEvent[] {
    return this.tokens(shop).events;
  }

  /** The active expiring grant of a shop (null when none, or revoked). */
  current(shop: string): { accessToken: string; refreshToken: string; accessExpiresAt: number } | null {
    const c = this.tokens(shop).current;
    return c ? { accessToken: c.accessToken, refreshToken: c.refreshToken, accessExpiresAt: c.accessExpiresAt } : null;
  }

  /** A new expiring grant for the shop (what an install with expiring tokens gets); earlier ones are revoked. */
  issue(shop: string, grant: TokenEvent["grant"] = "issued"): TokenResponse {
    const info = this.shopInfo(shop);
    if (!info) throw new Error(`standin: unknown shop ${shop}`);
    const now = Date.now();
    const g: Grant = {
      accessToken: `shpat_${randomBytes(16).toString("hex")}`,
      accessExpiresAt: now + this.opts.accessTokenLifetimeSeconds * 1000,
      refreshToken: `shprt_${randomBytes(16).toString("hex")}`,
      refreshExpiresAt: now + this.opts.refreshTokenLifetimeSeconds * 1000,
      used: false,
    };
    const t = this.tokens(shop);
    t.current = g;
    this.issued.set(g.accessToken, shop);
    t.events.push({ at: now, grant, outcome: "granted", accessToken: g.accessToken });
    return {
      access_token: g.accessToken,
      scope: info.scopes.join(","),
      expires_in: this.opts.accessTokenLifetimeSeconds,
      refresh_token: g.refreshToken,
      refresh_token_expires_in: this.opts.refreshTokenLifetimeSeconds,
    };
  }

  /** The refresh tokens stop working (as when Shopify revokes them); the access token lives until it expires. */
  revokeRefreshTokens(shop: string): void {
    const t = this.tokens(shop);
    if (t.current) t.current.refreshExpiresAt = 0;
    t.previousRefresh = null;
  }

  /** Every expiring token of the shop stops working (as on uninstall). */
  revokeAll(shop: string): void {
    const t = this.tokens(shop);
    t.current = null;
    t.previousRefresh = null;
  }

  /** Whether an Admin API access token is an expiring one, and whether it still works. Undefined: not ours. */
  checkAccessToken(token: string): AccessCheck | undefined {
    const shop = this.issued.get(token);
    if (!shop) return undefined;
    const t = this.tokens(shop);
    const c = t.current;
    if (!c || c.accessToken !== token) return { shop, ok: false, reason: "revoked" };
    if (Date.now() >= c.accessExpiresAt) return { shop, ok: false, reason: "expired" };
    if (!c.used) {
      c.used = true;
      t.previousRefresh = null;
    }
    return { shop, ok: true };
  }

  /** Handles POST /admin/oauth/access_token. */
  tokenRequest(raw: Buffer, contentType: string | undefined): { status: number; body: unknown } {
    let params: Record<string, string>;
    try {
      params = parseBody(raw, contentType);
    } catch {
      return {
        status: 400,
        body: { error: "invalid_request", error_description: "The request body is not valid JSON or form data" },
      };
    }
    if (params.client_id !== this.opts.clientId || !safeEqual(params.client_secret ?? "", this.opts.clientSecret)) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    if (params.grant_type === "refresh_token") return this.refresh(params.refresh_token ?? "");
    if (params.grant_type === TOKEN_EXCHANGE_GRANT) return this.exchange(params);
    return {
      status: 400,
      body: {
        error: "unsupported_grant_type",
        error_description: `Unsupported grant type: ${params.grant_type ?? "(none)"}`,
      },
    };
  }

  private refresh(refreshToken: string): { status: number; body: unknown } {
    const now = Date.now();
    for (const [shop, t] of this.byShop) {
      const c = t.current;
      const isCurrent = c && c.refreshToken === refreshToken;
      const isPrevious = t.previousRefresh && t.previousRefresh.token === refreshToken;
      if (!isCurrent && !isPrevious) continue;
      const expiresAt = isCurrent ? c!.refreshExpiresAt : t.previousRefresh!.expiresAt;
      if (now >= expiresAt) {
        t.events.push({ at: now, grant: "refresh_token", outcome: "refused", error: "invalid_grant" });
        return invalidGrant();
      }
      // The token used now is retained until its replacement is used; anything older is gone.
      const retained = isCurrent ? { token: c!.refreshToken, expiresAt: c!.refreshExpiresAt } : t.previousRefresh!;
      const body = this.issue(shop, "refresh_token");
      t.previousRefresh = retained;
      return { status: 200, body };
    }
    return invalidGrant();
  }

  private exchange(params: Record<string, string>): { status: number; body: unknown } {
    const now = Date.now();
    if (params.requested_token_type !== OFFLINE_TOKEN_TYPE) {
      return {
        status: 400,
        body: { error: "invalid_request", error_description: "The stand-in issues offline access tokens only" },
      };
    }
    let shop: string;
    if (params.subject_token_type === ID_TOKEN_TYPE) {
      const claims = verifySessionToken(params.subject_token ?? "", this.opts.clientSecret);
      if (!claims || claims.aud !== this.opts.clientId || typeof claims.dest !== "string") return invalidSubject();
      if (typeof claims.exp !== "number" || claims.exp * 1000 < now - 5000) return invalidSubject();
      shop = new URL(claims.dest).hostname;
    } else if (params.subject_token_type === OFFLINE_TOKEN_TYPE) {
      // Migration of a non-expiring token to an expiring one.
      const found = this.shopOfLegacyToken(params.subject_token ?? "");
      if (!found) return invalidSubject();
      shop = found;
    } else {
      return {
        status: 400,
        body: {
          error: "invalid_request",
          error_description: `Unsupported subject_token_type ${params.subject_token_type}`,
        },
      };
    }
    const info = this.shopInfo(shop);
    if (!info) return invalidSubject();
    if (params.expiring === "1") {
      const body = this.issue(shop, "token_exchange");
      return { status: 200, body };
    }
    this.tokens(shop).events.push({
      at: now,
      grant: "token_exchange",
      outcome: "granted",
      accessToken: info.legacyToken,
    });
    return {
      status: 200,
      body: { access_token: info.legacyToken, scope: info.scopes.join(",") } satisfies TokenResponse,
    };
  }
}

function invalidGrant() {
  return {
    status: 400,
    body: { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." },
  };
}

function invalidSubject() {
  return { status: 400, body: { error: "invalid_subject_token", error_description: "The subject token is invalid." } };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseBody(raw: Buffer, contentType: string | undefined): Record<string, string> {
  const text = raw.toString("utf8");
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (!parsed || typeof parsed !== "object") throw new Error("not an object");
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** A session token (JWT, HS256 with the client secret) as App Bridge sends it; null when the signature is wrong. */
function verifySessionToken(token: string, secret: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest("base64url");
  if (!safeEqual(expected, parts[2])) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as { alg?: string };
    if (header.alg !== "HS256") return null;
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return null; // not JSON: not a session token, refused as such
  }
}
