/**
 * Plain data shared by the analytics core. Nothing here knows about Shopify, Prisma or Remix.
 * Dates are JavaScript Dates (UTC); money is a number in the shop's currency.
 */

/** One line of an order, as the analytics needs it. */
export interface LineItemInput {
  /** gid://shopify/LineItem/…, when known. */
  id?: string;
  productId: string | null;
  variantId: string | null;
  /** Quantity ordered. */
  quantity: number;
  /** Quantity after removals and refunds (Shopify's currentQuantity); defaults to quantity. */
  currentQuantity?: number;
  /** Unit price in shop money. */
  unitPrice: number;
}

/** One order, as stored by the sync or read from a bulk-operation JSONL file. */
export interface OrderInput {
  id: string;
  /** null for guest orders. */
  customerId: string | null;
  /** processedAt, else createdAt. */
  processedAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  /** currentTotalPriceSet.shopMoney.amount */
  total: number;
  /** totalRefundedSet.shopMoney.amount */
  refunded: number;
  currency: string;
  financialStatus?: string | null;
  createdAt?: Date;
  /** Shopify's updatedAt, when known (idempotent upserts compare it). */
  updatedAt?: Date | null;
  lineItems: LineItemInput[];
}

/** Catalogue facts used by the recommendations. */
export interface ProductInfo {
  id: string;
  handle: string;
  productType: string;
  status: "ACTIVE" | "ARCHIVED" | "DRAFT";
  inStock: boolean;
  price?: number;
}

/**
 * A customer's purchase history reduced to purchase occasions: distinct UTC days with a purchase,
 * sorted ascending, with the net spend of each occasion. This is what the purchase-process models
 * (BG/NBD, Gamma-Gamma, the churn model) consume.
 */
export interface CustomerHistory {
  customerId: string;
  /** Distinct purchase days as whole days since 1970-01-01 (UTC), ascending. */
  occasionDays: number[];
  /** Net spend on each occasion, same order and length as occasionDays. */
  occasionValues: number[];
}

export type RiskBand = "low" | "medium" | "high";

/** What the churn/value models say about one customer. */
export interface CustomerPrediction {
  customerId: string;
  /** P(no purchase in (asOf, asOf + horizon]). */
  churnProbability: number;
  pAlive: number;
  /** Expected purchase occasions within the horizon. */
  expectedOrders: number;
  /** Expected purchase occasions in the next 365 days. */
  expectedOrders12m: number;
  /** Expected spend per occasion (Gamma-Gamma, or the shop mean when it cannot be fitted). */
  expectedSpend: number;
  /** Predicted value of the next 12 months. */
  clv12m: number;
  /** Typical days between purchases (own history when repeat buyer, else the shop's typical gap). */
  typicalGapDays: number | null;
  /**
   * False when pAlive is BG/NBD's artefact for a one-time buyer (1 by construction, at the cap: nothing
   * from the shop's data moved it): show no P(alive) then. True otherwise (next-order.ts pAliveKnownOf).
   */
  pAliveKnown: boolean;
  /** Central estimate of the next purchase date (null = unlikely to order again). */
  nextOrderDate: Date | null;
  /** Range of the next purchase date (null when unlikely to order again). */
  nextOrderEarliest: Date | null;
  nextOrderLatest: Date | null;
  /** 80% predictive range of the spend over the next 12 months (10th and 90th percentiles, predictive.ts). */
  clv12mLow: number;
  clv12mHigh: number;
  /** 80% predictive range of the spend over the horizon H (0 to … when P(no order) ≥ 10%). */
  spendLow: number;
  spendHigh: number;
  /** 10th and 90th percentiles of the first order's date given an order within H (null without a model). */
  nextOrderLow: Date | null;
  nextOrderHigh: Date | null;
  /** Value at risk: the 12-month value lost if the customer is gone (docs/numbers.md; counted once). */
  valueAtRisk: number;
  riskBand: RiskBand;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
  /** Length of the model's time unit in days (1 = days, 7 = weeks). */
  timeUnitDays: number;
  logLikelihood: number;
  /** "mbgnbd": the modified BG/NBD (one-time buyers can have dropped out); absent = BG/NBD. */
  variant?: "bgnbd" | "mbgnbd";
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
  logLikelihood: number;
}

export type ChurnModelName = "bgnbd+logistic" | "bgnbd";

export interface PredictionResult {
  model: ChurnModelName;
  horizonDays: number;
  bgnbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  predictions: CustomerPrediction[];
}

export interface BacktestResult {
  horizonDays: number;
  /** as-of date of the backtest (the real as-of minus the horizon). */
  asOf: Date;
  customers: number;
  model: ChurnModelName;
  auc: number;
  brier: number;
  meanPredicted: number;
  observedChurn: number;
  /** AUC of plain recency (days since last purchase) on the same customers, as the baseline. */
  recencyAuc: number;
  /** Expected calibration error on 10 equal-width bins, and the calibration curve (reliability). */
  ece?: number;
  calibration?: Array<{
    from: number;
    to: number;
    customers: number;
    meanPredicted: number | null;
    observed: number | null;
  }>;
  logLoss?: number;
  /** Range of the predicted churn rate at the backtest's as-of (does the observed rate fall in it?). */
  predictedChurnRateLow?: number;
  predictedChurnRateHigh?: number;
}

/** RFM scores, 1-5 by quintile within the shop (5 = best: most recent, most frequent, highest spend). */
export interface RfmScores {
  r: number;
  f: number;
  m: number;
}

/** Everything the analysis says about one customer: what the app stores and the CLI writes. */
export interface CustomerResult {
  customerId: string;
  /** Purchase occasions (distinct days) up to the as-of date. */
  orders: number;
  firstOrderAt: Date;
  lastOrderAt: Date;
  recencyDays: number;
  /** Net monetary total (refunds netted), shop currency. */
  monetary: number;
  aov: number;
  rfm: RfmScores;
  rfmSegment: string;
  /** Stable cluster key (slug) and its plain-words name. */
  clusterKey: string;
  clusterName: string;
  churnProbability: number;
  riskBand: RiskBand;
  pAlive: number;
  /**
   * False when pAlive means nothing for this customer (a one-time buyer under plain BG/NBD, which calls
   * them alive by construction, with no correction or calibration from the shop's past): show no P(alive).
   */
  pAliveKnown?: boolean;
  expectedOrders: number;
  clv12m: number;
  /** Central estimate of the next order date; null = unlikely to order again. */
  nextOrderDate: Date | null;
  /** Range of the next order date (both null when unlikely to order again). */
  nextOrderEarliest: Date | null;
  nextOrderLatest: Date | null;
  /**
   * 80% predictive range of what the customer will spend in the next 12 months (10th to 90th
   * percentile; clv12m is the mean): a range of outcomes, not of the mean's uncertainty.
   */
  clv12mLow: number | null;
  clv12mHigh: number | null;
  /** The same over the horizon H. Both ranges start at 0 when P(no order) is at least 10%. */
  spendLow?: number;
  spendHigh?: number;
  /**
   * 10th and 90th percentiles of the first order's date given that the customer orders within H
   * ("if so, most likely between …"); nextOrderDate keeps its meaning (even odds overall).
   */
  nextOrderLow?: Date | null;
  nextOrderHigh?: Date | null;
  /**
   * Value at risk, shop currency: P(gone) × the 12-month value the customer would bring if still active
   * (not clv12m, which already allows for dropout: no double counting). Summed over customers it is the
   * shop's revenue at risk.
   */
  valueAtRisk: number;
  typicalGapDays: number | null;
  /** Top drivers of the churn likelihood, in plain words, most important first. */
  reasons: string[];
  /** Shopify's own Customer.statistics.rfmGroup, when known, beside ours. */
  shopifyRfmGroup?: string | null;
  /** Expected purchase occasions in the next 365 days and expected spend per occasion. */
  expectedOrders12m?: number;
  expectedSpend?: number;
}

export interface ClusterSummary {
  key: string;
  name: string;
  size: number;
  /** Centroid in the original (not log/standardised) units: recencyDays, frequency, monetary, aov, tenureDays. */
  centroid: Record<string, number>;
  description: string;
}

/** The whole analysis of one shop at one as-of date (pure output of app/analytics). */
export interface AnalysisResult {
  asOf: Date;
  horizonDays: number;
  customers: CustomerResult[];
  clusters: ClusterSummary[];
  model: ChurnModelName;
  bgnbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  backtest: BacktestResult | null;
  /** Store metrics (customers, repeat rate, churn/retention, cohorts, revenue at risk, change vs previous period). */
  metrics: AnalysisMetrics;
  skipped: Record<string, number>;
  /** Why simpler models were used, and similar remarks for the merchant (optional). */
  notes?: string[];
  /** Model details: the churn correction, cluster silhouettes, stage timings in ms (optional). */
  details?: Record<string, unknown>;
}

// ---- Store metrics (computed by evaluation/metrics.ts; stored and shown by the app) ----

export interface PeriodMetrics {
  from: string;
  to: string;
  orders: number;
  revenue: number;
  activeCustomers: number;
  newCustomers: number;
  retentionRate: number | null;
  churnRate: number | null;
}

export interface CohortRow {
  /** First-purchase month, YYYY-MM. */
  cohort: string;
  size: number;
  /** retention[m] = share of the cohort buying in month m after the first (m = 0 is the first month). */
  retention: number[];
}

export interface StoreMetrics {
  customers: number;
  repeatCustomers: number;
  repeatPurchaseRate: number;
  revenue: number;
  predictedChurnRate: number;
  revenueAtRisk: number;
  medianClv12m: number;
  period: PeriodMetrics;
  previousPeriod: PeriodMetrics;
  change: Record<"orders" | "revenue" | "activeCustomers" | "newCustomers" | "retentionRate", number | null>;
  cohorts: CohortRow[];
}

/** The headline numbers of a shop at one as-of day (storeKpis). */
export interface StoreKpis {
  customers: number;
  repeatPurchaseRate: number;
  predictedChurnRate: number;
  revenueAtRisk: number;
  medianClv12m: number;
}

/**
 * An analysis' store metrics as analyze.ts builds (evaluation/metrics.ts computes) them (AnalysisResult.metrics): storeMetrics plus the
 * churn model's shop-level figures and, when the backtest ran, `previous`. The app stores them in
 * Analysis.metricsJson (app/models/json-columns.server.ts) and the dashboard reads them back typed from here.
 */
export interface AnalysisMetrics extends StoreMetrics {
  /** Revenue of orders without a customer (not in any customer's figures). */
  guestRevenue: number;
  /** The shop's typical days between purchases (null when too few repeat purchases). */
  typicalGapDays: number | null;
  /** Range of the predicted churn rate (about 90%). */
  predictedChurnRateLow: number;
  predictedChurnRateHigh: number;
  /** Risk baseline and the cut-offs of the risk bands (app/analytics/churn/predict.ts). */
  riskBands: { baseline: number; low: number; medium: number };
  valueAtRiskDefinition: string;
  /** The headline numbers at asOf − H as the backtest's prediction saw them (absent without a backtest). */
  previous?: StoreKpis & { asOf: string };
}
