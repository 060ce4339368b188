/**
 * POST /proxy/events (app/routes/proxy.events/route.tsx): reads the storefront's batch (nonce, bounded body,
 * schema), applies the budgets (app/lib/proxy-limits.server.ts) keyed on the signed shop and shopper and
 * the batch's visit, records it through app/models/rec-events.server.ts and answers.
 */
import type { Db } from "../../db.server";
import {
  DEFAULT_EVENTS_LIMITS,
  isNonce,
  MAX_BODY_BYTES,
  recEventBatchSchema,
  recordEventBatch,
  type EventsLimits,
} from "../../models/rec-events.server";
import { proxyJson, type ProxyContext } from "../../shopify/app-proxy.server";
import { defaultBudget, type Budget } from "../app/proxy-limits.server";
import { readBodyBounded } from "../../shopify/request-body.server";

export interface EventsHandlerDeps {
  db: Db;
  now?: () => Date;
  /** Default: DEFAULT_EVENTS_LIMITS. */
  limits?: EventsLimits;
  /** Where the budgets are counted (default: Redis when REDIS_URL is set, else this process). */
  budget?: Budget;
}

/**
 * Who is sending, for the budgets: the signed logged-in customer, else the batch's visit; always within
 * the signed shop. Never a header the client sets.
 */
export function senderKey(proxy: Pick<ProxyContext, "shop" | "customerId">, visit: string): string {
  return proxy.customerId ? `c|${proxy.shop}|${proxy.customerId}` : `v|${proxy.shop}|${visit}`;
}

/**
 * POST /proxy/events (storefront: /apps/churnless/events?n=<nonce>) from an authenticated proxy request:
 * body { visit, events: [{ kind, productId }] }. 400 for a malformed request, 413 over MAX_BODY_BYTES,
 * 429 when this visit (or logged-in customer) sends too many requests, 409 for a replayed request:
 * nothing is recorded then. Events past the visit's or the shop's budget are dropped: 202 with `dropped`.
 */
export async function handleEventsProxy(
  request: Request,
  proxy: ProxyContext,
  deps: EventsHandlerDeps,
): Promise<Response> {
  if (request.method !== "POST") return proxyJson({ error: "Use POST" }, { status: 405 });
  const now = (deps.now ?? (() => new Date()))();
  const limits = deps.limits ?? DEFAULT_EVENTS_LIMITS;
  const budget = deps.budget ?? defaultBudget();
  const nonce = new URL(request.url).searchParams.get("n") ?? "";
  if (!isNonce(nonce))
    return proxyJson({ error: "Missing or malformed nonce n (8-64 letters, digits, - or _)" }, { status: 400 });
  const text = await readBodyBounded(request, MAX_BODY_BYTES, "proxy/events");
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
  const sender = senderKey(proxy, parsed.data.visit);
  const t = now.getTime();
  try {
    const perMinute = proxy.customerId ? limits.customerRequestsPerMinute : limits.visitRequestsPerMinute;
    const request1 = await budget.take(`req|${sender}`, 1, perMinute, 60_000, t);
    if (request1.granted === 0)
      return proxyJson(
        { error: "Too many event batches from this visit, slow down" },
        { status: 429, headers: { "Retry-After": String(Math.max(1, Math.ceil(request1.retryAfterMs / 1000))) } },
      );
    // Events the visit (or customer) may add this hour, then what the shop's pool has left this minute.
    const pool = `${proxy.customerId ? "customers" : "visits"}|${proxy.shop}`;
    const allow = async (events: number) => {
      const own = await budget.take(`events|${sender}`, events, limits.visitorEventsPerHour, 3_600_000, t);
      if (own.granted === 0) return 0;
      return (await budget.take(`events|${pool}`, own.granted, limits.shopEventsPerMinute, 60_000, t)).granted;
    };
    const outcome = await recordEventBatch(deps.db, proxy.shop, nonce, parsed.data, now, allow);
    if (outcome.replayed) return proxyJson({ error: "This request was already received (replayed)" }, { status: 409 });
    const counts = {
      recorded: outcome.impressions + outcome.clicks,
      impressions: outcome.impressions,
      clicks: outcome.clicks,
    };
    // Over a budget: accepted and dropped, so the storefront does not send it again.
    if (outcome.dropped > 0) return proxyJson({ ...counts, dropped: outcome.dropped }, { status: 202 });
    return proxyJson(counts);
  } catch (err) {
    console.error(`[proxy/events] ${proxy.shop}: ${err instanceof Error ? err.message : String(err)}`);
    return proxyJson({ error: "Events could not be recorded, try again later" }, { status: 503 });
  }
}
