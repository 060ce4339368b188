/**
 * Impact of the storefront recommendations: impressions and clicks, and the orders they led to.
 *
 * The block sends batches { visit, placement, events: [{ kind, productId }] } (visit: a random id it keeps
 * for the browser session; placement: the template the block is on, such as product, cart or index; no
 * shopper, no personal data) through the app proxy, only when the shopper allows analytics. A client
 * can make up visits, so the figures are bounded by rules, not by trust (docs/storefront-events.md):
 * - each request carries a fresh nonce `n` in its signed query; a nonce seen before (a replayed signed
 *   request) is refused;
 * - the body is read to at most MAX_BODY_BYTES whatever Content-Length says (or without one);
 * - an impression is counted at most once per product per visit, a click at most once per product per
 *   visit and only after its impression (RecVisit); a batch counts at most MAX_PRODUCTS_PER_BATCH products;
 * - budgets (app/lib/proxy-limits.server.ts, shared across processes through Redis) are keyed only on
 *   what Shopify's proxy signs (shop, logged_in_customer_id) and the visit: requests per visit or
 *   customer per minute (429 past it), events per visit or customer per hour, and events per shop per
 *   minute, one pool for anonymous visits and one for logged-in customers. Events past a budget are
 *   dropped (the answer says how many); reads (recommendations) are never limited by them.
 * What is kept: RecEvent (shop, day, productId, kind, placement, count) and the per-visit counters.
 *
 * Attribution (attributedOrders): only an order whose cart carried the block's attribute
 * (`_churnless_rec` = "<product number>:<unix seconds of the click>[:<placement>]", set when the shopper
 * clicked a recommendation, recorded from the order webhook's note_attributes into RecAttribution) counts, when it
 * holds the clicked product, the click is at most `windowDays` (7) before the order, and a counted click on
 * that product exists on the click's UTC day (each counted click attributes one order at most).
 *
 * Retention: RecEvent, RecVisit, RecAttribution, WebhookEvent and finished TagChange rows older than
 * CHURNLESS_RETENTION_DAYS (default 90) are deleted by a daily prune (pruneOldRows, startRetentionSchedule).
 */
import { z } from "zod";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { toProductGid } from "./recommendations.server";

export type RecEventKind = "impression" | "click";

export const MAX_EVENTS_PER_BATCH = 200;
/** At most this many distinct products are counted from one batch (two blocks of 12 on a page). */
export const MAX_PRODUCTS_PER_BATCH = 24;
/** A visit's impressions of one product are counted once (and its clicks on it once, after that). */
export const MAX_IMPRESSIONS_PER_VISIT_PRODUCT = 1;
export const MAX_BODY_BYTES = 32 * 1024;

/** The budgets of POST /proxy/events (see the module comment); each a limit per window. */
export interface EventsLimits {
  /** Requests of one visit (anonymous) a minute. */
  visitRequestsPerMinute: number;
  /** Requests of one logged-in customer a minute (all their tabs and devices). */
  customerRequestsPerMinute: number;
  /** Events counted for one visit or one logged-in customer an hour. */
  visitorEventsPerHour: number;
  /** Events counted a minute for one shop's anonymous visits, and apart for its logged-in customers. */
  shopEventsPerMinute: number;
}

export const DEFAULT_EVENTS_LIMITS: EventsLimits = {
  visitRequestsPerMinute: 30,
  customerRequestsPerMinute: 60,
  visitorEventsPerHour: 300,
  shopEventsPerMinute: 30_000,
};

/** How long a used nonce is kept: longer than the 90 s the signature's timestamp is accepted. */
export const NONCE_TTL_MS = 10 * 60_000;
export const CART_ATTRIBUTE = "_churnless_rec";
const DAY_MS = 86_400_000;
const ID_RE = /^[A-Za-z0-9_-]{8,64}$/;
/** A placement as the block sends it: a theme template's name (product, cart, index, collection...). */
const PLACEMENT_RE = /^[a-z0-9_-]{1,32}$/;

export const recEventBatchSchema = z.object({
  visit: z.string().regex(ID_RE, "must be 8-64 letters, digits, - or _"),
  placement: z.string().regex(PLACEMENT_RE, "must be 1-32 lowercase letters, digits, - or _").optional(),
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
 * Adds a visit's batch for `shop` (today, UTC): per product, one impression and one click at most (the
 * visit's first of each; a click only after the visit's impression), for at most MAX_PRODUCTS_PER_BATCH
 * products. Unknown products of the shop and malformed ids are ignored. `allow`, when given, is asked once
 * for the events that could count and grants how many may (the caller's budgets); the rest is dropped.
 * Returns what was counted and how many events the budget dropped.
 */
export async function recordRecEvents(
  db: Db,
  shop: string,
  batch: RecEventBatch,
  now: Date = new Date(),
  allow?: (events: number) => Promise<number>,
): Promise<{ impressions: number; clicks: number; dropped: number }> {
  const wanted = new Map<string, { impressions: number; clicks: number }>();
  for (const e of batch.events) {
    const gid = toProductGid(String(e.productId));
    if (!gid) continue;
    const w = wanted.get(gid);
    if (!w && wanted.size >= MAX_PRODUCTS_PER_BATCH) continue;
    const next = w ?? { impressions: 0, clicks: 0 };
    if (e.kind === "impression") next.impressions = MAX_IMPRESSIONS_PER_VISIT_PRODUCT;
    else next.clicks = 1;
    wanted.set(gid, next);
  }
  const counted = { impressions: 0, clicks: 0, dropped: 0 };
  if (wanted.size === 0) return counted;
  const known = (
    await db.product.findMany({ where: { shop, id: { in: [...wanted.keys()] } }, select: { id: true } })
  ).map((p) => p.id);
  // What this visit has not had counted yet: only that is asked of the budget.
  const seen = new Map(
    (
      await db.recVisit.findMany({
        where: { shop, visitId: batch.visit, productId: { in: known } },
        select: { productId: true, impressions: true, clicks: true },
      })
    ).map((v) => [v.productId, v]),
  );
  let candidates = 0;
  for (const id of known) {
    const w = wanted.get(id)!;
    const before = seen.get(id) ?? { impressions: 0, clicks: 0 };
    w.impressions = Math.min(w.impressions, Math.max(0, MAX_IMPRESSIONS_PER_VISIT_PRODUCT - before.impressions));
    w.clicks = Math.min(w.clicks, Math.max(0, 1 - before.clicks), before.impressions + w.impressions);
    candidates += w.impressions + w.clicks;
  }
  if (candidates === 0) return counted;
  let budget = allow ? Math.max(0, Math.min(candidates, await allow(candidates))) : candidates;
  counted.dropped = candidates - budget;
  const day = utcDay(now);
  const placement = batch.placement ?? "";
  // In the batch's order, impressions before clicks, until the budget is spent.
  const plan: Array<{ productId: string; impressions: number; clicks: number }> = [];
  for (const productId of [...wanted.keys()].filter((id) => known.includes(id))) {
    if (budget <= 0) break;
    const w = wanted.get(productId)!;
    if (w.impressions + w.clicks === 0) continue;
    const impressions = Math.min(w.impressions, budget);
    const clicks = Math.min(w.clicks, budget - impressions);
    budget -= impressions + clicks;
    plan.push({ productId, impressions, clicks });
  }
  // The visit's first sight of these products (the common case): its counters in one insert. Another
  // batch of the same visit may have inserted one meanwhile; then each product goes the careful way.
  const fresh = plan.filter((p) => !seen.has(p.productId));
  let inserted = false;
  if (fresh.length > 1) {
    inserted = await db.recVisit
      .createMany({
        data: fresh.map((p) => ({
          shop,
          visitId: batch.visit,
          productId: p.productId,
          day,
          impressions: p.impressions,
          clicks: p.clicks,
        })),
      })
      .then(() => true)
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === "P2002") return false;
        throw error;
      });
  }
  for (const { productId, impressions, clicks } of plan) {
    const got =
      inserted && !seen.has(productId)
        ? { impressions, clicks }
        : await countForVisit(db, shop, batch.visit, productId, day, { impressions, clicks });
    for (const kind of ["impression", "click"] as const) {
      const count = kind === "impression" ? got.impressions : got.clicks;
      if (count === 0) continue;
      await db.recEvent.upsert({
        where: { shop_day_productId_kind_placement: { shop, day, productId, kind, placement } },
        create: { shop, day, productId, kind, placement, count },
        update: { count: { increment: count } },
      });
    }
    counted.impressions += got.impressions;
    counted.clicks += got.clicks;
  }
  return counted;
}

/**
 * The visit's counters for one product, raised by what may be counted; optimistic (the update applies
 * only if nobody changed the row since it was read), retried a few times under concurrent batches.
 */
async function countForVisit(
  db: Db,
  shop: string,
  visitId: string,
  productId: string,
  day: string,
  wanted: { impressions: number; clicks: number },
): Promise<{ impressions: number; clicks: number }> {
  const key = { shop_visitId_productId: { shop, visitId, productId } };
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.recVisit.findUnique({ where: key, select: { impressions: true, clicks: true } });
    const before = row ?? { impressions: 0, clicks: 0 };
    const impressions = Math.min(wanted.impressions, MAX_IMPRESSIONS_PER_VISIT_PRODUCT - before.impressions);
    const clicks = Math.min(
      wanted.clicks,
      before.impressions + Math.max(0, impressions) - before.clicks,
      1 - before.clicks,
    );
    const got = { impressions: Math.max(0, impressions), clicks: Math.max(0, clicks) };
    if (got.impressions === 0 && got.clicks === 0) return got;
    if (!row) {
      const created = await db.recVisit
        .create({ data: { shop, visitId, productId, day, impressions: got.impressions, clicks: got.clicks } })
        .then(() => true)
        .catch((error: unknown) => {
          // Another batch of the visit created it first (unique key): read it again and retry.
          if ((error as { code?: string }).code === "P2002") return false;
          throw error;
        });
      if (created) return got;
      continue;
    }
    const updated = await db.recVisit.updateMany({
      where: { shop, visitId, productId, impressions: before.impressions, clicks: before.clicks },
      data: { impressions: { increment: got.impressions }, clicks: { increment: got.clicks } },
    });
    if (updated.count === 1) return got;
  }
  console.error(
    `[rec-events] ${shop}: visit ${visitId} kept changing under concurrent batches; batch not counted for ${productId}`,
  );
  return { impressions: 0, clicks: 0 };
}

export interface AttributionResult {
  orders: number;
  /** Sum of the attributed orders' current totals (shop currency). */
  revenue: number;
  /** Sum of the recommended (clicked) line items in those orders. */
  recommendedItemRevenue: number;
  orderIds: string[];
}

/**
 * The cart attribute of an order webhook's payload (`note_attributes: [{ name, value }]`) as a
 * RecAttribution row; an order without it (or with a malformed value) records nothing. Returns whether
 * one was recorded.
 */
export async function recordOrderAttribution(
  db: Db,
  shop: string,
  order: { id: string; processedAt: Date },
  noteAttributes: unknown,
): Promise<boolean> {
  if (!Array.isArray(noteAttributes)) return false;
  const attr = noteAttributes.find((a) => (a as { name?: unknown })?.name === CART_ATTRIBUTE) as
    { value?: unknown } | undefined;
  const m =
    typeof attr?.value === "string"
      ? /^([1-9][0-9]{0,19}):([0-9]{9,11})(?::([a-z0-9_-]{1,32}))?$/.exec(attr.value.trim())
      : null;
  if (!m) return false;
  const productId = `gid://shopify/Product/${m[1]}`;
  const clickedAt = new Date(Number(m[2]) * 1000);
  const row = { productId, clickedAt, processedAt: order.processedAt, placement: m[3] ?? null };
  await db.recAttribution.upsert({
    where: { shop_orderId: { shop, orderId: order.id } },
    create: { shop, orderId: order.id, ...row },
    update: row,
  });
  return true;
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
  const marked = await db.recAttribution.findMany({
    where: { shop, processedAt: { gte: since, ...(opts.until ? { lt: opts.until } : {}) } },
    select: { orderId: true, productId: true, clickedAt: true },
  });
  if (marked.length === 0) return result;
  const clicks = await db.recEvent.findMany({
    where: {
      shop,
      kind: "click",
      day: { gte: utcDay(new Date(since.getTime() - windowDays * DAY_MS)) },
      count: { gt: 0 },
    },
    select: { day: true, productId: true, count: true },
  });
  // "productId day" -> counted clicks still open.
  const open = new Map<string, number>();
  for (const c of clicks) open.set(`${c.productId} ${c.day}`, (open.get(`${c.productId} ${c.day}`) ?? 0) + c.count);
  const mark = new Map(marked.map((m) => [m.orderId, m]));
  const orders: Array<{
    id: string;
    processedAt: Date;
    totalAmount: number;
    lineItems: Array<{ productId: string | null; unitPrice: number; currentQuantity: number }>;
  }> = [];
  const ids = [...mark.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    orders.push(
      ...(await db.order.findMany({
        where: { shop, id: { in: ids.slice(i, i + 500) }, test: false, cancelledAt: null },
        select: {
          id: true,
          processedAt: true,
          totalAmount: true,
          lineItems: { select: { productId: true, unitPrice: true, currentQuantity: true } },
        },
      })),
    );
  }
  orders.sort((x, y) => x.processedAt.getTime() - y.processedAt.getTime() || (x.id < y.id ? -1 : 1));
  for (const order of orders) {
    const m = mark.get(order.id)!;
    const age = order.processedAt.getTime() - m.clickedAt.getTime();
    if (age < 0 || age > windowDays * DAY_MS) continue;
    const items = order.lineItems.filter((l) => l.productId === m.productId && l.currentQuantity > 0);
    if (items.length === 0) continue;
    const slot = `${m.productId} ${utcDay(m.clickedAt)}`;
    if ((open.get(slot) ?? 0) <= 0) continue;
    open.set(slot, open.get(slot)! - 1);
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
export async function impactSummary(
  db: Db,
  shop: string,
  opts: { days?: number; now?: Date } = {},
): Promise<ImpactSummary> {
  const days = opts.days ?? 30;
  const until = opts.now ?? new Date();
  const since = new Date(
    Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()) - (days - 1) * DAY_MS,
  );
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

/** A storefront request's nonce: 8-64 letters, digits, - or _. */
export function isNonce(value: string): boolean {
  return ID_RE.test(value);
}

let noncesSincePrune = 0;

/** Records the request's nonce; false when it was used before (a replayed signed request). */
async function firstUseOfNonce(db: Db, shop: string, nonce: string, now: Date): Promise<boolean> {
  if (++noncesSincePrune >= 500) {
    noncesSincePrune = 0;
    await db.proxyNonce.deleteMany({ where: { seenAt: { lt: new Date(now.getTime() - NONCE_TTL_MS) } } });
  }
  try {
    await db.proxyNonce.create({ data: { shop, nonce, seenAt: now } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
}

export type EventBatchOutcome =
  { replayed: true } | { replayed: false; impressions: number; clicks: number; dropped: number };

/**
 * A storefront batch of impressions and clicks (POST /proxy/events, app/routes/proxy.events/route.tsx): its
 * nonce is recorded first, and a nonce used before (a replayed signed request) records nothing.
 */
export async function recordEventBatch(
  db: Db,
  shop: string,
  nonce: string,
  batch: RecEventBatch,
  now: Date = new Date(),
  allow?: (events: number) => Promise<number>,
): Promise<EventBatchOutcome> {
  if (!(await firstUseOfNonce(db, shop, nonce, now))) return { replayed: true };
  return { replayed: false, ...(await recordRecEvents(db, shop, batch, now, allow)) };
}

export interface PruneResult {
  cutoff: Date;
  recEvents: number;
  recVisits: number;
  recAttributions: number;
  webhookEvents: number;
  tagChanges: number;
  proxyNonces: number;
}

/**
 * Deletes what is older than the retention period (CHURNLESS_RETENTION_DAYS, docs/deploying.md, "Data the app keeps"):
 * storefront events and visits, attributions, webhook ids kept for de-duplication, and finished tag
 * changes (pending ones are the publish's crash-resume journal and stay); used nonces after NONCE_TTL_MS.
 */
export async function pruneOldRows(db: Db, opts: { now?: Date; retentionDays?: number } = {}): Promise<PruneResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.retentionDays ?? env().CHURNLESS_RETENTION_DAYS) * DAY_MS);
  const cutoffDay = utcDay(cutoff);
  const [recEvents, recVisits, recAttributions, webhookEvents, tagChanges, proxyNonces] = [
    await db.recEvent.deleteMany({ where: { day: { lt: cutoffDay } } }),
    await db.recVisit.deleteMany({ where: { day: { lt: cutoffDay } } }),
    await db.recAttribution.deleteMany({ where: { processedAt: { lt: cutoff } } }),
    await db.webhookEvent.deleteMany({ where: { receivedAt: { lt: cutoff } } }),
    await db.tagChange.deleteMany({ where: { createdAt: { lt: cutoff }, status: { not: "pending" } } }),
    await db.proxyNonce.deleteMany({ where: { seenAt: { lt: new Date(now.getTime() - NONCE_TTL_MS) } } }),
  ].map((r) => r.count);
  return { cutoff, recEvents, recVisits, recAttributions, webhookEvents, tagChanges, proxyNonces };
}

/**
 * Runs pruneOldRows now and then every `everyMs` (default daily) in this process (the web server and each
 * worker; the deletes are idempotent). The timer does not keep the process alive. Returns stop().
 */
export function startRetentionSchedule(
  db: Db,
  opts: { everyMs?: number; onPruned?: (r: PruneResult) => void } = {},
): () => void {
  const run = () =>
    pruneOldRows(db)
      .then((r) => {
        const total = r.recEvents + r.recVisits + r.recAttributions + r.webhookEvents + r.tagChanges;
        if (total > 0)
          console.error(`[retention] deleted ${total} rows older than ${r.cutoff.toISOString().slice(0, 10)}`);
        opts.onPruned?.(r);
      })
      .catch((error: unknown) =>
        console.error(`[retention] prune failed, next try in a day: ${(error as Error).message}`),
      );
  void run();
  const timer = setInterval(() => void run(), opts.everyMs ?? DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
