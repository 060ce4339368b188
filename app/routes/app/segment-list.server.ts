/**
 * Segments as the merchant sees them, shared by the dashboard and the segments pages: clusters, RFM
 * segments and risk bands, their retention play, the value at risk of their customers, their Shopify
 * customer segment once published, and the merchant's renames.
 */
import type { Db } from "../../db.server";
import { readCentroid } from "../../models/json-columns.server";
import { adminUrl, gidId } from "../../models/segments.server";

export interface SegmentView {
  id: string;
  kind: string;
  key: string;
  name: string;
  generatedName: string;
  size: number;
  revenueShare: number;
  avgChurn: number;
  avgClv: number;
  centroid: Record<string, number>;
  description: string;
  shopifySegmentId: string | null;
  shopifySegmentUrl: string | null;
  play: RetentionPlay | null;
  /** Σ value at risk of the segment's customers (the customer list's "value at risk", shop currency). */
  valueAtRisk: number;
  /** The customer list filtered to this segment (risk bands filter by band). */
  customersUrl: string;
}

export interface RetentionPlay {
  title: string;
  detail: string;
}

/** The retention play for a segment, by what its key or name says. */
export function retentionPlay(key: string, name = ""): RetentionPlay | null {
  const s = `${key} ${name}`.toLowerCase();
  if (/champion|vip|loyal(?!ist)|best/.test(s))
    return {
      title: "VIP perks",
      detail: "Reward them: early access, free shipping or a thank-you gift. Do not discount what they already buy.",
    };
  if (/risk|can.?t.?lose|cannot|hibernat|lost|lapsed|dormant|slipping|sleep/.test(s))
    return {
      title: "Win-back offer",
      detail: "Send a personal win-back email with a time-limited offer on what they used to buy.",
    };
  if (/new|recent|promising|first/.test(s))
    return {
      title: "Welcome series",
      detail: "Send a welcome series that explains your range and invites the second order.",
    };
  if (/potential|upsell|loyalist|need.?attention|regular/.test(s))
    return {
      title: "Cross-sell",
      detail: "Recommend complements of their last purchase to raise order value and frequency.",
    };
  return null;
}

/** The customer list's URL for a segment: `?segment=rfm:<key>` / `cluster:<key>`, `?risk=<band>` for a risk band. */
export function segmentCustomersUrl(kind: string, key: string): string {
  return kind === "risk"
    ? `/app/customers?risk=${encodeURIComponent(key)}`
    : `/app/customers?segment=${encodeURIComponent(`${kind}:${key}`)}`;
}

/** Σ valueAtRisk per segment key of one kind. */
async function valueAtRiskBy(db: Db, shop: string, kind: "cluster" | "rfm" | "risk"): Promise<Map<string, number>> {
  const field = kind === "rfm" ? "rfmSegment" : kind === "cluster" ? "clusterKey" : "riskBand";
  const groups = await db.customerScore.groupBy({ by: [field], where: { shop }, _sum: { valueAtRisk: true } });
  return new Map(groups.map((g) => [String((g as Record<string, unknown>)[field]), g._sum.valueAtRisk ?? 0]));
}

export async function listSegments(db: Db, shop: string, kind?: "cluster" | "rfm" | "risk"): Promise<SegmentView[]> {
  const kinds = kind ? [kind] : (["cluster", "rfm", "risk"] as const);
  const [rows, ...atRisk] = await Promise.all([
    db.segment.findMany({
      where: { shop, active: true, ...(kind ? { kind } : {}) },
      orderBy: [{ kind: "asc" }, { size: "desc" }],
    }),
    ...kinds.map((k) => valueAtRiskBy(db, shop, k)),
  ]);
  const stake = new Map(kinds.map((k, i) => [k as string, atRisk[i]]));
  return rows.map((s) => {
    const centroid = readCentroid(s.centroidJson, `segment ${s.kind}:${s.key}`);
    const name = s.customName?.trim() || s.name;
    return {
      id: s.id,
      kind: s.kind,
      key: s.key,
      name,
      generatedName: s.name,
      size: s.size,
      revenueShare: s.revenueShare,
      avgChurn: s.avgChurn,
      avgClv: s.avgClv,
      centroid,
      description: s.description,
      shopifySegmentId: s.shopifySegmentId,
      shopifySegmentUrl: s.shopifySegmentId ? adminUrl(shop, `customers/segments/${gidId(s.shopifySegmentId)}`) : null,
      play: retentionPlay(s.key, s.name),
      valueAtRisk: stake.get(s.kind)?.get(s.key) ?? 0,
      customersUrl: segmentCustomersUrl(s.kind, s.key),
    };
  });
}

/** The centroid in words: "last ordered 45 days ago, 3.2 orders, $210 spent, $65 per order, customer for 400 days". */
export function centroidInWords(centroid: Record<string, number>, currency: string): string {
  const money = (v: number) =>
    new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  const parts: string[] = [];
  if (centroid.recencyDays !== undefined) parts.push(`last ordered ${Math.round(centroid.recencyDays)} days ago`);
  if (centroid.frequency !== undefined) parts.push(`${centroid.frequency.toFixed(1)} orders`);
  if (centroid.monetary !== undefined) parts.push(`${money(centroid.monetary)} spent`);
  if (centroid.aov !== undefined) parts.push(`${money(centroid.aov)} per order`);
  if (centroid.tenureDays !== undefined) parts.push(`customer for ${Math.round(centroid.tenureDays)} days`);
  return parts.join(", ");
}
