/**
 * POST /proxy/events (app/routes/proxy.events/route.tsx): reads the storefront's batch (rate limits, nonce,
 * bounded body, schema), records it through app/models/rec-events.server.ts and answers.
 */
import type { Db } from "../../db.server";
import {
  isNonce,
  MAX_BODY_BYTES,
  processLimits,
  recEventBatchSchema,
  recordEventBatch,
  type EventsLimits,
} from "../../models/rec-events.server";
import { proxyJson, type ProxyContext } from "../../shopify/app-proxy.server";

export interface EventsHandlerDeps {
  db: Db;
  now?: () => Date;
  /** Default: this process's limiters. */
  limits?: EventsLimits;
}

/** Who is sending, for the per-visitor limit: the signed shopper, else the address Shopify forwards. */
export function visitorKey(request: Request, proxy: Pick<ProxyContext, "shop" | "customerId">): string {
  if (proxy.customerId) return `${proxy.shop}|${proxy.customerId}`;
  const forwarded = request.headers.get("X-Forwarded-For")?.split(",")[0]?.trim();
  return `${proxy.shop}|${forwarded || "unknown"}`;
}

/** The body as text, reading at most `limit` bytes (null when it is longer), whatever Content-Length says. */
export async function readBodyBounded(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("Content-Length") ?? 0) > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader
        .cancel("body too large")
        .catch((e: unknown) => console.error(`[proxy/events] cancelling a large body: ${String(e)}`));
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * POST /proxy/events (storefront: /apps/churnless/events?n=<nonce>) from an authenticated proxy request:
 * body { visit, events: [{ kind, productId }] }. 429 over a rate limit, 413 over MAX_BODY_BYTES, 409 for
 * a replayed request, 400 for a malformed one; nothing is recorded then.
 */
export async function handleEventsProxy(
  request: Request,
  proxy: ProxyContext,
  deps: EventsHandlerDeps,
): Promise<Response> {
  if (request.method !== "POST") return proxyJson({ error: "Use POST" }, { status: 405 });
  const now = (deps.now ?? (() => new Date()))();
  const limits = deps.limits ?? processLimits;
  const wait = Math.max(
    limits.visitor.hit(visitorKey(request, proxy), now.getTime()),
    limits.shop.hit(proxy.shop, now.getTime()),
  );
  if (wait > 0)
    return proxyJson(
      { error: "Too many event batches, slow down" },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  const nonce = new URL(request.url).searchParams.get("n") ?? "";
  if (!isNonce(nonce))
    return proxyJson({ error: "Missing or malformed nonce n (8-64 letters, digits, - or _)" }, { status: 400 });
  const text = await readBodyBounded(request, MAX_BODY_BYTES);
  if (text === null) return proxyJson({ error: `Batch too large (at most ${MAX_BODY_BYTES} bytes)` }, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return proxyJson({ error: "Body must be JSON: { visit, events: [{ kind, productId }] }" }, { status: 400 });
  }
  const parsed = recEventBatchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return proxyJson({ error: `Invalid events batch: ${issue.path.join(".")} ${issue.message}` }, { status: 400 });
  }
  try {
    const outcome = await recordEventBatch(deps.db, proxy.shop, nonce, parsed.data, now);
    if (outcome.replayed) return proxyJson({ error: "This request was already received (replayed)" }, { status: 409 });
    return proxyJson({
      recorded: outcome.impressions + outcome.clicks,
      impressions: outcome.impressions,
      clicks: outcome.clicks,
    });
  } catch (err) {
    console.error(`[proxy/events] ${proxy.shop}: ${err instanceof Error ? err.message : String(err)}`);
    return proxyJson({ error: "Events could not be recorded, try again later" }, { status: 503 });
  }
}
