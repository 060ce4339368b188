/**
 * GET /proxy/recommendations (app/routes/proxy.recommendations/route.tsx): reads the signed proxy request,
 * asks app/models/recommendations.server.ts and builds the storefront's JSON answer.
 */
import type { Db } from "../../db.server";
import {
  recommendForShopper,
  toProductGid,
  type RecommenderCacheOptions,
  type ShopperRecommendations,
} from "../../models/recommendations.server";
import { proxyJson, proxyRejected, verifyAppProxyRequest } from "../../shopify/app-proxy.server";

export interface ProxyHandlerDeps extends RecommenderCacheOptions {
  db: Db;
}

/** Cache-Control of answers: personal ones only in the shopper's browser, others shared briefly. */
export const PERSONAL_CACHE_CONTROL = "private, max-age=60";
export const PUBLIC_CACHE_CONTROL = "public, max-age=300";

/**
 * GET /proxy/recommendations?product_id=&limit= (storefront: /apps/churnless/recommendations).
 * product_id may repeat (cart) or be a comma list. Answers { source, products: [{ id, handle }] }.
 */
export async function handleRecommendationsProxy(request: Request, deps: ProxyHandlerDeps): Promise<Response> {
  const ctx = await verifyAppProxyRequest(request);
  if (!ctx.ok) return proxyRejected(ctx);
  const params = new URL(request.url).searchParams;
  const rawIds = params
    .getAll("product_id")
    .flatMap((v) => v.split(","))
    .filter((v) => v.trim() !== "");
  const productIds: string[] = [];
  for (const raw of rawIds.slice(0, 50)) {
    const gid = toProductGid(raw);
    if (!gid) return proxyJson({ error: `Invalid product_id: ${raw.slice(0, 40)}` }, { status: 400 });
    productIds.push(gid);
  }
  let limit: number | undefined;
  const rawLimit = params.get("limit");
  if (rawLimit !== null && rawLimit !== "") {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1) {
      return proxyJson({ error: "limit must be a positive integer" }, { status: 400 });
    }
  }
  let result: ShopperRecommendations;
  try {
    result = await recommendForShopper(deps.db, ctx.shop, { customerId: ctx.customerId, productIds, limit }, deps);
  } catch (err) {
    // The storefront shows nothing rather than an error page; the cause goes to the log.
    console.error(`[proxy/recommendations] ${ctx.shop}: ${err instanceof Error ? err.message : String(err)}`);
    return proxyJson({ error: "Recommendations are unavailable, try again later" }, { status: 503 });
  }
  // The storefront URL is the same before and after logging in: the browser's cache must tell them apart.
  return proxyJson(result, {
    cacheControl: ctx.customerId ? PERSONAL_CACHE_CONTROL : PUBLIC_CACHE_CONTROL,
    headers: { Vary: "Cookie" },
  });
}
