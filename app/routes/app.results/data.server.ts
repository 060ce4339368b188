/**
 * The results page: what the storefront recommendations did, by week, by placement and week, and by
 * product, from RecEvent (daily impression and click counts per product and placement, the template the
 * block is on) and the orders attributed to clicks
 * (rec-events.server.ts attributedOrders, the same rule as the dashboard's impact figures).
 */
import type { Db } from "../../db.server";
import { attributedOrders, utcDay } from "../../models/rec-events.server";
import { humanize } from "../../models/segments.server";

const DAY_MS = 86_400_000;

export interface ResultsRow {
  impressions: number;
  clicks: number;
  /** clicks / impressions, null without impressions. */
  ctr: number | null;
}

export interface WeekRow extends ResultsRow {
  /** Monday of the week (UTC), YYYY-MM-DD. */
  week: string;
  attributedOrders: number;
  attributedRevenue: number;
}

export interface ProductRow extends ResultsRow {
  productId: string;
  /** The product's handle in words until its title is read from Shopify. */
  label: string;
}

/** One placement (the template the block is on) in one week; only pairs with something to show. */
export interface PlacementWeekRow extends WeekRow {
  /** The template's name as the block sent it ("" from a block that did not say). */
  placement: string;
  label: string;
}

export interface Results {
  weeks: WeekRow[];
  /** Newest week first, then by impressions. */
  placements: PlacementWeekRow[];
  products: ProductRow[];
  totals: ResultsRow & { attributedOrders: number; attributedRevenue: number };
  since: string;
  until: string;
}

const ctr = (impressions: number, clicks: number) => (impressions > 0 ? clicks / impressions : null);

const PLACEMENT_LABEL: Record<string, string> = {
  product: "Product pages",
  cart: "Cart",
  index: "Home page",
  collection: "Collection pages",
  search: "Search results",
  page: "Pages",
  "": "Not reported (a block from before placements were sent)",
};

/** A placement in words: the theme template the block is on. */
export function placementLabel(placement: string): string {
  return PLACEMENT_LABEL[placement] ?? `${humanize(placement)} template`;
}

/** Monday (UTC) of the week holding `day` (YYYY-MM-DD). */
export function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
  return utcDay(new Date(t - dow * DAY_MS));
}

/** The last `weeks` weeks (this one included) of impressions, clicks, CTR and attributed orders. */
export async function getResults(db: Db, shop: string, opts: { weeks?: number; now?: Date } = {}): Promise<Results> {
  const weeks = opts.weeks ?? 8;
  const now = opts.now ?? new Date();
  const firstWeek = Date.parse(`${weekOf(utcDay(now))}T00:00:00Z`) - (weeks - 1) * 7 * DAY_MS;
  const since = utcDay(new Date(firstWeek));
  const events = await db.recEvent.findMany({
    where: { shop, day: { gte: since } },
    select: { day: true, productId: true, kind: true, placement: true, count: true },
  });
  const byPlacement = new Map<string, PlacementWeekRow>();
  const placementRow = (week: string, placement: string) => {
    const key = `${week} ${placement}`;
    let row = byPlacement.get(key);
    if (!row) {
      row = {
        week,
        placement,
        label: placementLabel(placement),
        impressions: 0,
        clicks: 0,
        ctr: null,
        attributedOrders: 0,
        attributedRevenue: 0,
      };
      byPlacement.set(key, row);
    }
    return row;
  };
  const byWeek = new Map<string, WeekRow>();
  for (let i = 0; i < weeks; i++) {
    const week = utcDay(new Date(firstWeek + i * 7 * DAY_MS));
    byWeek.set(week, { week, impressions: 0, clicks: 0, ctr: null, attributedOrders: 0, attributedRevenue: 0 });
  }
  const byProduct = new Map<string, ProductRow>();
  for (const e of events) {
    const w = byWeek.get(weekOf(e.day));
    const p = byProduct.get(e.productId) ?? { productId: e.productId, label: "", impressions: 0, clicks: 0, ctr: null };
    const pw = w ? placementRow(w.week, e.placement) : null;
    if (e.kind === "impression") {
      if (w) w.impressions += e.count;
      if (pw) pw.impressions += e.count;
      p.impressions += e.count;
    } else if (e.kind === "click") {
      if (w) w.clicks += e.count;
      if (pw) pw.clicks += e.count;
      p.clicks += e.count;
    }
    byProduct.set(e.productId, p);
  }
  for (const w of byWeek.values()) {
    w.ctr = ctr(w.impressions, w.clicks);
    const from = new Date(`${w.week}T00:00:00Z`);
    const a = await attributedOrders(db, shop, from, { until: new Date(from.getTime() + 7 * DAY_MS) });
    w.attributedOrders = a.orders;
    w.attributedRevenue = a.revenue;
    // The same orders by the placement their click was on (the cart attribute says it).
    for (let i = 0; i < a.orderIds.length; i += 500) {
      const ids = a.orderIds.slice(i, i + 500);
      const [marks, totals] = await Promise.all([
        db.recAttribution.findMany({
          where: { shop, orderId: { in: ids } },
          select: { orderId: true, placement: true },
        }),
        db.order.findMany({ where: { shop, id: { in: ids } }, select: { id: true, totalAmount: true } }),
      ]);
      const total = new Map(totals.map((o) => [o.id, o.totalAmount]));
      for (const m of marks) {
        const row = placementRow(w.week, m.placement ?? "");
        row.attributedOrders++;
        row.attributedRevenue = Math.round((row.attributedRevenue + (total.get(m.orderId) ?? 0)) * 100) / 100;
      }
    }
  }
  const placements = [...byPlacement.values()]
    .map((r) => ({ ...r, ctr: ctr(r.impressions, r.clicks) }))
    .sort(
      (a, b) => b.week.localeCompare(a.week) || b.impressions - a.impressions || a.placement.localeCompare(b.placement),
    );
  const handles = new Map(
    (
      await db.product.findMany({
        where: { shop, id: { in: [...byProduct.keys()] } },
        select: { id: true, handle: true },
      })
    ).map((p) => [p.id, p.handle]),
  );
  const products = [...byProduct.values()]
    .map((p) => ({
      ...p,
      ctr: ctr(p.impressions, p.clicks),
      label: humanize(handles.get(p.productId) ?? p.productId.split("/").pop() ?? p.productId),
    }))
    .sort((a, b) => b.clicks - a.clicks || b.impressions - a.impressions)
    .slice(0, 20);
  const list = [...byWeek.values()];
  const sum = (k: "impressions" | "clicks" | "attributedOrders" | "attributedRevenue") =>
    list.reduce((s, w) => s + w[k], 0);
  return {
    weeks: list,
    placements,
    products,
    totals: {
      impressions: sum("impressions"),
      clicks: sum("clicks"),
      ctr: ctr(sum("impressions"), sum("clicks")),
      attributedOrders: sum("attributedOrders"),
      attributedRevenue: Math.round(sum("attributedRevenue") * 100) / 100,
    },
    since,
    until: utcDay(now),
  };
}
