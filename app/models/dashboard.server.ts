/**
 * Read models for the admin's dashboard, segments and sync pages. Plain objects out, every query scoped
 * by shop. KPIs are computed from the stored customer scores (the numbers the merchant can check in the
 * customer table); the latest Analysis adds the horizon, the backtest and the previous period.
 */
import type { Db } from "../db.server";

// ---------------------------------------------------------------------------------------------------
// JSON columns (metricsJson, backtestJson, reasonsJson, centroidJson...) are read without trusting them.

export function parseJson(text: string | null | undefined, fallback: unknown = {}): unknown {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first finite number found at one of the dotted paths, e.g. num(m, "repeatRate", "kpis.repeatRate"). */
export function num(obj: unknown, ...paths: string[]): number | null {
  for (const path of paths) {
    let cur: unknown = obj;
    for (const part of path.split(".")) cur = isRecord(cur) ? cur[part] : undefined;
    if (typeof cur === "number" && Number.isFinite(cur)) return cur;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Sync runs

export interface SyncRunView {
  id: string;
  kind: string;
  status: string;
  ordersCount: number;
  lineItemsCount: number;
  customersCount: number;
  skippedLines: number;
  expectedCount: number | null;
  /** 0..1 when the expected count is known, else null. */
  progress: number | null;
  error: string | null;
  /** Plain-words notes the run left for the merchant (detailsJson.warnings). */
  warnings: string[];
  startedAt: string;
  finishedAt: string | null;
}

export function isActiveRun(status: string): boolean {
  return status === "queued" || status === "running";
}

function toRunView(run: Awaited<ReturnType<Db["syncRun"]["findFirst"]>>): SyncRunView | null {
  if (!run) return null;
  const progress =
    run.status === "succeeded" ? 1 : run.expectedCount && run.expectedCount > 0 ? Math.min(1, run.ordersCount / run.expectedCount) : null;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    ordersCount: run.ordersCount,
    lineItemsCount: run.lineItemsCount,
    customersCount: run.customersCount,
    skippedLines: run.skippedLines,
    expectedCount: run.expectedCount,
    progress,
    error: run.error,
    warnings: (() => {
      const details = parseJson(run.detailsJson, {});
      const list = isRecord(details) ? details.warnings : undefined;
      return Array.isArray(list) ? list.filter((w): w is string => typeof w === "string").slice(0, 5) : [];
    })(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export async function listSyncRuns(db: Db, shop: string, take = 10): Promise<SyncRunView[]> {
  const runs = await db.syncRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
  return runs.map((r) => toRunView(r)).filter((r): r is SyncRunView => r !== null);
}

export interface SyncStatus {
  latest: SyncRunView | null;
  /** The newest queued or running run, if any. */
  active: SyncRunView | null;
  lastSucceeded: SyncRunView | null;
}

export async function getSyncStatus(db: Db, shop: string): Promise<SyncStatus> {
  const [latest, active, lastSucceeded] = await Promise.all([
    db.syncRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    db.syncRun.findFirst({ where: { shop, status: { in: ["queued", "running"] } }, orderBy: { startedAt: "desc" } }),
    db.syncRun.findFirst({ where: { shop, status: "succeeded" }, orderBy: { startedAt: "desc" } }),
  ]);
  return { latest: toRunView(latest), active: toRunView(active), lastSucceeded: toRunView(lastSucceeded) };
}

/** A sync error in plain words, with what the merchant can do about it. */
export function explainSyncError(error: string): { title: string; action: string } {
  const e = error.toLowerCase();
  if (/throttl|429|rate limit/.test(e))
    return { title: "Shopify asked us to slow down and the sync ran out of retries.", action: "Start the sync again in a few minutes; it continues where it stopped." };
  if (/no offline session|uninstall|not installed/.test(e))
    return { title: "The app is not installed on this store any more (or its access was revoked).", action: "Open the app from your Shopify admin to install it again, then start a full sync." };
  if (/access denied|scope|forbidden|401|403|not approved|protected customer/.test(e))
    return { title: "Shopify refused access to some of your data.", action: "Approve the app's requested permissions in your Shopify admin (read orders and customers), then start the sync again." };
  if (/expired/.test(e))
    return { title: "Shopify's export of your orders expired before we could read it.", action: "Start a full sync again; it asks Shopify for a fresh export." };
  if (/bulk|failed|partial/.test(e))
    return { title: "Shopify could not finish exporting your orders.", action: "Start a full sync again. If it keeps failing, contact us with the time of this run." };
  if (/5\d\d|timeout|timed out|econn|network|fetch failed|socket/.test(e))
    return { title: "Shopify could not be reached for a while.", action: "Nothing was lost. Start the sync again; it resumes from the last order saved." };
  return { title: "The sync stopped with an unexpected error.", action: "Start the sync again. If it happens again, contact us and quote the message below." };
}

// ---------------------------------------------------------------------------------------------------
// KPIs

export interface Kpi {
  key: "customers" | "repeatRate" | "churnRate" | "revenueAtRisk" | "medianClv";
  label: string;
  value: number | null;
  /** Change against the previous analysis (same unit as value), null when there is none. */
  change: number | null;
  format: "count" | "percent" | "money";
  help: string;
}

export interface KpiValues {
  customers: number;
  repeatRate: number | null;
  churnRate: number | null;
  revenueAtRisk: number;
  medianClv: number | null;
}

/**
 * KPIs from the stored customer scores: customers, repeat purchase rate (two purchase days or more),
 * predicted churn rate (mean churn probability), revenue at risk (Σ churn probability × predicted
 * 12-month value, as app/analytics/metrics.ts defines it) and the median predicted CLV.
 */
export async function computeKpis(db: Db, shop: string): Promise<KpiValues> {
  const [customers, repeat, agg, atRisk] = await Promise.all([
    db.customerScore.count({ where: { shop } }),
    db.customerScore.count({ where: { shop, orders: { gte: 2 } } }),
    db.customerScore.aggregate({ where: { shop }, _avg: { churnProbability: true } }),
    db.$queryRaw<Array<{ v: number | null }>>`SELECT SUM("churnProbability" * "clv12m") AS v FROM "CustomerScore" WHERE "shop" = ${shop}`,
  ]);
  let medianClv: number | null = null;
  if (customers > 0) {
    // Median (R type 7 at n even: mean of the two middle values), read through the (shop, clv12m) index.
    const middle = await db.customerScore.findMany({
      where: { shop },
      orderBy: { clv12m: "asc" },
      skip: Math.floor((customers - 1) / 2),
      take: customers % 2 === 0 ? 2 : 1,
      select: { clv12m: true },
    });
    medianClv = middle.reduce((s, r) => s + r.clv12m, 0) / middle.length;
  }
  return {
    customers,
    repeatRate: customers ? repeat / customers : null,
    churnRate: agg._avg.churnProbability ?? null,
    revenueAtRisk: Number(atRisk[0]?.v ?? 0),
    medianClv,
  };
}

/** The same KPIs as an analysis recorded them in its metricsJson (used for the previous period). */
export function kpisFromMetrics(metrics: unknown): Partial<Record<keyof KpiValues, number>> {
  const pick = (...paths: string[]) => num(metrics, ...paths) ?? undefined;
  const out: Partial<Record<keyof KpiValues, number>> = {
    customers: pick("customers", "kpis.customers"),
    repeatRate: pick("repeatPurchaseRate", "repeatRate", "kpis.repeatRate"),
    churnRate: pick("predictedChurnRate", "churnRate", "kpis.churnRate"),
    revenueAtRisk: pick("revenueAtRisk", "kpis.revenueAtRisk"),
    medianClv: pick("medianClv", "medianClv12m", "kpis.medianClv"),
  };
  for (const k of Object.keys(out) as Array<keyof KpiValues>) if (out[k] === undefined) delete out[k];
  return out;
}

/** The observed churn over the last horizon and the one before (app/analytics/metrics.ts period metrics). */
export function observedChurn(metrics: unknown): { rate: number | null; previous: number | null } {
  return { rate: num(metrics, "period.churnRate"), previous: num(metrics, "previousPeriod.churnRate") };
}

function previousFromMetrics(metrics: unknown): Partial<Record<keyof KpiValues, number>> {
  for (const key of ["previous", "prev"]) {
    if (isRecord(metrics) && isRecord(metrics[key])) return kpisFromMetrics(metrics[key]);
  }
  return {};
}

export function buildKpis(
  current: KpiValues,
  previous: Partial<Record<keyof KpiValues, number>>,
  horizonDays: number | null,
  observed?: { rate: number | null; previous: number | null },
): Kpi[] {
  const change = (key: keyof KpiValues) => {
    const cur = current[key];
    const prev = previous[key];
    return cur === null || prev === undefined ? null : cur - prev;
  };
  const horizon = horizonDays ? `${horizonDays} days` : "the churn horizon";
  return [
    { key: "customers", label: "Customers", value: current.customers, change: change("customers"), format: "count", help: "Customers with at least one order" },
    { key: "repeatRate", label: "Repeat purchase rate", value: current.repeatRate, change: change("repeatRate"), format: "percent", help: "Share of customers who ordered on two days or more" },
    observed && observed.rate !== null
      ? {
          key: "churnRate",
          label: "Churn rate",
          value: observed.rate,
          change: observed.previous === null ? null : observed.rate - observed.previous,
          format: "percent",
          help: `Of your customers who had bought before, the share who did not buy in the last ${horizon}. Predicted for the next ${horizon}: ${current.churnRate === null ? "–" : `${(current.churnRate * 100).toFixed(1)}%`}`,
        }
      : { key: "churnRate", label: "Churn rate (predicted)", value: current.churnRate, change: change("churnRate"), format: "percent", help: `Expected share of customers who will not order within ${horizon}` },
    { key: "revenueAtRisk", label: "Revenue at risk", value: current.revenueAtRisk, change: change("revenueAtRisk"), format: "money", help: "Predicted 12-month value you may lose: churn probability × predicted CLV, summed" },
    { key: "medianClv", label: "Median predicted CLV", value: current.medianClv, change: change("medianClv"), format: "money", help: "Median predicted spend per customer over the next 12 months" },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Segments

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
}

export interface RetentionPlay {
  title: string;
  detail: string;
}

/** The retention play for a segment, by what its key or name says. */
export function retentionPlay(key: string, name = ""): RetentionPlay | null {
  const s = `${key} ${name}`.toLowerCase();
  if (/champion|vip|loyal(?!ist)|best/.test(s))
    return { title: "VIP perks", detail: "Reward them: early access, free shipping or a thank-you gift. Do not discount what they already buy." };
  if (/risk|can.?t.?lose|cannot|hibernat|lost|lapsed|dormant|slipping|sleep/.test(s))
    return { title: "Win-back offer", detail: "Send a personal win-back email with a time-limited offer on what they used to buy." };
  if (/new|recent|promising|first/.test(s))
    return { title: "Welcome series", detail: "Send a welcome series that explains your range and invites the second order." };
  if (/potential|upsell|loyalist|need.?attention|regular/.test(s))
    return { title: "Cross-sell", detail: "Recommend complements of their last purchase to raise order value and frequency." };
  return null;
}

/** Shopify admin URL of a store's page, e.g. adminUrl("x.myshopify.com", "customers/123"). */
export function adminUrl(shop: string, path: string): string {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/${path}`;
}

export function gidId(gid: string): string {
  return gid.split("/").pop() ?? gid;
}

export async function listSegments(db: Db, shop: string, kind?: "cluster" | "rfm" | "risk"): Promise<SegmentView[]> {
  const rows = await db.segment.findMany({
    where: { shop, active: true, ...(kind ? { kind } : {}) },
    orderBy: [{ kind: "asc" }, { size: "desc" }],
  });
  return rows.map((s) => {
    const centroidRaw = parseJson(s.centroidJson, {});
    const centroid: Record<string, number> = {};
    if (isRecord(centroidRaw)) for (const [k, v] of Object.entries(centroidRaw)) if (typeof v === "number") centroid[k] = v;
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
    };
  });
}

/** The centroid in words: "last ordered 45 days ago, 3.2 orders, $210 spent, $65 per order, customer for 400 days". */
export function centroidInWords(centroid: Record<string, number>, currency: string): string {
  const money = (v: number) => new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  const parts: string[] = [];
  if (centroid.recencyDays !== undefined) parts.push(`last ordered ${Math.round(centroid.recencyDays)} days ago`);
  if (centroid.frequency !== undefined) parts.push(`${centroid.frequency.toFixed(1)} orders`);
  if (centroid.monetary !== undefined) parts.push(`${money(centroid.monetary)} spent`);
  if (centroid.aov !== undefined) parts.push(`${money(centroid.aov)} per order`);
  if (centroid.tenureDays !== undefined) parts.push(`customer for ${Math.round(centroid.tenureDays)} days`);
  return parts.join(", ");
}

export class SegmentNotFoundError extends Error {}

/** The merchant's name for a cluster (empty restores the generated one). */
export async function renameCluster(db: Db, shop: string, key: string, customName: string): Promise<void> {
  const name = customName.trim();
  if (name.length > 60) throw new Error("A segment name can have at most 60 characters.");
  const updated = await db.segment.updateMany({ where: { shop, kind: "cluster", key }, data: { customName: name || null } });
  if (updated.count === 0) throw new SegmentNotFoundError(`No cluster "${key}" in this shop.`);
}

// ---------------------------------------------------------------------------------------------------
// Charts

export interface CountBy {
  key: string;
  label: string;
  customers: number;
  revenue: number;
}

async function segmentNames(db: Db, shop: string, kind: string): Promise<Map<string, string>> {
  const rows = await db.segment.findMany({ where: { shop, kind }, select: { key: true, name: true, customName: true } });
  return new Map(rows.map((r) => [r.key, r.customName?.trim() || r.name]));
}

export function humanize(key: string): string {
  const s = key.replace(/[-_]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export async function customersByRfmSegment(db: Db, shop: string): Promise<CountBy[]> {
  const [groups, names] = await Promise.all([
    db.customerScore.groupBy({ by: ["rfmSegment"], where: { shop }, _count: { _all: true }, _sum: { monetary: true } }),
    segmentNames(db, shop, "rfm"),
  ]);
  return groups
    .map((g) => ({ key: g.rfmSegment, label: names.get(g.rfmSegment) ?? humanize(g.rfmSegment), customers: g._count._all, revenue: g._sum.monetary ?? 0 }))
    .sort((a, b) => b.customers - a.customers);
}

export interface RiskBucket {
  label: string;
  from: number;
  to: number;
  customers: number;
}

/** Customers by churn probability in ten 10-point buckets. */
export async function churnRiskDistribution(db: Db, shop: string): Promise<RiskBucket[]> {
  const edges = Array.from({ length: 11 }, (_, i) => i / 10);
  const counts = await Promise.all(
    edges.slice(0, 10).map((from, i) =>
      db.customerScore.count({
        where: { shop, churnProbability: i === 9 ? { gte: from } : { gte: from, lt: edges[i + 1] } },
      }),
    ),
  );
  return counts.map((customers, i) => ({ label: `${i * 10}–${i * 10 + 10}%`, from: edges[i], to: edges[i + 1], customers }));
}

export interface CohortRow {
  cohort: string; // YYYY-MM of the first order
  customers: number;
  /** Share of the cohort that ordered in month 0, 1, 2, ... after the first (null = not yet observed). */
  retention: Array<number | null>;
}

const MAX_COHORT_ORDERS = 300_000;

/** The analysis' cohort matrix (metricsJson.cohorts: { cohort, size, retention[] }), trimmed to the last `months` cohorts and months. */
export function cohortsFromMetrics(metrics: unknown, months = 12): CohortRow[] | null {
  const list = isRecord(metrics) ? metrics.cohorts : undefined;
  if (!Array.isArray(list) || list.length === 0) return null;
  const rows: CohortRow[] = [];
  for (const c of list) {
    if (!isRecord(c) || typeof c.cohort !== "string" || !Array.isArray(c.retention)) return null;
    rows.push({
      cohort: c.cohort,
      customers: typeof c.size === "number" ? c.size : typeof c.customers === "number" ? c.customers : 0,
      retention: c.retention.slice(0, months).map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null)),
    });
  }
  return rows.sort((a, b) => a.cohort.localeCompare(b.cohort)).slice(-months);
}

/**
 * Monthly cohort retention from the stored orders (paid, non-test, non-cancelled, with a customer): the
 * last `months` cohorts, each with the share of its customers ordering in each later month.
 */
export async function cohortRetention(db: Db, shop: string, months = 12): Promise<CohortRow[] | null> {
  const where = { shop, customerId: { not: null }, test: false, cancelledAt: null };
  const total = await db.order.count({ where });
  if (total === 0 || total > MAX_COHORT_ORDERS) return null;
  const orders = await db.order.findMany({ where, select: { customerId: true, processedAt: true } });
  const monthIndex = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
  const byCustomer = new Map<string, Set<number>>();
  let lastMonth = 0;
  for (const o of orders) {
    const m = monthIndex(o.processedAt);
    lastMonth = Math.max(lastMonth, m);
    const set = byCustomer.get(o.customerId as string) ?? new Set<number>();
    set.add(m);
    byCustomer.set(o.customerId as string, set);
  }
  const cohorts = new Map<number, Array<Set<number>>>();
  for (const set of byCustomer.values()) {
    const first = Math.min(...set);
    if (first <= lastMonth - months) continue;
    const list = cohorts.get(first) ?? [];
    list.push(set);
    cohorts.set(first, list);
  }
  return [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([first, members]) => ({
      cohort: `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, "0")}`,
      customers: members.length,
      retention: Array.from({ length: months }, (_, k) =>
        first + k > lastMonth ? null : members.filter((s) => s.has(first + k)).length / members.length,
      ),
    }));
}

// ---------------------------------------------------------------------------------------------------
// The dashboard

export interface BacktestView {
  customers: number | null;
  auc: number | null;
  recencyAuc: number | null;
  brier: number | null;
  meanPredicted: number | null;
  observedChurn: number | null;
  model: string | null;
  /** How far to trust the predictions, in words. */
  verdict: string;
}

export function backtestView(backtestJson: string | null | undefined): BacktestView | null {
  const b = parseJson(backtestJson, {});
  const auc = num(b, "auc");
  if (auc === null) return null;
  const recencyAuc = num(b, "recencyAuc");
  const verdict =
    auc >= 0.8
      ? "Strong: the model ranks who will come back and who will not correctly most of the time."
      : auc >= 0.7
        ? "Good: the risk ranking is useful for targeting, individual scores are estimates."
        : auc >= 0.6
          ? "Fair: use the risk bands for broad targeting only."
          : "Weak: there is not enough history yet to trust individual predictions.";
  return {
    customers: num(b, "customers"),
    auc,
    recencyAuc,
    brier: num(b, "brier"),
    meanPredicted: num(b, "meanPredicted"),
    observedChurn: num(b, "observedChurn"),
    model: isRecord(b) && typeof b.model === "string" ? b.model : null,
    verdict,
  };
}

export interface Dashboard {
  shop: string;
  currencyCode: string;
  sync: SyncStatus;
  analysis: { asOf: string; horizonDays: number; model: string; createdAt: string } | null;
  kpis: Kpi[];
  bySegment: CountBy[];
  risk: RiskBucket[];
  cohorts: CohortRow[] | null;
  segments: SegmentView[];
  backtest: BacktestView | null;
  historyLimited: boolean;
}

export async function getDashboard(db: Db, shop: string): Promise<Dashboard> {
  const [settings, sync, analyses] = await Promise.all([
    db.shop.findUnique({ where: { shop } }),
    getSyncStatus(db, shop),
    db.analysis.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 2 }),
  ]);
  const [latest, previous] = analyses;
  const metrics = parseJson(latest?.metricsJson, {});
  const [current, bySegment, risk, cohorts, segments] = await Promise.all([
    computeKpis(db, shop),
    customersByRfmSegment(db, shop),
    churnRiskDistribution(db, shop),
    cohortsFromMetrics(metrics) ?? cohortRetention(db, shop),
    listSegments(db, shop),
  ]);
  const prev = { ...(previous ? kpisFromMetrics(parseJson(previous.metricsJson, {})) : {}), ...previousFromMetrics(metrics) };
  return {
    shop,
    currencyCode: settings?.currencyCode ?? "USD",
    sync,
    analysis: latest
      ? { asOf: latest.asOf.toISOString(), horizonDays: latest.horizonDays, model: latest.model, createdAt: latest.createdAt.toISOString() }
      : null,
    kpis: buildKpis(current, prev, latest?.horizonDays ?? null, observedChurn(metrics)),
    bySegment,
    risk,
    cohorts,
    segments: segments.filter((s) => s.kind !== "risk"),
    backtest: backtestView(latest?.backtestJson),
    historyLimited: settings?.historyLimited ?? false,
  };
}

// ---------------------------------------------------------------------------------------------------
// The publish preview (a SyncRun of kind "preview"; what it would change is in its detailsJson)

export interface PreviewView {
  id: string;
  status: string;
  startedAt: string;
  lines: string[];
}

export async function getPreview(db: Db, shop: string): Promise<PreviewView | null> {
  const run = await db.syncRun.findFirst({ where: { shop, kind: "preview" }, orderBy: { startedAt: "desc" } });
  if (!run) return null;
  const details = parseJson(run.detailsJson, {});
  const lines: string[] = [];
  const customers = num(details, "customers");
  const changed = num(details, "customersChanged");
  const added = num(details, "tagsAdded");
  const removed = num(details, "tagsRemoved");
  if (isRecord(details) && typeof details.note === "string") lines.push(details.note);
  if (changed !== null) lines.push(`${changed} of ${customers ?? "?"} customers would get different tags`);
  if (added !== null || removed !== null) lines.push(`${added ?? 0} tags would be added and ${removed ?? 0} removed`);
  const perTag = isRecord(details) && isRecord(details.perTag) ? details.perTag : {};
  const tagLines = Object.entries(perTag)
    .map(([tag, c]) => ({ tag, add: num(c, "add", "added") ?? 0, remove: num(c, "remove", "removed") ?? 0 }))
    .sort((a, b) => b.add + b.remove - (a.add + a.remove))
    .slice(0, 12)
    .map((t) => `${t.tag}: +${t.add} / −${t.remove}`);
  lines.push(...tagLines);
  const atLimit = num(details, "atLimit.count");
  if (atLimit) lines.push(`${atLimit} customers already have 250 tags: Shopify's limit, they are skipped`);
  if (changed === null && added === null) {
    // An unknown shape: show its simple values.
    if (isRecord(details))
      for (const [k, v] of Object.entries(details).slice(0, 12))
        if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") lines.push(`${humanize(k)}: ${String(v)}`);
  }
  if (run.error) lines.push(`Error: ${run.error}`);
  if (lines.length === 0) lines.push(run.status === "succeeded" ? "No changes." : "Still computing.");
  return { id: run.id, status: run.status, startedAt: run.startedAt.toISOString(), lines };
}

/** One cluster or RFM segment by its filter value ("cluster:<key>" / "rfm:<key>"); null when unknown. */
export async function getSegment(db: Db, shop: string, filter: string): Promise<SegmentView | null> {
  const m = /^(cluster|rfm|risk):([\w.-]+)$/.exec(filter);
  if (!m) return null;
  const [, kind, key] = m;
  const list = await listSegments(db, shop, kind as "cluster" | "rfm" | "risk");
  return list.find((s) => s.key === key) ?? null;
}
