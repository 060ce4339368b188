import { InlineGrid } from "@shopify/polaris";
import { Stat } from "./Stat";
import { formatCount, formatMoney, formatPercent, formatProbability } from "./format";

export interface SegmentFigures {
  size: number;
  revenueShare: number;
  avgChurn: number;
  avgClv: number;
}

/** A segment's four headline figures; `compact` for the cards of the segment list. */
export function SegmentStats({
  segment,
  currency,
  compact = false,
}: {
  segment: SegmentFigures;
  currency: string;
  compact?: boolean;
}) {
  const size = compact ? "sm" : "md";
  return (
    <InlineGrid columns={{ xs: 2, sm: 4 }} gap={compact ? "200" : "300"}>
      <Stat size={size} label="Customers" value={formatCount(segment.size)} />
      <Stat size={size} label="Share of revenue" value={formatPercent(segment.revenueShare)} />
      <Stat size={size} label="Avg churn risk" value={formatProbability(segment.avgChurn, 1)} />
      <Stat size={size} label="Avg predicted CLV" value={formatMoney(segment.avgClv, currency)} />
    </InlineGrid>
  );
}
