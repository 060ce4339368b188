/**
 * Storefront recommendations for one shop, served through the app proxy.
 *
 * A recommender (app/analytics/recommendations) is built per shop from the database (Order, LineItem,
 * Product, CustomerScore.clusterKey) and kept in memory. It is rebuilt when a new Analysis row (or a
 * change of Shop.recsEnabled / recsCount) appears; that is checked at most every `recheckMs`, so the hot path reads no table
 * but the shopper's own CustomerScore row. While a rebuild runs, the previous recommender keeps answering.
 *
 * Who is asking comes only from the verified proxy context (app/shopify/app-proxy.server.ts); the route
 * app/routes/proxy.recommendations/route.tsx reads the request and builds the answer.
 */
import type { Db } from "../db.server";
import { env } from "../env.server";
import { buildRecommender, type Recommender } from "../analytics/recommendations";
import { loadOrdersForAnalysis, loadProductsForAnalysis } from "./analysis-input.server";
import { isOptedOut } from "./opt-outs.server";
import { dueProductsOf } from "./reorder.server";
import { readRecommended } from "./json-columns.server";
import { latestAnalysisId } from "./scores.server";

export interface RecommendedProduct {
  /** gid://shopify/Product/N */
  id: string;
  handle: string;
}

export type RecommendationSource = "personal" | "product" | "popular" | "disabled";

export interface ShopperRecommendations {
  source: RecommendationSource;
  products: RecommendedProduct[];
  /** Of `products`, the ids the shopper is due to reorder (listed first). */
  due?: string[];
}

interface ShopRecs {
  shop: string;
  stamp: string;
  checkedAt: number;
  builtAt: number;
  enabled: boolean;
  defaultLimit: number;
  recommender: Recommender;
  /** Products that may be shown (ACTIVE, in stock) -> handle. */
  showable: Map<string, string>;
  orders: number;
}

export interface RecommenderCacheOptions {
  /** How often (ms) to ask the database whether a new analysis exists (default 10 s). */
  recheckMs?: number;
  /** Serve the previous recommender while a new one is built (default true). */
  staleWhileRebuild?: boolean;
  /** Shops kept in memory (default MAX_CACHED_SHOPS). */
  maxShops?: number;
  now?: () => number;
}

const cache = new Map<string, ShopRecs>();
const building = new Map<string, Promise<ShopRecs>>();
/** Shops kept in memory at once; the least recently used one is dropped first. */
export const MAX_CACHED_SHOPS = env().CHURNLESS_RECS_CACHE_SHOPS;

function remember(recs: ShopRecs, maxShops = MAX_CACHED_SHOPS): void {
  cache.delete(recs.shop);
  cache.set(recs.shop, recs);
  while (cache.size > Math.max(1, maxShops)) cache.delete(cache.keys().next().value!);
}

/** Shops whose recommender is in memory, least recently used first. */
export function cachedShops(): string[] {
  return [...cache.keys()];
}

/** Forgets every cached recommender (tests, uninstall). */
export function clearRecommenderCache(shop?: string): void {
  if (shop === undefined) cache.clear();
  else cache.delete(shop);
}

export const MAX_LIMIT = 24;

async function freshnessStamp(
  db: Db,
  shop: string,
): Promise<{ stamp: string; enabled: boolean; defaultLimit: number }> {
  const [analysis, settings] = await Promise.all([
    latestAnalysisId(db, shop),
    db.shop.findUnique({ where: { shop }, select: { recsEnabled: true, recsCount: true } }),
  ]);
  return {
    // Only a new analysis or a change of the recommendation settings rebuilds (not every sync's Shop update).
    stamp: `${analysis ?? "none"}|${settings?.recsEnabled ?? true}|${settings?.recsCount ?? 8}`,
    enabled: settings?.recsEnabled ?? true,
    defaultLimit: Math.min(MAX_LIMIT, Math.max(1, settings?.recsCount ?? 8)),
  };
}

async function buildShopRecs(db: Db, shop: string, now: number): Promise<ShopRecs> {
  const fresh = await freshnessStamp(db, shop);
  const [products, orders, clusters] = await Promise.all([
    loadProductsForAnalysis(db, shop),
    loadOrdersForAnalysis(db, shop),
    db.customerScore.findMany({ where: { shop }, select: { customerId: true, clusterKey: true } }),
  ]);
  const showable = new Map<string, string>();
  for (const p of products) if (p.status === "ACTIVE" && p.inStock && p.handle) showable.set(p.id, p.handle);
  const clusterOf = new Map<string, string>();
  for (const c of clusters) if (c.clusterKey) clusterOf.set(c.customerId, c.clusterKey);
  const recommender = buildRecommender(orders, { products, clusterOf });
  return {
    shop,
    stamp: fresh.stamp,
    checkedAt: now,
    builtAt: now,
    enabled: fresh.enabled,
    defaultLimit: fresh.defaultLimit,
    recommender,
    showable,
    orders: orders.length,
  };
}

function rebuild(db: Db, shop: string, now: number, maxShops?: number): Promise<ShopRecs> {
  let pending = building.get(shop);
  if (!pending) {
    pending = buildShopRecs(db, shop, now)
      .then((recs) => {
        remember(recs, maxShops);
        return recs;
      })
      .finally(() => building.delete(shop));
    building.set(shop, pending);
  }
  return pending;
}

/** The shop's cached recommender, rebuilt when a new analysis (or a settings change) appeared. */
export async function getShopRecommender(db: Db, shop: string, opts: RecommenderCacheOptions = {}): Promise<ShopRecs> {
  const now = (opts.now ?? Date.now)();
  const recheckMs = opts.recheckMs ?? 10_000;
  const entry = cache.get(shop);
  if (!entry) return rebuild(db, shop, now, opts.maxShops);
  remember(entry, opts.maxShops);
  if (now - entry.checkedAt < recheckMs) return entry;
  const fresh = await freshnessStamp(db, shop);
  if (fresh.stamp === entry.stamp) {
    entry.checkedAt = now;
    return entry;
  }
  const next = rebuild(db, shop, now, opts.maxShops);
  if (opts.staleWhileRebuild ?? true) {
    // Keep answering from the previous model; a failed rebuild is retried at the next check.
    entry.checkedAt = now;
    next.catch((error: unknown) =>
      console.warn(
        `[recommendations] ${shop}: rebuilding the model failed, answering from the previous one until the next check: ${(error as Error)?.message ?? error}`,
      ),
    );
    return entry;
  }
  return next;
}

/** A storefront product id (numeric, as Liquid's product.id) or a product GID, as a GID; null if neither. */
export function toProductGid(value: string): string | null {
  const v = value.trim();
  if (/^[1-9][0-9]{0,19}$/.test(v)) return `gid://shopify/Product/${v}`;
  if (/^gid:\/\/shopify\/Product\/[1-9][0-9]{0,19}$/.test(v)) return v;
  return null;
}

export interface ShopperQuery {
  /** The signed logged-in customer (GID), or null. */
  customerId: string | null;
  /** The product page's product or the cart's products (GIDs). */
  productIds: string[];
  limit?: number;
}

/** Recommendations for one storefront shopper of `shop` (personal, else product page, else popular). */
export async function recommendForShopper(
  db: Db,
  shop: string,
  query: ShopperQuery,
  opts: RecommenderCacheOptions = {},
): Promise<ShopperRecommendations> {
  const recs = await getShopRecommender(db, shop, opts);
  if (!recs.enabled) return { source: "disabled", products: [] };
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? recs.defaultLimit)));
  const exclude = new Set(query.productIds);
  const taken = new Set<string>();
  const products: RecommendedProduct[] = [];
  const add = (ids: Iterable<string>) => {
    for (const id of ids) {
      if (products.length >= limit) return;
      if (exclude.has(id) || taken.has(id)) continue;
      const handle = recs.showable.get(id);
      if (handle === undefined) continue;
      taken.add(id);
      products.push({ id, handle });
    }
  };
  const extra = limit + exclude.size;

  if (query.customerId) {
    // An opted-out shopper gets only non-personal recommendations.
    const optedOut = await isOptedOut(db, shop, query.customerId);
    const score = optedOut
      ? null
      : await db.customerScore.findUnique({
          where: { shop_customerId: { shop, customerId: query.customerId } },
          select: { recommendedJson: true },
        });
    if (score) {
      // Products the shopper is due to reorder come first.
      add((await dueProductsOf(db, shop, query.customerId)).map((d) => d.productId));
      const due = products.map((p) => p.id);
      add(readRecommended(score.recommendedJson, `score of ${query.customerId}`));
      add(recs.recommender.forCustomer(query.customerId, extra));
      if (products.length > 0) return { source: "personal", products, ...(due.length ? { due } : {}) };
    }
  }
  if (query.productIds.length > 0) {
    add(recs.recommender.forProducts(query.productIds, extra));
    if (products.length > 0) return { source: "product", products };
  }
  add(recs.recommender.popular(extra));
  return { source: "popular", products };
}
