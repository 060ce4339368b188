import { BlockStack, InlineGrid, List, Text } from "@shopify/polaris";
import type { Trends } from "../models/trends.server";
import { SectionCard } from "./SectionCard";
import { TrendLine } from "./Charts";
import { formatCount, formatPercent } from "./format";
import { useShopFormat } from "./ShopContext";

/** Churn rate, value at risk and segment sizes across analyses, and who moved since the last one. */
export function TrendsCard({ trends }: { trends: Trends }) {
  const f = useShopFormat();
  const pts = trends.points;
  const label = (iso: string) => f.date(iso).slice(5);
  if (pts.length === 0) {
    return (
      <SectionCard title="Trends across analyses">
        <Text as="p" tone="subdued">
          Trends appear after the first analysis.
        </Text>
      </SectionCard>
    );
  }
  const last = pts[pts.length - 1];
  const prev = pts.length > 1 ? pts[pts.length - 2] : null;
  return (
    <SectionCard title="Trends across analyses" gap="300">
      <Text as="p" variant="bodySm" tone="subdued">
        {pts.length === 1
          ? "One analysis so far: the next one shows what changed."
          : `The last ${pts.length} analyses, from ${f.date(pts[0].asOf)} to ${f.date(last.asOf)}.`}
      </Text>
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Churn rate
          </Text>
          <TrendLine
            points={pts.map((p) => ({ label: label(p.asOf), value: p.observedChurn ?? p.predictedChurn }))}
            format={(v) => formatPercent(v)}
            summary={pts
              .map((p) => `${f.date(p.asOf)}: ${formatPercent(p.observedChurn ?? p.predictedChurn)}`)
              .join(", ")}
          />
        </BlockStack>
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Value at risk
          </Text>
          <TrendLine
            points={pts.map((p) => ({ label: label(p.asOf), value: p.valueAtRisk }))}
            format={(v) => f.money(v)}
            summary={pts.map((p) => `${f.date(p.asOf)}: ${f.money(p.valueAtRisk)}`).join(", ")}
          />
        </BlockStack>
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Segment sizes{prev ? " (change since the last analysis)" : ""}
          </Text>
          <ul style={{ margin: 0, paddingLeft: 18, fontSize: 13 }}>
            {trends.segments.map((s) => {
              const now = last.segments[s.key] ?? 0;
              const before = prev ? (prev.segments[s.key] ?? 0) : null;
              const delta = before === null ? null : now - before;
              return (
                <li key={s.key} data-trend-segment={s.key}>
                  {s.label}: {formatCount(now)}
                  {delta !== null && delta !== 0 ? ` (${delta > 0 ? "+" : "−"}${formatCount(Math.abs(delta))})` : ""}
                </li>
              );
            })}
          </ul>
        </BlockStack>
      </InlineGrid>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          Who moved since the last analysis
        </Text>
        {trends.moves === null ? (
          <Text as="p" tone="subdued">
            The next analysis shows which customers moved between segments.
          </Text>
        ) : trends.moves.length === 0 ? (
          <Text as="p">Nobody changed segment.</Text>
        ) : (
          <List>
            {trends.moves.slice(0, 6).map((m) => (
              <List.Item key={`${m.from}>${m.to}`}>
                <span data-move={`${m.from}>${m.to}`}>
                  {formatCount(m.customers)} {m.fromLabel} {m.direction} to {m.toLabel}
                </span>
              </List.Item>
            ))}
          </List>
        )}
      </BlockStack>
    </SectionCard>
  );
}
