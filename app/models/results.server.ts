/**
 * The results page: what the storefront recommendations did, by week and by product, from RecEvent
 * (daily impression and click counts per product) and the orders attributed to clicks
 * (rec-events.server.ts attributedOrders, the same rule as the dashboard's impact figures).
 */
import type { Db } from "../db.server";
import { attributedOrders, utcDay } from "./rec-events.server";
import { humanize } from "./segments.server";

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

export interface Results {
  weeks: WeekRow[];
  products: ProductRow[];
  totals: ResultsRow & { attributedOrders: number; attributedRevenue: number };
  since: string;
  until: string;
}

const ctr = (impressions: number, clicks: number) => (impressions > 0 ? clicks / impressions : null);

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
    select: { day: true, productId: true, kind: true, count: true },
  });
  const byWeek = new Map<string, WeekRow>();
  for (let i = 0; i < weeks; i++) {
    const week = utcDay(new Date(firstWeek + i * 7 * DAY_MS));
    byWeek.set(week, { week, impressions: 0, clicks: 0, ctr: null, attributedOrders: 0, attributedRevenue: 0 });
  }
  const byProduct = new Map<string, ProductRow>();
  for (const e of events) {
    const w = byWeek.get(weekOf(e.day));
    const p = byProduct.get(e.productId) ?? { productId: e.productId, label: "", impressions: 0, clicks: 0, ctr: null };
    if (e.kind === "impression") {
      if (w) w.impressions += e.count;
      p.impressions += e.count;
    } else if (e.kind === "click") {
      if (w) w.clicks += e.count;
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
  }
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
