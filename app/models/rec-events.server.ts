/**
 * Impact of the storefront recommendations: impressions and clicks, and the orders they led to.
 *
 * The block sends batches of { kind, productId } (no shopper, no personal data) through the app proxy;
 * they are added to RecEvent (shop, day, productId, kind, count). A click also marks the shopper's cart
 * (cart attribute `_churnless_rec`), which the theme keeps; the stored data is only the daily counts.
 *
 * Attribution (attributedOrders): an order counts when it holds a product that was clicked in the
 * recommendations on the order's UTC day or up to `windowDays` (7) days before. Each click can
 * attribute at most one order (orders are matched in time order to the oldest click still open), so
 * attributed orders never exceed clicks: a popular product bought anyway is not credited for every
 * order. Day granularity: a click late in the day may be matched to an order earlier the same day.
 */
import { z } from "zod";
import type { Db } from "../db.server";
import { proxyJson, proxyRejected, verifyAppProxyRequest, type ProxyVerifyOptions } from "../shopify/app-proxy.server";
import { toProductGid } from "./recommendations.server";

export type RecEventKind = "impression" | "click";

export const MAX_EVENTS_PER_BATCH = 200;
/** At most this many of one (product, kind) are counted from one batch (a page shows few products). */
export const MAX_COUNT_PER_PRODUCT_PER_BATCH = 20;
const MAX_BODY_BYTES = 32 * 1024;
const DAY_MS = 86_400_000;

export const recEventBatchSchema = z.object({
  events: z
    .array(
      z.object({
        kind: z.enum(["impression", "click"]),
        productId: z.union([z.string().max(64), z.number().int().positive()]),
      }),
    )
    .max(MAX_EVENTS_PER_BATCH),
});

export type RecEventBatch = z.infer<typeof recEventBatchSchema>;

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Adds a batch to RecEvent for `shop` (today, UTC). Unknown products of the shop and malformed ids
 * are ignored. Returns the number of events counted.
 */
export async function recordRecEvents(db: Db, shop: string, batch: RecEventBatch, now: Date = new Date()): Promise<number> {
  const counts = new Map<string, { productId: string; kind: RecEventKind; count: number }>();
  for (const e of batch.events) {
    const gid = toProductGid(String(e.productId));
    if (!gid) continue;
    const key = `${gid} ${e.kind}`;
    const c = counts.get(key);
    if (c) c.count = Math.min(MAX_COUNT_PER_PRODUCT_PER_BATCH, c.count + 1);
    else counts.set(key, { productId: gid, kind: e.kind, count: 1 });
  }
  if (counts.size === 0) return 0;
  const ids = [...new Set([...counts.values()].map((c) => c.productId))];
  const known = new Set(
    (await db.product.findMany({ where: { shop, id: { in: ids } }, select: { id: true } })).map((p) => p.id),
  );
  const day = utcDay(now);
  let recorded = 0;
  for (const c of counts.values()) {
    if (!known.has(c.productId)) continue;
    const where = { shop_day_productId_kind: { shop, day, productId: c.productId, kind: c.kind } };
    const write = () =>
      db.recEvent.upsert({
        where,
        create: { shop, day, productId: c.productId, kind: c.kind, count: c.count },
        update: { count: { increment: c.count } },
      });
    try {
      await write();
    } catch {
      // A concurrent batch created the row between our read and insert: the update path now applies.
      await write();
    }
    recorded += c.count;
  }
  return recorded;
}

export interface AttributionResult {
  orders: number;
  /** Sum of the attributed orders' current totals (shop currency). */
  revenue: number;
  /** Sum of the recommended (clicked) line items in those orders. */
  recommendedItemRevenue: number;
  orderIds: string[];
}

/** Orders processed since `since` attributed to a recommendation click (see the module comment). */
export async function attributedOrders(
  db: Db,
  shop: string,
  since: Date,
  opts: { windowDays?: number; until?: Date } = {},
): Promise<AttributionResult> {
  const windowDays = opts.windowDays ?? 7;
  const result: AttributionResult = { orders: 0, revenue: 0, recommendedItemRevenue: 0, orderIds: [] };
  const firstClickDay = utcDay(new Date(since.getTime() - windowDays * DAY_MS));
  const clicks = await db.recEvent.findMany({
    where: { shop, kind: "click", day: { gte: firstClickDay }, count: { gt: 0 } },
    select: { day: true, productId: true, count: true },
  });
  if (clicks.length === 0) return result;
  // productId -> click days (ascending) with the clicks still open on each.
  const open = new Map<string, Array<{ day: number; left: number }>>();
  for (const c of clicks) {
    const list = open.get(c.productId) ?? [];
    list.push({ day: Date.parse(`${c.day}T00:00:00Z`) / DAY_MS, left: c.count });
    open.set(c.productId, list);
  }
  for (const list of open.values()) list.sort((a, b) => a.day - b.day);
  const clicked = [...open.keys()].sort();

  type Row = {
    id: string;
    processedAt: Date;
    totalAmount: number;
    lineItems: Array<{ productId: string | null; unitPrice: number; currentQuantity: number }>;
  };
  const byId = new Map<string, Row>();
  for (let i = 0; i < clicked.length; i += 500) {
    const chunk = clicked.slice(i, i + 500);
    const rows = await db.order.findMany({
      where: {
        shop,
        test: false,
        cancelledAt: null,
        processedAt: { gte: since, ...(opts.until ? { lt: opts.until } : {}) },
        lineItems: { some: { productId: { in: chunk }, currentQuantity: { gt: 0 } } },
      },
      select: {
        id: true,
        processedAt: true,
        totalAmount: true,
        lineItems: {
          where: { productId: { in: clicked } },
          select: { productId: true, unitPrice: true, currentQuantity: true },
        },
      },
    });
    for (const r of rows) byId.set(r.id, r);
  }
  const orders = [...byId.values()].sort((a, b) => a.processedAt.getTime() - b.processedAt.getTime() || (a.id < b.id ? -1 : 1));
  for (const order of orders) {
    const orderDay = Math.floor(order.processedAt.getTime() / DAY_MS);
    const items = order.lineItems
      .filter((l) => l.productId !== null && l.currentQuantity > 0)
      .sort((a, b) => (a.productId! < b.productId! ? -1 : a.productId! > b.productId! ? 1 : 0));
    let matched: string | null = null;
    for (const item of items) {
      const slot = open.get(item.productId!)?.find((s) => s.left > 0 && s.day <= orderDay && s.day >= orderDay - windowDays);
      if (slot) {
        slot.left--;
        matched = item.productId;
        break;
      }
    }
    if (matched === null) continue;
    result.orders++;
    result.revenue += order.totalAmount;
    result.orderIds.push(order.id);
    for (const l of items) result.recommendedItemRevenue += l.unitPrice * l.currentQuantity;
  }
  result.revenue = Math.round(result.revenue * 100) / 100;
  result.recommendedItemRevenue = Math.round(result.recommendedItemRevenue * 100) / 100;
  return result;
}

export interface ImpactSummary {
  since: Date;
  until: Date;
  days: number;
  impressions: number;
  clicks: number;
  /** clicks / impressions (0 without impressions). */
  ctr: number;
  attributedOrders: number;
  attributedRevenue: number;
  recommendedItemRevenue: number;
}

/** What the dashboard shows: the last `days` (default 30) of impressions, clicks, CTR and attributed orders. */
export async function impactSummary(db: Db, shop: string, opts: { days?: number; now?: Date } = {}): Promise<ImpactSummary> {
  const days = opts.days ?? 30;
  const until = opts.now ?? new Date();
  const since = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()) - (days - 1) * DAY_MS);
  const sums = await db.recEvent.groupBy({
    by: ["kind"],
    where: { shop, day: { gte: utcDay(since), lte: utcDay(until) } },
    _sum: { count: true },
  });
  const total = (kind: RecEventKind) => sums.find((s) => s.kind === kind)?._sum.count ?? 0;
  const impressions = total("impression");
  const clicks = total("click");
  const attribution = await attributedOrders(db, shop, since, { until: new Date(until.getTime() + 1) });
  return {
    since,
    until,
    days,
    impressions,
    clicks,
    ctr: impressions > 0 ? clicks / impressions : 0,
    attributedOrders: attribution.orders,
    attributedRevenue: attribution.revenue,
    recommendedItemRevenue: attribution.recommendedItemRevenue,
  };
}

export interface EventsHandlerDeps {
  db: Db;
  verify?: Partial<ProxyVerifyOptions>;
  now?: () => Date;
}

/** POST /proxy/events (storefront: /apps/churnless/events): body { events: [{ kind, productId }] }. */
export async function handleEventsProxy(request: Request, deps: EventsHandlerDeps): Promise<Response> {
  if (request.method !== "POST") return proxyJson({ error: "Use POST" }, { status: 405 });
  const ctx = verifyAppProxyRequest(request, deps.verify);
  if (!ctx.ok) return proxyRejected(ctx);
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY_BYTES) {
    return proxyJson({ error: "Batch too large" }, { status: 413 });
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return proxyJson({ error: "Batch too large" }, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return proxyJson({ error: "Body must be JSON: { events: [{ kind, productId }] }" }, { status: 400 });
  }
  const parsed = recEventBatchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return proxyJson({ error: `Invalid events batch: ${issue.path.join(".")} ${issue.message}` }, { status: 400 });
  }
  try {
    const recorded = await recordRecEvents(deps.db, ctx.shop, parsed.data, (deps.now ?? (() => new Date()))());
    return proxyJson({ recorded });
  } catch (err) {
    console.error(`[proxy/events] ${ctx.shop}: ${err instanceof Error ? err.message : String(err)}`);
    return proxyJson({ error: "Events could not be recorded, try again later" }, { status: 503 });
  }
}
