/**
 * Per-customer features at an as-of day, computed from a purchase history (see purchase-history.ts).
 * Recency, tenure and gaps are in days; monetary values are net of refunds.
 * Cost: O(occasions) per customer.
 */
import type { CustomerHistory } from "../types";

export interface CustomerFeatures {
  customerId: string;
  firstDay: number;
  lastDay: number;
  /** Purchase occasions (distinct days). */
  occasions: number;
  /** Repeat occasions: occasions − 1 (BG/NBD's x). */
  repeats: number;
  /** Days since the last purchase. */
  recencyDays: number;
  /** Days since the first purchase (BG/NBD's T in days). */
  tenureDays: number;
  /** Days from the first to the last purchase (BG/NBD's t_x in days). */
  spanDays: number;
  monetary: number;
  /** Average value per purchase occasion. */
  aov: number;
  /** Mean value of the repeat occasions (Gamma-Gamma's zbar), 0 when there are none. */
  repeatMeanValue: number;
  /** Mean and standard deviation of the days between purchases (null for one-time buyers). */
  meanGapDays: number | null;
  gapSdDays: number | null;
  /** The most recent gap between purchases (null for one-time buyers). */
  lastGapDays: number | null;
  /** Net spend in the first 365 days after the first purchase and in the last 365 days. */
  firstYearSpend: number;
  lastYearSpend: number;
}

/**
 * Features of one customer at `asOfDay` (the history must end on or before it).
 * @example customerFeatures({ customerId: "c", occasionDays: [0, 10], occasionValues: [5, 7] }, 30).meanGapDays // 10
 */
export function customerFeatures(history: CustomerHistory, asOfDay: number): CustomerFeatures {
  const days = history.occasionDays;
  const values = history.occasionValues;
  const n = days.length;
  if (n === 0) throw new Error("customerFeatures requires at least 1 purchase occasion");
  const firstDay = days[0];
  const lastDay = days[n - 1];
  let monetary = 0;
  let firstYearSpend = 0;
  let lastYearSpend = 0;
  for (let i = 0; i < n; i++) {
    monetary += values[i];
    if (days[i] < firstDay + 365) firstYearSpend += values[i];
    if (days[i] > asOfDay - 365) lastYearSpend += values[i];
  }
  let meanGapDays: number | null = null;
  let gapSdDays: number | null = null;
  let lastGapDays: number | null = null;
  if (n > 1) {
    meanGapDays = (lastDay - firstDay) / (n - 1);
    let ss = 0;
    for (let i = 1; i < n; i++) ss += (days[i] - days[i - 1] - meanGapDays) ** 2;
    gapSdDays = n > 2 ? Math.sqrt(ss / (n - 2)) : 0;
    lastGapDays = lastDay - days[n - 2];
  }
  return {
    customerId: history.customerId,
    firstDay,
    lastDay,
    occasions: n,
    repeats: n - 1,
    recencyDays: asOfDay - lastDay,
    tenureDays: asOfDay - firstDay,
    spanDays: lastDay - firstDay,
    monetary,
    aov: monetary / n,
    repeatMeanValue: n > 1 ? (monetary - values[0]) / (n - 1) : 0,
    meanGapDays,
    gapSdDays,
    lastGapDays,
    firstYearSpend,
    lastYearSpend,
  };
}

/** The shop's typical gap between purchases: the median of repeat buyers' mean gaps (null if none). */
export function typicalShopGap(features: readonly CustomerFeatures[]): number | null {
  const gaps = features.filter((f) => f.meanGapDays !== null).map((f) => f.meanGapDays!);
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}
