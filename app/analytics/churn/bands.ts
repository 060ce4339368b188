/**
 * The risk bands: cut-offs on the excess churn over the shop's baseline (an active customer buying at the
 * shop's typical pace), and the default horizon from the shop's typical gap (predict.ts, module comment).
 */
import { typicalShopGap, type CustomerFeatures } from "../data/features";
import { type RiskBand } from "../types";

/** Relative risk cut-offs on the excess churn (churn − b) / (1 − b): see the module comment. */
export const RISK_THRESHOLDS = { low: 0.4, medium: 0.7 } as const;

/** Churn over H of an active customer buying at the shop's typical pace (0 when unknown). */
export function riskBaseline(horizonDays: number, shopGapDays: number | null): number {
  return shopGapDays && shopGapDays > 0 ? Math.exp(-horizonDays / shopGapDays) : 0;
}

/** Churn probability cut-offs of the risk bands for a baseline b (see the module comment). */
export function riskCutoffs(baseline = 0): { low: number; medium: number } {
  return {
    low: baseline + (1 - baseline) * RISK_THRESHOLDS.low,
    medium: baseline + (1 - baseline) * RISK_THRESHOLDS.medium,
  };
}

export function riskBandOf(churn: number, baseline = 0): RiskBand {
  const c = riskCutoffs(baseline);
  if (churn < c.low) return "low";
  if (churn < c.medium) return "medium";
  return "high";
}

/**
 * The default horizon from the shop's typical gap between purchases g (median of repeat buyers' mean
 * gaps): 2 g rounded to whole weeks, clamped to [30, 365] days; 90 days when nobody bought twice.
 */
export function defaultHorizonDays(features: readonly CustomerFeatures[]): number {
  const gap = typicalShopGap(features);
  if (gap === null) return 90;
  return Math.min(365, Math.max(30, Math.round((2 * gap) / 7) * 7));
}
