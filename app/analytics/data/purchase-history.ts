/**
 * Order cleaning: orders in, per-customer purchase histories (distinct purchase days) out.
 *
 * Rules, in this order (each skipped order is counted under its reason):
 * - `afterAsOf`: processed after the as-of day (orders on the as-of day count);
 * - `test`: test orders; `cancelled`: cancelled orders;
 * - `refunded`: fully refunded or voided orders are no purchase (financial status REFUNDED/VOIDED, or
 *   nothing left once refunds are netted); `zeroValue`: orders worth nothing (zero or negative net, e.g.
 *   free samples or 100% discounts) are no purchase either. This is THE purchase filter of every model:
 *   churn, value, RFM, clusters, metrics and the recommendations (which call skipReason);
 * - `guest`: orders without a customer (they still count in store revenue, not in customer histories);
 * - `invalid`: a total that is not a finite number.
 * Partial refunds are netted. Shopify's current total (`currentTotalPriceSet`) is already "after returns":
 * returned line items (quantity − currentQuantity) are out of it, and their refund is part of
 * `totalRefundedSet` too. So only the refund beyond the returned items' value is taken off:
 * net = max(0, total − max(0, refunded − returned value)). Without currentQuantity (a file that does not
 * carry it) nothing counts as returned and net = max(0, total − refunded). Several orders of one customer
 * on one day (in the shop's time zone when given, else UTC) are one purchase occasion worth their sum (the convention of the BG/NBD literature).
 * Cost: O(orders · log orders) time, O(orders) memory.
 */
import type { CustomerHistory, OrderInput } from "../types";

export const DAY_MS = 86_400_000;

/** Whole days since 1970-01-01 (UTC) of a date. */
export const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/**
 * A function giving the calendar day number (days since 1970-01-01) of an instant in an IANA time zone
 * (the shop's: a purchase at 23:30 in Los Angeles is on that day, not on the next UTC day). Without a
 * zone, or "UTC", the UTC day. Offsets are looked up once per hour of time and cached, so a million
 * orders cost a few thousand Intl calls. Throws on an unknown zone name.
 * @example dayFunction("America/Los_Angeles")(new Date("2024-01-02T05:00:00Z")) // day of 2024-01-01
 */
export function dayFunction(timeZone?: string | null): (d: Date) => number {
  if (!timeZone || timeZone === "UTC" || timeZone === "Etc/UTC") return dayOf;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    });
  } catch (error) {
    throw new Error(`unknown time zone ${JSON.stringify(timeZone)}: ${(error as Error).message}`);
  }
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) {
      const parts = format.formatToParts(new Date(hour * 3_600_000));
      const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
      const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
      off = local - hour * 3_600_000;
      offsets.set(hour, off);
    }
    return off;
  };
  return (d: Date) => {
    const ms = d.getTime();
    return Math.floor((ms + offsetAt(ms)) / DAY_MS);
  };
}

/** The date at the start of a day number. */
export const dateOfDay = (day: number): Date => new Date(day * DAY_MS);

/**
 * dateOfDay with one Date per day number, made on first use: a result's dates for a million customers
 * are a few thousand objects instead of millions (about 110 bytes each), and cross a thread once each.
 * The Dates are shared by every customer on that day: read them, never mutate them.
 */
export function sharedDayDates(): (day: number) => Date {
  const dates = new Map<number, Date>();
  return (day) => {
    let d = dates.get(day);
    if (!d) dates.set(day, (d = dateOfDay(day)));
    return d;
  };
}

export type SkipReason = "afterAsOf" | "test" | "cancelled" | "refunded" | "zeroValue" | "guest" | "invalid";

export interface HistoryBuild {
  histories: CustomerHistory[];
  skipped: Record<SkipReason, number>;
  /** Net revenue of guest orders kept out of the histories (store metrics add it). */
  guestRevenue: number;
  /** Orders used in the histories. */
  orders: number;
}

/** Why an order is not a customer purchase, or null when it is one. */
export function skipReason(
  order: OrderInput,
  asOfDay: number,
  localDay: (d: Date) => number = dayOf,
): SkipReason | null {
  if (!Number.isFinite(order.total) || Number.isNaN(order.processedAt.getTime())) return "invalid";
  if (localDay(order.processedAt) > asOfDay) return "afterAsOf";
  if (order.test) return "test";
  if (order.cancelledAt) return "cancelled";
  const status = order.financialStatus?.toUpperCase();
  if (status === "REFUNDED" || status === "VOIDED") return "refunded";
  if (netValue(order) <= 0.005) return order.refunded > 0 ? "refunded" : "zeroValue";
  return null;
}

/** Value of the line items returned (quantity − currentQuantity, at the unit price). */
export function returnedValue(order: OrderInput): number {
  let value = 0;
  for (const line of order.lineItems) {
    const current = line.currentQuantity ?? line.quantity;
    if (current < line.quantity && Number.isFinite(line.unitPrice))
      value += (line.quantity - Math.max(0, current)) * line.unitPrice;
  }
  return value;
}

/** Net value of a purchase: the current total less the refunds not already taken out as returns; never negative. */
export function netValue(order: OrderInput): number {
  const refunded = Number.isFinite(order.refunded) ? Math.max(0, order.refunded) : 0;
  return Math.max(0, order.total - Math.max(0, refunded - returnedValue(order)));
}

/**
 * Builds the purchase histories of all customers at `asOf` (default: no cut). Histories come sorted by
 * customer id, so everything downstream is independent of input order.
 * @example buildHistories(orders, { asOf: new Date("2024-06-30") }).histories[0].occasionDays
 */
export function buildHistories(
  orders: Iterable<OrderInput>,
  opts: { asOf?: Date; timeZone?: string | null } = {},
): HistoryBuild {
  const localDay = dayFunction(opts.timeZone);
  const asOfDay = opts.asOf ? localDay(opts.asOf) : Infinity;
  const skipped: Record<SkipReason, number> = {
    afterAsOf: 0,
    test: 0,
    cancelled: 0,
    refunded: 0,
    zeroValue: 0,
    guest: 0,
    invalid: 0,
  };
  const byCustomer = new Map<string, Map<number, number>>();
  let guestRevenue = 0;
  let used = 0;
  for (const order of orders) {
    const reason = skipReason(order, asOfDay, localDay);
    if (reason) {
      skipped[reason]++;
      continue;
    }
    const value = netValue(order);
    if (order.customerId === null || order.customerId === "") {
      skipped.guest++;
      guestRevenue += value;
      continue;
    }
    used++;
    const day = localDay(order.processedAt);
    let days = byCustomer.get(order.customerId);
    if (!days) byCustomer.set(order.customerId, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + value);
  }
  const ids = [...byCustomer.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const histories: CustomerHistory[] = ids.map((customerId) => {
    const days = [...byCustomer.get(customerId)!.entries()].sort((a, b) => a[0] - b[0]);
    return { customerId, occasionDays: days.map((d) => d[0]), occasionValues: days.map((d) => d[1]) };
  });
  return { histories, skipped, guestRevenue, orders: used };
}

/** The histories as they were at the end of `day` (customers without a purchase by then are dropped). */
export function truncateHistories(histories: readonly CustomerHistory[], day: number): CustomerHistory[] {
  const out: CustomerHistory[] = [];
  for (const h of histories) {
    if (h.occasionDays[0] > day) continue;
    let n = h.occasionDays.length;
    while (n > 0 && h.occasionDays[n - 1] > day) n--;
    out.push(
      n === h.occasionDays.length
        ? h
        : {
            customerId: h.customerId,
            occasionDays: h.occasionDays.slice(0, n),
            occasionValues: h.occasionValues.slice(0, n),
          },
    );
  }
  return out;
}
