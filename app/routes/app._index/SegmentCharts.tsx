import { InlineGrid, Text } from "@shopify/polaris";
import { BarList, Donut, RiskHistogram } from "../../components/Charts";
import { CohortHeatmap } from "../../components/CohortHeatmap";
import { SectionCard } from "../../components/SectionCard";
import { formatCount } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";
import { TERMS } from "../../components/words";
import type { DashboardData } from "./types";

/** Customers and revenue by RFM segment, the churn-risk histogram and cohort retention. */
export function SegmentCharts({ d }: { d: DashboardData }) {
  const f = useShopFormat();
  const horizon = d.analysis ? `${d.analysis.horizonDays} days` : "the churn horizon";
  return (
    <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
      <SectionCard title="Customers by RFM segment">
        <Text as="p" variant="bodySm" tone="subdued">
          {TERMS.rfm}
        </Text>
        <BarList
          items={d.bySegment.map((s) => ({ key: s.key, label: s.label, value: s.customers }))}
          summary={d.bySegment.map((s) => `${s.label}: ${formatCount(s.customers)}`).join(", ")}
        />
      </SectionCard>
      <SectionCard title="Churn risk of your customers">
        <RiskHistogram
          buckets={d.risk}
          xTitle={`Chance of no order within ${horizon}`}
          summary={d.risk.map((b) => `${b.label}: ${formatCount(b.customers)}`).join(", ")}
        />
      </SectionCard>
      <SectionCard title="Revenue by RFM segment">
        <Text as="p" variant="bodySm" tone="subdued">
          What each segment&apos;s customers have spent so far.
        </Text>
        <Donut
          items={d.bySegment.map((s) => ({
            key: s.key,
            label: s.label,
            value: Math.round(s.revenue),
            display: f.money(s.revenue),
          }))}
          summary={d.bySegment.map((s) => `${s.label}: ${f.money(s.revenue)}`).join(", ")}
        />
      </SectionCard>
      <SectionCard title="Cohort retention">
        <Text as="p" variant="bodySm" tone="subdued">
          Share of each month&apos;s new customers who ordered again 1, 2, 3… months later.
        </Text>
        {d.cohorts?.length ? <CohortHeatmap cohorts={d.cohorts} /> : <Text as="p">Not enough order history yet.</Text>}
      </SectionCard>
    </InlineGrid>
  );
}
