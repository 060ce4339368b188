/** Plain-words phrases shared by the admin pages. */
import { formatAmount, formatCount, formatProbability } from "./format";

/** "82% over 70 days": a churn probability with the horizon it is about. */
export function riskOverHorizon(probability: number, horizonDays: number | null | undefined): string {
  return horizonDays ? `${formatProbability(probability)} over ${horizonDays} days` : formatProbability(probability);
}

/** "Customer #7200000001390": a customer shown by number when no name can be read. */
export function customerNumber(numericId: string): string {
  return `Customer #${numericId}`;
}

/** Explanations of the terms the admin shows, for help texts and tooltips. */
export const TERMS = {
  pAlive: "P(alive): the chance the customer still buys from you at all, from how often and how recently they ordered.",
  pAliveUnknown:
    "Not known yet: one purchase so far, and the model has nothing from your shop's past to tell whether such customers are still buying (it would say 100% by construction).",
  ece: "ECE (expected calibration error): customers are grouped into 10 bands of predicted churn, and in each band the prediction is compared with what happened; 0 is perfect.",
  rfm: "RFM: Recency (how recently), Frequency (how often) and Monetary value (how much) the customer bought, each scored 1 (low) to 5 (high) against your other customers.",
  expectedOrders: "Expected orders: how many orders the model expects from the customer within the churn horizon.",
  auc: "AUC: how well the risk ranking separates customers who came back from those who did not; 0.5 is a coin toss, 1.0 is perfect.",
  horizon:
    "Churn horizon: the number of days without an order after which a customer counts as gone. Automatic: from your customers' usual time between orders.",
  clv: "Predicted value (CLV, customer lifetime value): what the customer is predicted to spend over the next 12 months, on average; the range beside it holds what they actually spend 8 times in 10 (it starts at 0 when there is a real chance of no order at all).",
  valueAtRisk:
    "Value at risk: the chance the customer is gone × what they would spend over 12 months if still active; summed over customers, the dashboard's value at risk.",
} as const;

/** The theme app block's handle: its file name in extensions/churnless-recommendations/blocks/. */
export const RECS_BLOCK_HANDLE = "recommendations";

/**
 * The theme editor with the recommendations block being added to `template` (Shopify's deep link:
 * /admin/themes/current/editor?template=...&addAppBlockId=<api key>/<block handle>&target=mainSection).
 */
export function themeEditorUrl(
  shop: string,
  apiKey: string,
  template: "product" | "cart" | "index" = "product",
): string {
  const params = new URLSearchParams({
    template,
    addAppBlockId: `${apiKey}/${RECS_BLOCK_HANDLE}`,
    target: "mainSection",
  });
  return `https://${shop}/admin/themes/current/editor?${params.toString()}`;
}

/** Shopify Flow in the shop's admin, where the app's triggers ("Churnless: risk band changed") start a workflow. */
export function flowUrl(shop: string): string {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/flow`;
}

/**
 * A cluster's typical customer in one sentence, with money in the shop's currency and thousands
 * separators ("$65 spent in total ($44.80 per order)"); the stored description when the centroid lacks a
 * field.
 */
export function clusterSentence(centroid: Record<string, number>, currency: string, fallback: string): string {
  const { frequency, recencyDays, monetary, aov, tenureDays } = centroid;
  if ([frequency, recencyDays, monetary, aov, tenureDays].some((v) => typeof v !== "number" || !Number.isFinite(v)))
    return fallback;
  const one = (v: number) => new Intl.NumberFormat("en-US", { maximumFractionDigits: v >= 100 ? 0 : 1 }).format(v);
  const days = (v: number) => `${formatCount(Math.round(v))} day${Math.round(v) === 1 ? "" : "s"}`;
  return (
    `On average ${one(frequency)} purchase occasion${frequency >= 1.5 ? "s" : ""}, the last one ${days(recencyDays)} ago; ` +
    `${formatAmount(monetary, currency)} spent in total (${formatAmount(aov, currency)} per order); ` +
    `customer for ${days(tenureDays)}.`
  );
}
