/**
 * Decisions from the control groups' evidence. Pure: plain data in and out.
 *
 * A segment's evidence is its return-rate uplift (treated minus held out, shrunk toward the shop's overall
 * uplift) with the confidence sequence's interval. It is clear when the interval leaves out 0:
 * - "works": the campaign brings customers of this segment back (low > 0);
 * - "harms": they come back less when treated (high < 0);
 * - "no-effect": the interval holds 0 and is narrower than ±`target` (10 points): whatever the campaign
 *   does here, it is too small to act on;
 * otherwise "unclear" (not enough evidence yet), and a segment without a control group has none at all.
 *
 * Expected recovered revenue of a customer = uplift × value, with the interval [low × value, high × value]
 * (value ≥ 0: what the customer brings if they come back). Where the evidence is clear it orders the
 * customers; where there is none the model's order is kept, and the page says so.
 */

export type EvidenceStatus = "works" | "harms" | "no-effect" | "unclear";

export interface SegmentEvidence {
  /** `${kind}:${key}` of the segment. */
  segment: string;
  name: string;
  status: EvidenceStatus;
  /** Return-rate uplift (share of customers, e.g. 0.08 = 8 points) and its interval. */
  uplift: number;
  low: number;
  high: number;
}

export interface RecoveredRevenue {
  expected: number;
  low: number;
  high: number;
}

export function evidenceStatus(low: number, high: number, target = 0.1): EvidenceStatus {
  if (low > 0) return "works";
  if (high < 0) return "harms";
  if ((high - low) / 2 <= target) return "no-effect";
  return "unclear";
}

/** uplift × value with its interval; null when the value is not a finite non-negative number. */
export function expectedRecovered(
  e: Pick<SegmentEvidence, "uplift" | "low" | "high">,
  value: number,
): RecoveredRevenue | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const clamp = (x: number) => (Number.isFinite(x) ? x : x > 0 ? Infinity : -Infinity);
  return { expected: e.uplift * value, low: clamp(e.low) * value, high: clamp(e.high) * value };
}

/**
 * The list's order with the evidence: customers of segments where the campaign works first, by expected
 * recovered revenue (highest first; ties keep the model's order); then customers without clear evidence in
 * the model's order; then customers of segments where it makes no difference, then where it harms, each in
 * the model's order. `rows` come in the
 * model's order; the sort is stable.
 */
export function orderByEvidence<T>(
  rows: readonly T[],
  evidenceOf: (row: T) => SegmentEvidence | null | undefined,
  valueOf: (row: T) => number,
): Array<T & { recovered: RecoveredRevenue | null; evidence: EvidenceStatus | null }> {
  const rank = { works: 0, unclear: 1, "no-effect": 2, harms: 3 } as const;
  return rows
    .map((row, i) => {
      const e = evidenceOf(row) ?? null;
      const recovered = e && e.status !== "unclear" ? expectedRecovered(e, valueOf(row)) : null;
      return { row, i, e, recovered };
    })
    .sort((x, y) => {
      const rx = rank[x.e?.status ?? "unclear"];
      const ry = rank[y.e?.status ?? "unclear"];
      if (rx !== ry) return rx - ry;
      if (rx === 0) {
        const d = (y.recovered?.expected ?? 0) - (x.recovered?.expected ?? 0);
        if (d !== 0) return d;
      }
      return x.i - y.i;
    })
    .map(({ row, e, recovered }) => ({ ...row, recovered, evidence: e?.status ?? null }));
}

/** One line of "What to do next" per segment with a control group. */
export function evidenceAdvice(e: SegmentEvidence): string {
  const pts = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}`;
  const range = `${pts(e.low)} to ${pts(e.high)} points`;
  if (e.status === "works")
    return `Your campaigns bring "${e.name}" customers back (${range} more come back): keep them going and start with the customers worth most.`;
  if (e.status === "no-effect")
    return `Your campaigns make no difference worth acting on for "${e.name}" customers (${range}): spend the effort on segments where they work.`;
  if (e.status === "harms")
    return `Customers in "${e.name}" came back less when in your campaigns (${range}): pause or change the campaign for this segment.`;
  return `"${e.name}": no clear evidence yet whether your campaigns bring these customers back; the list keeps the model's order.`;
}
