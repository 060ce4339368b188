/**
 * The top drivers of a customer's churn likelihood, in plain words, most important first:
 * - "one order only, 9 months ago" (one-time buyers; weight grows with the time since);
 * - "no order for 142 days; usually orders every 35 days" (repeat buyers overdue by ≥ 25%; weight
 *   recency / usual gap);
 * - "orders every 35 days; last order 12 days ago" (repeat buyers on schedule);
 * - "spends 60% less than in their first year" (customers of ≥ 2 years whose last 365 days' spend
 *   differs from their first year's by ≥ 25%; "more" when it grew);
 * - "the last gap between orders (90 days) was longer than usual (35 days)" (slowing down);
 * - "5 orders so far" (frequent buyers).
 * Risky customers list the risk drivers first, safe ones the reassuring facts. At most MAX_REASONS.
 * Cost: O(1) per customer.
 */
import type { CustomerFeatures } from "./features";

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

interface Reason {
  text: string;
  /** > 0 drives churn up, < 0 down; the magnitude orders the reasons. */
  weight: number;
}

export function churnReasons(f: CustomerFeatures, churnProbability: number, shopGapDays: number | null): string[] {
  const out: Reason[] = [];
  const gap = f.meanGapDays;
  if (f.occasions === 1) {
    const usual = shopGapDays ?? 60;
    out.push({ text: `one order only, ${ago(f.recencyDays)}`, weight: 1 + f.recencyDays / Math.max(1, usual) });
  } else if (gap !== null && gap > 0) {
    const g = Math.max(1, Math.round(gap));
    if (f.recencyDays >= 1.25 * gap) {
      out.push({ text: `no order for ${f.recencyDays} days; usually orders every ${g} days`, weight: 1 + f.recencyDays / gap });
    } else {
      out.push({ text: `orders every ${g} days; last order ${ago(f.recencyDays)}`, weight: -(1 + gap / Math.max(1, f.recencyDays)) });
    }
    if (f.occasions >= 3 && f.lastGapDays !== null) {
      const earlier = (f.spanDays - f.lastGapDays) / (f.occasions - 2);
      if (earlier > 0 && f.lastGapDays >= 1.5 * earlier) {
        out.push({
          text: `the last gap between orders (${f.lastGapDays} days) was longer than usual (${Math.round(earlier)} days)`,
          weight: 0.5 + f.lastGapDays / earlier / 2,
        });
      }
    }
  }
  if (f.tenureDays >= 730 && f.firstYearSpend > 0) {
    const change = f.lastYearSpend / f.firstYearSpend - 1;
    if (change <= -0.25) out.push({ text: `spends ${Math.round(-change * 100)}% less than in their first year`, weight: 1 - change });
    else if (change >= 0.25) out.push({ text: `spends ${Math.round(change * 100)}% more than in their first year`, weight: -(0.5 + Math.min(change, 2)) });
  }
  if (f.occasions >= 5) out.push({ text: `${f.occasions} orders so far`, weight: -(0.5 + f.occasions / 10) });
  const risky = churnProbability >= 0.5;
  out.sort((a, b) => {
    const sa = risky ? a.weight : -a.weight;
    const sb = risky ? b.weight : -b.weight;
    return sb - sa;
  });
  return out.slice(0, MAX_REASONS).map((r) => r.text);
}
