/**
 * Why a customer's churn likelihood is what it is, in plain words, from the model's own contributions.
 *
 * Drivers are weighed on the log-odds scale of the churn probability (> 0 pushes churn up):
 * - the purchase model's inputs (churn.ts purchaseEffects): the time since the last purchase (BG/NBD's
 *   churn against the same customer had they just bought) and the number of repeat purchases (against
 *   a one-time buyer with the same recency);
 * - the correction's terms when the shop has one (weight × standardised input, churn.ts): recency,
 *   repeats, spend, tenure, overdue against the usual gap, one-time buyer; its BG/NBD term is split
 *   over the purchase model's inputs in their proportion.
 * The first reason states the probability over the horizon and agrees with the risk band:
 * high or medium → "87% likely not to order in the next 70 days: <strongest driver pushing churn up>";
 * low → "78% likely to order in the next 70 days: <strongest driver pushing churn down>". Further
 * reasons are the next strongest drivers in the same direction, then the other way. At most MAX_REASONS.
 * Wording: purchase occasions are days ("bought on one day only" covers several orders on that day);
 * a spend change needs spend in both years ("no purchase in the last 12 months" otherwise); money is
 * formatted in the shop's currency.
 * Cost: O(1) per customer.
 */
import type { CustomerFeatures } from "../data/features";
import type { RiskBand } from "../types";
import { formatProbability } from "./probability-format";

export const MAX_REASONS = 3;

/**
 * "12 days ago", "9 months ago", "2 years ago".
 * @example ago(274) // "9 months ago"
 */
export function ago(days: number): string {
  if (days < 1) return "today";
  if (days < 60) return `${Math.round(days)} day${Math.round(days) === 1 ? "" : "s"} ago`;
  const months = Math.round(days / 30.44);
  if (months < 24) return `${months} months ago`;
  return `${Math.round(days / 365.25)} years ago`;
}

/**
 * Money in the shop's currency ("$1,234", "€56.50"); a plain number when the code is unknown.
 * @example money(1234.5, "USD") // "$1,234.50"
 */
export function money(amount: number, currency: string | null | undefined): string {
  const format = currency ? formatter(currency, amount >= 1000 ? 0 : 2) : null;
  return format ? format.format(amount) : `${amount.toFixed(2)}${currency ? ` ${currency}` : ""}`;
}

/** Intl formatters are slow to build: one per currency and precision (null for an unknown code). */
const formatters = new Map<string, Intl.NumberFormat | null>();
function formatter(currency: string, digits: number): Intl.NumberFormat | null {
  const key = `${currency}|${digits}`;
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: digits });
    } catch (error) {
      // An unknown code must not lose the reason: the plain number with the code instead.
      if (!(error instanceof RangeError)) throw error;
      f = null;
    }
    formatters.set(key, f);
  }
  return f;
}

export interface ReasonInput {
  features: CustomerFeatures;
  churnProbability: number;
  riskBand: RiskBand;
  horizonDays: number;
  /** The shop's typical gap between purchases (days), when known. */
  shopGapDays: number | null;
  /** Log-odds contributions (churn.ts ChurnResult.contributions): purchase model and correction. */
  contributions: Record<string, number> | null;
  currency?: string | null;
}

interface Driver {
  text: string;
  /** > 0 drives churn up, < 0 down (log-odds). */
  weight: number;
}

/** The reasons of one customer, most important first (see the module comment). */
export function churnReasons(input: ReasonInput): string[] {
  const { features: f, churnProbability, riskBand, horizonDays, currency } = input;
  const c = input.contributions ?? {};
  const gap = f.meanGapDays !== null && f.meanGapDays > 0 ? Math.max(1, Math.round(f.meanGapDays)) : null;
  const get = (k: string) => c[k] ?? 0;
  // The correction's BG/NBD term is the purchase model speaking: split it over recency and repeats.
  const modelRec = get("modelRecency");
  const modelFreq = get("modelRepeats");
  const share = Math.abs(modelRec) + Math.abs(modelFreq);
  const bgTerm = get("bgnbd");
  const recW =
    modelRec +
    get("recency") +
    get("overdue") +
    get("oneTime") +
    (share > 0 ? (bgTerm * Math.abs(modelRec)) / share : bgTerm / 2);
  const freqW = modelFreq + get("repeats") + (share > 0 ? (bgTerm * Math.abs(modelFreq)) / share : bgTerm / 2);
  const drivers: Driver[] = [];

  // Recency, in the words that fit the customer.
  if (f.occasions === 1) {
    drivers.push({ text: `bought on one day only, ${ago(f.recencyDays)}`, weight: recW + freqW });
  } else if (gap !== null) {
    if (f.recencyDays >= 1.25 * gap)
      drivers.push({ text: `no order for ${f.recencyDays} days; usually orders every ${gap} days`, weight: recW });
    else if (recW <= 0)
      drivers.push({ text: `orders every ${gap} days; last order ${ago(f.recencyDays)}`, weight: recW });
    else drivers.push({ text: `last order ${ago(f.recencyDays)}`, weight: recW });
    drivers.push({ text: `${f.occasions} purchase days so far`, weight: freqW });
    if (f.occasions >= 3 && f.lastGapDays !== null) {
      const earlier = (f.spanDays - f.lastGapDays) / (f.occasions - 2);
      if (earlier > 0 && f.lastGapDays >= 1.5 * earlier) {
        drivers.push({
          text: `the last gap between orders (${f.lastGapDays} days) was longer than usual (${Math.round(earlier)} days)`,
          weight: Math.max(0.05, Math.abs(recW) / 2),
        });
      }
    }
  }
  const spendW = get("monetary");
  if (spendW !== 0) drivers.push({ text: `${money(f.monetary, currency)} spent so far`, weight: spendW });
  const tenureW = get("tenure");
  if (tenureW !== 0) {
    const months = Math.round(f.tenureDays / 30.44);
    drivers.push({
      text:
        months >= 1 ? `customer for ${months} month${months === 1 ? "" : "s"}` : `customer for ${f.tenureDays} days`,
      weight: tenureW,
    });
  }
  if (f.tenureDays >= 730 && f.firstYearSpend > 0) {
    if (f.lastYearSpend <= 0) {
      drivers.push({
        text: `no purchase in the last 12 months (${money(f.firstYearSpend, currency)} in their first year)`,
        weight: Math.max(0.1, recW),
      });
    } else {
      const change = f.lastYearSpend / f.firstYearSpend - 1;
      if (change <= -0.25)
        drivers.push({
          text: `spends ${Math.round(-change * 100)}% less than in their first year`,
          weight: 0.2 - change / 2,
        });
      else if (change >= 0.25)
        drivers.push({
          text: `spends ${Math.round(change * 100)}% more than in their first year`,
          weight: -(0.2 + Math.min(change, 2) / 2),
        });
    }
  }

  const risky = riskBand !== "low";
  const dir = risky ? 1 : -1;
  const same = drivers.filter((d) => d.weight * dir > 0).sort((a, b) => b.weight * dir - a.weight * dir);
  const other = drivers.filter((d) => !(d.weight * dir > 0)).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const ordered = [...same, ...other];
  // The first driver named after the probability must point the band's way; else a plain fact.
  const lead =
    same[0]?.text ??
    (f.occasions === 1 ? `bought on one day only, ${ago(f.recencyDays)}` : `last order ${ago(f.recencyDays)}`);
  const head = risky
    ? `${formatProbability(churnProbability)} likely not to order in the next ${horizonDays} days: ${lead}`
    : `${formatProbability(1 - churnProbability)} likely to order in the next ${horizonDays} days: ${lead}`;
  const rest = ordered.filter((d) => d.text !== lead).map((d) => d.text);
  return [head, ...rest].slice(0, MAX_REASONS);
}
