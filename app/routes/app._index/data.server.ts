/**
 * The admin's dashboard: KPIs, charts, "what to do next", trends and how far to trust the predictions,
 * read from the stored scores and the latest analyses, every query scoped by shop. The read models it
 * builds on live beside it by concern (kpis, charts, segments, sync-view, preview, trends) and are
 * re-exported here for the routes and tests that import them from this module.
 */
import {
  evidenceAdvice,
  expectedRecovered,
  type EvidenceStatus,
  type RecoveredRevenue,
  type SegmentEvidence,
} from "../../analytics/experiments/decisions";
import { segmentEvidence } from "../../models/holdouts-evidence.server";
import type { Db } from "../../db.server";
import { readBacktest, readMetrics, type BacktestReading } from "../../models/json-columns.server";
import { buildKpis, churnRateRange, computeKpis, observedChurn, previousForChange, type Kpi } from "./kpis.server";
import {
  churnRiskDistribution,
  cohortsFromMetrics,
  customersByRfmSegment,
  type CohortRow,
  type CountBy,
  type RiskBucket,
} from "./charts.server";
import { listSegments, type SegmentView } from "../app/segment-list.server";
import { getSyncOverview, type SyncOverview } from "../app.sync/sync-view.server";
import { getTrends, type Trends } from "../../models/trends.server";

export * from "./kpis.server";
export * from "./charts.server";
export * from "../app/segment-list.server";
export * from "../app.sync/sync-view.server";
export * from "../app.settings/preview.server";
export * from "../../models/trends.server";

export interface BacktestView {
  customers: number | null;
  auc: number | null;
  recencyAuc: number | null;
  brier: number | null;
  meanPredicted: number | null;
  observedChurn: number | null;
  model: string | null;
  /** Expected calibration error on 10 equal-width bins, null when the backtest predates it. */
  ece: number | null;
  /** The calibration curve: per bin of predicted churn, the mean prediction and what happened (bins with customers). */
  calibration: Array<{ from: number; to: number; customers: number; predicted: number; observed: number }>;
  /** How far to trust the predictions, in words. */
  verdict: string;
}

/** How far to trust the predictions, from the analysis' backtest (null without one, or without its AUC). */
export function backtestView(b: BacktestReading | null): BacktestView | null {
  const auc = b?.auc;
  if (b == null || auc === undefined) return null;
  const verdict =
    auc >= 0.8
      ? "Strong: the model ranks who will come back and who will not correctly most of the time."
      : auc >= 0.7
        ? "Good: the risk ranking is useful for targeting, individual scores are estimates."
        : auc >= 0.6
          ? "Fair: use the risk bands for broad targeting only."
          : "Weak: there is not enough history yet to trust individual predictions.";
  return {
    customers: b.customers ?? null,
    auc,
    recencyAuc: b.recencyAuc ?? null,
    brier: b.brier ?? null,
    meanPredicted: b.meanPredicted ?? null,
    observedChurn: b.observedChurn ?? null,
    model: b.model ?? null,
    ece: b.ece ?? null,
    calibration: (b.calibration ?? []).flatMap((bin) =>
      bin?.from !== undefined &&
      bin.to !== undefined &&
      bin.customers &&
      typeof bin.meanPredicted === "number" &&
      typeof bin.observed === "number"
        ? [
            {
              from: bin.from,
              to: bin.to,
              customers: bin.customers,
              predicted: bin.meanPredicted,
              observed: bin.observed,
            },
          ]
        : [],
    ),
    verdict,
  };
}

/** One distinct retention action, with the segments it is for and the revenue at stake in them. */
export interface NextAction {
  title: string;
  detail: string;
  /** Σ value at risk of the segments' customers (shop currency). */
  valueAtRisk: number;
  customers: number;
  segments: Array<{
    key: string;
    name: string;
    customers: number;
    valueAtRisk: number;
    customersUrl: string;
    shopifySegmentUrl: string | null;
    /** The segment's control-group evidence in words, and uplift × value (12-month value) where it is clear. */
    evidence: { status: EvidenceStatus; advice: string; recovered: RecoveredRevenue | null } | null;
  }>;
}

/**
 * "What to do next": each distinct play once, ordered by the revenue at stake in its segments; plays with
 * measured evidence that they work (a control group) come first, by expected recovered revenue.
 */
export function nextActions(
  segments: SegmentView[],
  evidence: ReadonlyMap<string, SegmentEvidence> = new Map(),
): NextAction[] {
  const byTitle = new Map<string, NextAction>();
  for (const s of segments) {
    if (s.kind !== "rfm" || !s.play) continue;
    const a = byTitle.get(s.play.title) ?? {
      title: s.play.title,
      detail: s.play.detail,
      valueAtRisk: 0,
      customers: 0,
      segments: [],
    };
    a.valueAtRisk += s.valueAtRisk;
    a.customers += s.size;
    a.segments.push({
      key: s.key,
      name: s.name,
      customers: s.size,
      valueAtRisk: s.valueAtRisk,
      customersUrl: s.customersUrl,
      shopifySegmentUrl: s.shopifySegmentUrl,
      evidence: segmentEvidenceView(evidence.get(`${s.kind}:${s.key}`), s.avgClv * s.size),
    });
    byTitle.set(s.play.title, a);
  }
  for (const a of byTitle.values())
    a.segments.sort((x, y) => y.valueAtRisk - x.valueAtRisk || y.customers - x.customers);
  const proven = (a: NextAction) =>
    a.segments.reduce(
      (sum, s) => sum + (s.evidence?.status === "works" ? (s.evidence.recovered?.expected ?? 0) : 0),
      0,
    );
  return [...byTitle.values()].sort(
    (x, y) => proven(y) - proven(x) || y.valueAtRisk - x.valueAtRisk || y.customers - x.customers,
  );
}

function segmentEvidenceView(
  e: SegmentEvidence | undefined,
  value: number,
): NextAction["segments"][number]["evidence"] {
  if (!e) return null;
  return {
    status: e.status,
    advice: evidenceAdvice(e),
    recovered: e.status === "works" ? expectedRecovered(e, Number.isFinite(value) ? value : 0) : null,
  };
}

/** Whether the app has written anything to the store yet, in words. */
export interface TagStatus {
  autoTag: boolean;
  lastPublishAt: string | null;
  /** "preview": nothing written to the store yet. */
  state: "preview" | "published";
}

export interface Dashboard {
  shop: string;
  currencyCode: string;
  sync: SyncOverview;
  analysis: { asOf: string; horizonDays: number; model: string; createdAt: string } | null;
  kpis: Kpi[];
  bySegment: CountBy[];
  risk: RiskBucket[];
  cohorts: CohortRow[] | null;
  segments: SegmentView[];
  actions: NextAction[];
  backtest: BacktestView | null;
  trends: Trends;
  tags: TagStatus;
  historyLimited: boolean;
}

export async function getDashboard(db: Db, shop: string): Promise<Dashboard> {
  const [settings, sync, analyses] = await Promise.all([
    db.shop.findUnique({ where: { shop } }),
    getSyncOverview(db, shop),
    db.analysis.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 2 }),
  ]);
  const [latest, previous] = analyses;
  const metrics = readMetrics(latest?.metricsJson, latest && `analysis ${latest.id}`);
  const [current, bySegment, risk, cohorts, segments, trends] = await Promise.all([
    computeKpis(db, shop),
    customersByRfmSegment(db, shop),
    churnRiskDistribution(db, shop),
    cohortsFromMetrics(metrics, 12, latest?.asOf),
    listSegments(db, shop),
    getTrends(db, shop),
  ]);
  const evidence = await segmentEvidence(db, shop);
  const previousMetrics = previous ? readMetrics(previous.metricsJson, `analysis ${previous.id}`) : null;
  const prev = previousForChange(current, metrics, previousMetrics);
  const backtest = backtestView(readBacktest(latest?.backtestJson, latest && `analysis ${latest.id}`));
  return {
    shop,
    currencyCode: settings?.currencyCode ?? "USD",
    sync,
    analysis: latest
      ? {
          asOf: latest.asOf.toISOString(),
          horizonDays: latest.horizonDays,
          model: latest.model,
          createdAt: latest.createdAt.toISOString(),
        }
      : null,
    kpis: buildKpis(
      current,
      prev,
      latest?.horizonDays ?? null,
      observedChurn(metrics),
      backtest,
      churnRateRange(metrics),
    ),
    bySegment,
    risk,
    cohorts,
    segments: segments.filter((s) => s.kind !== "risk"),
    actions: nextActions(segments, evidence),
    backtest,
    trends,
    tags: {
      autoTag: settings?.autoTag ?? false,
      lastPublishAt: settings?.lastPublishAt?.toISOString() ?? null,
      state: settings?.lastPublishAt ? "published" : "preview",
    },
    historyLimited: settings?.historyLimited ?? false,
  };
}
