/**
 * Stores an analysis (app/analytics AnalysisResult) for one shop:
 * - CustomerScore rows of the shop are replaced in one transaction, inserted 2,000 to a statement as
 *   one JSON parameter (SQLite and PostgreSQL alike; Prisma's createMany took two minutes for 225k); rfmSegment holds the segment key (rfmKey: "At risk" → "at_risk");
 * - Segment rows (kind cluster | rfm | risk) are upserted by key with size, revenue share, average
 *   churn and 12-month value, centroid and description; the merchant's customName is never touched;
 *   segments of those kinds that no longer occur are marked active = false (size 0);
 * - an Analysis row records the model, its parameters, the backtest and the store metrics.
 * Every query is scoped by shop.
 */
import { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import { dialectOf, insertRows, stringList, type ColumnType } from "../db/json-rows.server";
import { RFM_SEGMENTS } from "../analytics/segments/rfm";
import { RISK_THRESHOLDS } from "../analytics/churn/predict";
import type { AnalysisResult, ClusterSummary, CustomerResult } from "../analytics/types";
import {
  readCentroid,
  writeBacktest,
  writeCentroid,
  writeMetrics,
  writeParams,
  writeReasons,
  writeRecommended,
} from "./json-columns.server";

/**
 * The shop's newest analysis (ties on the creation time broken by id, so every reader picks the same
 * one): what a publish plans for, the recommendations are built from and the trends end with. Null before the first.
 */
export async function latestAnalysisId(db: Db, shop: string): Promise<string | null> {
  const latest = await db.analysis.findFirst({
    where: { shop },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return latest?.id ?? null;
}

/**
 * Score rows per INSERT statement (one JSON parameter each: see app/db/json-rows.server.ts). About 600
 * bytes of JSON a row: 100 rows keep a statement's text well under V8's large-object size (128 KB), whose
 * strings only a full collection frees; with 2,000 rows a million-order shop's save piled up some 400 MB
 * of them before one ran.
 */
export const SCORE_BATCH = 100;

const SCORE_COLUMNS = {
  shop: "text",
  customerId: "text",
  asOf: "timestamp",
  orders: "integer",
  firstOrderAt: "timestamp",
  lastOrderAt: "timestamp",
  recencyDays: "float",
  monetary: "float",
  aov: "float",
  r: "integer",
  f: "integer",
  m: "integer",
  rfmSegment: "text",
  shopifyRfmGroup: "text",
  clusterKey: "text",
  churnProbability: "float",
  riskBand: "text",
  pAlive: "float",
  expectedOrders: "float",
  clv12m: "float",
  nextOrderDate: "timestamp",
  typicalGapDays: "float",
  nextOrderEarliest: "timestamp",
  nextOrderLatest: "timestamp",
  clv12mLow: "float",
  clv12mHigh: "float",
  valueAtRisk: "float",
  reasonsJson: "text",
  recommendedJson: "text",
  updatedAt: "timestamp",
} as const satisfies Record<keyof Prisma.CustomerScoreCreateManyInput, ColumnType>;

/** The stored key of an RFM segment name. */
export const rfmKey = (name: string): string =>
  name
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

const RFM_DESCRIPTIONS: Record<string, string> = {
  Champions: "Bought recently, buy often and spend the most.",
  Loyal: "Buy often and spend well; not always the most recent.",
  "Potential loyalists": "Recent customers with a few purchases: could become loyal.",
  New: "Bought for the first time very recently.",
  Promising: "Bought recently, but only once so far.",
  "Need attention": "Average on recency, frequency and spend.",
  "About to sleep": "Have not bought for a while and bought little.",
  "At risk": "Used to buy often and spend well, but not recently.",
  "Can't lose them": "Among the best customers before, but gone quiet.",
  Hibernating: "Bought little, a long time ago.",
  Lost: "Lowest recency, frequency and spend.",
};

const RISK_NAMES = { low: "Low churn risk", medium: "Medium churn risk", high: "High churn risk" } as const;
/**
 * Risk bands are relative to the horizon and the shop (app/analytics/churn/predict.ts riskCutoffs): the cut-offs
 * of this analysis are in its metrics (riskBands) and in these descriptions.
 */
function riskDescriptions(result: AnalysisResult): Record<"low" | "medium" | "high", string> {
  const bands = result.metrics.riskBands;
  const low = bands?.low ?? RISK_THRESHOLDS.low;
  const medium = bands?.medium ?? RISK_THRESHOLDS.medium;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const h = `in the next ${result.horizonDays} days`;
  return {
    low: `Churn probability below ${pct(low)} ${h}.`,
    medium: `Churn probability from ${pct(low)} to below ${pct(medium)} ${h}.`,
    high: `Churn probability of ${pct(medium)} or more ${h}.`,
  };
}

interface SegmentRow {
  kind: "cluster" | "rfm" | "risk";
  key: string;
  name: string;
  size: number;
  revenueShare: number;
  avgChurn: number;
  avgClv: number;
  centroidJson: string;
  description: string;
}

function aggregate(customers: readonly CustomerResult[], keyOf: (c: CustomerResult) => string) {
  const total = customers.reduce((s, c) => s + c.monetary, 0);
  const groups = new Map<string, { size: number; revenue: number; churn: number; clv: number }>();
  for (const c of customers) {
    const k = keyOf(c);
    const g = groups.get(k) ?? { size: 0, revenue: 0, churn: 0, clv: 0 };
    g.size++;
    g.revenue += c.monetary;
    g.churn += c.churnProbability;
    g.clv += c.clv12m;
    groups.set(k, g);
  }
  return (key: string) => {
    const g = groups.get(key);
    if (!g) return { size: 0, revenueShare: 0, avgChurn: 0, avgClv: 0 };
    return {
      size: g.size,
      revenueShare: total > 0 ? g.revenue / total : 0,
      avgChurn: g.churn / g.size,
      avgClv: g.clv / g.size,
    };
  };
}

/** The Segment rows an analysis implies. */
export function segmentRows(result: AnalysisResult): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const byCluster = aggregate(result.customers, (c) => c.clusterKey);
  for (const cl of result.clusters) {
    rows.push({
      kind: "cluster",
      key: cl.key,
      name: cl.name,
      ...byCluster(cl.key),
      centroidJson: writeCentroid(cl.centroid),
      description: cl.description,
    });
  }
  const byRfm = aggregate(result.customers, (c) => rfmKey(c.rfmSegment));
  const present = new Set(result.customers.map((c) => c.rfmSegment));
  for (const name of RFM_SEGMENTS) {
    if (!present.has(name)) continue;
    rows.push({
      kind: "rfm",
      key: rfmKey(name),
      name,
      ...byRfm(rfmKey(name)),
      centroidJson: writeCentroid({}),
      description: RFM_DESCRIPTIONS[name] ?? "",
    });
  }
  const byRisk = aggregate(result.customers, (c) => c.riskBand);
  const descriptions = riskDescriptions(result);
  for (const band of ["low", "medium", "high"] as const) {
    const agg = byRisk(band);
    if (agg.size === 0) continue;
    rows.push({
      kind: "risk",
      key: band,
      name: RISK_NAMES[band],
      ...agg,
      centroidJson: writeCentroid({}),
      description: descriptions[band],
    });
  }
  return rows;
}

export interface SaveOptions {
  /** Product GIDs per customer, best first (CustomerScore.recommendedJson). */
  recommendations?: Map<string, string[]>;
  /** Transaction timeout in ms (default 10 minutes). */
  timeoutMs?: number;
  /** Score rows per statement (default SCORE_BATCH). */
  batchSize?: number;
}

/** Replaces the shop's scores and segments with the analysis and records it. Returns the Analysis id. */
export async function saveAnalysis(
  db: Db,
  shop: string,
  result: AnalysisResult,
  opts: SaveOptions = {},
): Promise<{ analysisId: string }> {
  const asOf = result.asOf;
  const segments = segmentRows(result);
  const dialect = dialectOf(db);
  const now = new Date();
  return db.$transaction(
    async (tx) => {
      await tx.customerScore.deleteMany({ where: { shop } });
      const size = opts.batchSize ?? SCORE_BATCH;
      for (let i = 0; i < result.customers.length; i += size) {
        const batch = result.customers.slice(i, i + size);
        await insertRows(
          tx,
          dialect,
          "CustomerScore",
          SCORE_COLUMNS,
          batch.map((c) => ({
            shop,
            customerId: c.customerId,
            asOf,
            orders: c.orders,
            firstOrderAt: c.firstOrderAt,
            lastOrderAt: c.lastOrderAt,
            recencyDays: c.recencyDays,
            monetary: c.monetary,
            aov: c.aov,
            r: c.rfm.r,
            f: c.rfm.f,
            m: c.rfm.m,
            rfmSegment: rfmKey(c.rfmSegment),
            shopifyRfmGroup: c.shopifyRfmGroup ?? null,
            clusterKey: c.clusterKey,
            churnProbability: c.churnProbability,
            riskBand: c.riskBand,
            pAlive: c.pAlive,
            expectedOrders: c.expectedOrders,
            clv12m: c.clv12m,
            nextOrderDate: c.nextOrderDate,
            typicalGapDays: c.typicalGapDays,
            nextOrderEarliest: c.nextOrderEarliest,
            nextOrderLatest: c.nextOrderLatest,
            clv12mLow: c.clv12mLow,
            clv12mHigh: c.clv12mHigh,
            valueAtRisk: c.valueAtRisk,
            reasonsJson: writeReasons(c.reasons),
            recommendedJson: writeRecommended(opts.recommendations?.get(c.customerId) ?? []),
            updatedAt: now,
          })),
        );
      }
      for (const s of segments) {
        const data = {
          name: s.name,
          size: s.size,
          revenueShare: s.revenueShare,
          avgChurn: s.avgChurn,
          avgClv: s.avgClv,
          centroidJson: s.centroidJson,
          description: s.description,
          active: true,
        };
        await tx.segment.upsert({
          where: { shop_kind_key: { shop, kind: s.kind, key: s.key } },
          create: { shop, kind: s.kind, key: s.key, ...data },
          update: data,
        });
      }
      for (const kind of ["cluster", "rfm", "risk"] as const) {
        const keys = segments.filter((s) => s.kind === kind).map((s) => s.key);
        await tx.segment.updateMany({
          where: { shop, kind, key: { notIn: keys } },
          data: { active: false, size: 0, revenueShare: 0 },
        });
      }
      const analysis = await tx.analysis.create({
        data: {
          shop,
          asOf,
          horizonDays: result.horizonDays,
          model: result.model,
          paramsJson: writeParams({
            bgnbd: result.bgnbd,
            gammaGamma: result.gammaGamma,
            clusters: result.clusters.map((c) => ({ key: c.key, name: c.name, size: c.size, centroid: c.centroid })),
            details: result.details ?? {},
            notes: result.notes ?? [],
          }),
          backtestJson: writeBacktest(result.backtest),
          metricsJson: writeMetrics({ ...result.metrics, skipped: result.skipped }),
        },
        select: { id: true },
      });
      return { analysisId: analysis.id };
    },
    { timeout: opts.timeoutMs ?? 600_000, maxWait: 60_000 },
  );
}

/**
 * Stores Shopify's own RFM group (read by the publish) on the customers' scores: one UPDATE per distinct
 * group and 5,000 customers, not one per customer (a large shop changes over 100k on its first publish).
 */
export async function setShopifyRfmGroups(
  db: Db,
  shop: string,
  groups: ReadonlyMap<string, string | null>,
): Promise<void> {
  if (!groups.size) return;
  const byGroup = new Map<string | null, string[]>();
  for (const [customerId, group] of groups) {
    const ids = byGroup.get(group);
    if (ids) ids.push(customerId);
    else byGroup.set(group, [customerId]);
  }
  const dialect = dialectOf(db);
  const now = new Date(); // what Prisma's @updatedAt would set
  await db.$transaction(
    async (tx) => {
      for (const [group, ids] of byGroup) {
        for (let i = 0; i < ids.length; i += 5000) {
          await tx.$executeRaw(
            Prisma.sql`UPDATE "CustomerScore" SET "shopifyRfmGroup" = ${group}, "updatedAt" = ${now}
            WHERE "shop" = ${shop} AND "customerId" IN (${stringList(dialect, ids.slice(i, i + 5000))})`,
          );
        }
      }
    },
    // The scores' own limit: 225k customers' groups took over Prisma's default 5 s on PostgreSQL.
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** The shop's active clusters as the previous run left them (for stable keys and names). */
export async function loadPreviousClusters(db: Db, shop: string): Promise<ClusterSummary[]> {
  const rows = await db.segment.findMany({
    where: { shop, kind: "cluster", active: true },
    orderBy: { key: "asc" },
    select: { key: true, name: true, size: true, centroidJson: true, description: true },
  });
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    size: r.size,
    centroid: readCentroid(r.centroidJson, `segment cluster:${r.key}`),
    description: r.description,
  }));
}

/** The Shopify RFM group stored per customer by customer id (customers without one are left out). */
export async function previousShopifyRfmGroups(db: Db, shop: string): Promise<Map<string, string>> {
  const rows = await db.customerScore.findMany({
    where: { shop, shopifyRfmGroup: { not: null } },
    select: { customerId: true, shopifyRfmGroup: true },
  });
  return new Map(rows.map((s) => [s.customerId, s.shopifyRfmGroup!]));
}
