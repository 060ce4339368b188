/**
 * How often the per-customer ranges contain what happened (`npm run eval:churn`): the analysis at an
 * as-of day against the orders of the following days.
 * - spend over H: the share of customers whose actual spend in (asOf, asOf + H] is in [spendLow,
 *   spendHigh], below it and above it. A customer with P(no order) ≥ 10% has spendLow = 0, so "nothing
 *   spent" is inside the range: counted that way the range holds more than 80% by construction. The
 *   randomised reading (PIT) splits the point mass at 0 as the model does: a customer with P(no order)
 *   = c who spent nothing counts min(1, 0.1 / c) towards the lower tail, max(0, (c − 0.9) / c) towards
 *   the upper one and the rest inside, so it is 10% / 80% / 10% when the model is right.
 * - spend over 12 months (clv12mLow/High): the plain reading, when the orders reach 365 days past as-of.
 * - the first order's date among customers who ordered within H, in [nextOrderLow, nextOrderHigh].
 * Cost: O(customers + their occasions).
 */
import type { CustomerHistory, CustomerResult } from "../types";

export interface Coverage {
  customers: number;
  inside: number;
  below: number;
  above: number;
}

export interface RangeCoverage {
  spend: Coverage;
  /** The randomised (PIT) reading of the spend range (module comment). */
  spendPit: Coverage;
  /** Null when the orders do not reach 365 days past as-of (plain reading only). */
  clv12m: Coverage | null;
  nextOrder: Coverage;
}

class Tally {
  n = 0;
  inside = 0;
  below = 0;
  above = 0;
  add(inside: number, below: number, above: number) {
    this.n++;
    this.inside += inside;
    this.below += below;
    this.above += above;
  }
  done(): Coverage {
    const d = Math.max(1, this.n);
    return { customers: this.n, inside: this.inside / d, below: this.below / d, above: this.above / d };
  }
}

const EPS = 0.005; // half a cent: ranges are compared as the CLI writes them, to the cent

function score(actual: number, low: number, high: number, pNone: number, plain: Tally, pit: Tally) {
  const below = actual < low - EPS ? 1 : 0;
  const above = actual > high + EPS ? 1 : 0;
  plain.add(1 - below - above, below, above);
  if (actual > EPS || low > EPS) pit.add(1 - below - above, below, above);
  else {
    const c = Math.max(pNone, 1e-9);
    const lower = Math.min(1, 0.1 / c);
    const upper = Math.max(0, (c - 0.9) / c);
    pit.add(1 - lower - upper, lower, upper);
  }
}

/**
 * Coverage of the customers' ranges at `asOfDay` (the analysis's own as-of day), with the full
 * histories (past and future) by customer id; `lastDay` is the last day the orders cover.
 */
export function rangeCoverage(
  customers: readonly CustomerResult[],
  full: ReadonlyMap<string, CustomerHistory>,
  asOfDay: number,
  horizonDays: number,
  lastDay: number,
): RangeCoverage {
  const spend = new Tally();
  const spendPit = new Tally();
  const clv = new Tally();
  const next = new Tally();
  const reach12m = lastDay >= asOfDay + 365;
  const dayOf = (d: Date) => Math.floor(d.getTime() / 86_400_000);
  for (const c of customers) {
    const h = full.get(c.customerId);
    if (!h) continue;
    let spentH = 0;
    let spent12m = 0;
    let first: number | null = null;
    h.occasionDays.forEach((d, k) => {
      if (d <= asOfDay) return;
      if (d <= asOfDay + horizonDays) {
        spentH += h.occasionValues[k];
        first ??= d;
      }
      if (d <= asOfDay + 365) spent12m += h.occasionValues[k];
    });
    score(spentH, c.spendLow ?? 0, c.spendHigh ?? 0, c.churnProbability, spend, spendPit);
    if (reach12m && c.clv12mLow !== null && c.clv12mHigh !== null)
      score(spent12m, c.clv12mLow, c.clv12mHigh, 0, clv, new Tally());
    if (first !== null && c.nextOrderLow && c.nextOrderHigh) {
      const lo = dayOf(c.nextOrderLow);
      const hi = dayOf(c.nextOrderHigh);
      next.add(first >= lo && first <= hi ? 1 : 0, first < lo ? 1 : 0, first > hi ? 1 : 0);
    }
  }
  return {
    spend: spend.done(),
    spendPit: spendPit.done(),
    clv12m: reach12m ? clv.done() : null,
    nextOrder: next.done(),
  };
}

/** "80.1% in, 9.8% below, 10.1% above (2,349)". */
export function formatCoverage(c: Coverage | null): string {
  if (!c) return "n/a (the orders do not reach that far)";
  const p = (v: number) => `${(100 * v).toFixed(1)}%`;
  return `${p(c.inside)} in, ${p(c.below)} below, ${p(c.above)} above (${c.customers.toLocaleString("en-US")})`;
}

export interface TotalCheck {
  expected: number;
  low: number;
  high: number;
  actual: number;
  inside: boolean;
}

export interface TotalsCheck {
  asOf: string;
  horizonDays: number;
  customers: number;
  orders: TotalCheck;
  revenue: TotalCheck;
  churnRate: TotalCheck;
}

type Range = { expected: number; low: number; high: number };

/**
 * The shop's totals over (asOf, asOf + H] among the customers known at as-of (purchase days, their
 * spend, the share who bought nothing) against the analysis's ~90% ranges (AnalysisResult.details.totals).
 */
export function totalsCheck(
  customers: readonly CustomerResult[],
  totals: { orders: Range; revenue: Range; churnRate: Range },
  full: ReadonlyMap<string, CustomerHistory>,
  asOfDay: number,
  horizonDays: number,
): TotalsCheck {
  let orders = 0;
  let revenue = 0;
  let silent = 0;
  for (const c of customers) {
    const h = full.get(c.customerId);
    let bought = false;
    h?.occasionDays.forEach((d, k) => {
      if (d <= asOfDay || d > asOfDay + horizonDays) return;
      orders++;
      revenue += h.occasionValues[k];
      bought = true;
    });
    if (!bought) silent++;
  }
  const check = (r: Range, actual: number): TotalCheck => ({
    ...r,
    actual,
    inside: actual >= r.low - 1e-9 && actual <= r.high + 1e-9,
  });
  return {
    asOf: new Date(asOfDay * 86_400_000).toISOString().slice(0, 10),
    horizonDays,
    customers: customers.length,
    orders: check(totals.orders, orders),
    revenue: check(totals.revenue, revenue),
    churnRate: check(totals.churnRate, customers.length ? silent / customers.length : 0),
  };
}
