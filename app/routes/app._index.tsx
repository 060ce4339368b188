import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, EmptyState, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { getDashboard } from "../models/dashboard.server";
import { KpiCard } from "../components/KpiCard";
import { Chart } from "../components/Chart";
import { CohortHeatmap } from "../components/CohortHeatmap";
import { SyncProgress } from "../components/SyncProgress";
import { RouteError } from "../components/RouteError";
import { SectionCard } from "../components/SectionCard";
import { usePolling } from "../components/usePolling";
import { formatCount, formatDateTime, formatMoney, formatPercent } from "../components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await getDashboard(db, shop));
};

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const active = d.sync.active !== null;
  usePolling(active);
  const hasData = d.kpis[0].value !== null && d.kpis[0].value > 0;
  const currency = d.currencyCode;
  const rfm = d.segments.filter((s) => s.kind === "rfm" && s.play);

  return (
    <Page title="Dashboard" subtitle={d.analysis ? `Analysis of ${formatDateTime(d.analysis.asOf)}, churn horizon ${d.analysis.horizonDays} days` : undefined}>
      <Layout>
        {d.historyLimited && (
          <Layout.Section>
            <Banner tone="warning" title="Only the last 60 days of orders are visible">
              <p>Approve the "read all orders" permission so the analysis sees your full history.</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <SectionCard title="Sync status" action={{ content: "Open sync", url: "/app/sync" }}>
            {d.sync.active ? (
              <SyncProgress run={d.sync.active} />
            ) : d.sync.latest ? (
              <SyncProgress run={d.sync.latest} />
            ) : (
              <Text as="p" tone="subdued">
                No sync has run yet.
              </Text>
            )}
            {d.sync.lastSucceeded && d.sync.latest?.id !== d.sync.lastSucceeded.id && (
              <Text as="p" variant="bodySm" tone="subdued">
                Last successful run: {formatDateTime(d.sync.lastSucceeded.finishedAt ?? d.sync.lastSucceeded.startedAt)}
              </Text>
            )}
          </SectionCard>
        </Layout.Section>

        {!hasData ? (
          <Layout.Section>
            <Card>
              <EmptyState
                heading="No customers analysed yet"
                action={{ content: "Start a full sync", url: "/app/sync" }}
                image="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
              >
                <p>Churnless reads your orders, then scores every customer's churn risk and value. The first sync takes a few minutes.</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3, lg: 5 }} gap="300">
                {d.kpis.map((k) => (
                  <KpiCard
                    key={k.key}
                    id={k.key}
                    label={k.label}
                    value={k.value}
                    change={k.change}
                    format={k.format}
                    help={k.help}
                    currency={currency} upIsBad={k.key === "churnRate" || k.key === "revenueAtRisk"} />
                ))}
              </InlineGrid>
            </Layout.Section>

            <Layout.Section>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                <SectionCard title="Customers by segment">
                  <Chart
                    type="horizontal-bar"
                    series={[{ name: "Customers", data: d.bySegment.map((s) => ({ key: s.label, value: s.customers })) }]}
                    summary={d.bySegment.map((s) => `${s.label}: ${s.customers}`).join(", ")}
                  />
                </SectionCard>
                <SectionCard title="Churn-risk distribution">
                  <Chart
                    type="bar"
                    series={[{ name: "Customers", data: d.risk.map((b) => ({ key: b.label, value: b.customers })) }]}
                    summary={d.risk.map((b) => `${b.label}: ${b.customers}`).join(", ")}
                  />
                </SectionCard>
                <SectionCard title="Revenue by segment">
                  <Chart
                    type="donut"
                    money={currency}
                    series={d.bySegment.map((s) => ({ name: s.label, data: [{ key: "Revenue", value: Math.round(s.revenue) }] }))}
                    summary={d.bySegment.map((s) => `${s.label}: ${formatMoney(s.revenue, currency)}`).join(", ")}
                  />
                </SectionCard>
                <SectionCard title="Cohort retention">
                  <Text as="p" variant="bodySm" tone="subdued">
                    Share of each month's new customers who ordered again 1, 2, 3… months later.
                  </Text>
                  {d.cohorts?.length ? <CohortHeatmap cohorts={d.cohorts} /> : <Text as="p">Not enough order history yet.</Text>}
                </SectionCard>
              </InlineGrid>
            </Layout.Section>

            <Layout.Section>
              <SectionCard title="What to do next" gap="300">
                {rfm.length === 0 && <Text as="p">Segments appear after the first analysis.</Text>}
                {rfm.map((s) => (
                  <BlockStack key={s.id} gap="100">
                    <InlineStack gap="200" blockAlign="center" wrap>
                      <Text as="h3" variant="headingSm">
                        {s.name}: {s.play?.title}
                      </Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {formatCount(s.size)} customers, {formatPercent(s.revenueShare)} of revenue
                      </Text>
                    </InlineStack>
                    <Text as="p">{s.play?.detail}</Text>
                    <InlineStack gap="300">
                      <RemixLink to={`/app/customers?segment=rfm:${encodeURIComponent(s.key)}`}>See these customers</RemixLink>
                      {s.shopifySegmentUrl ? (
                        <Link url={s.shopifySegmentUrl} target="_blank">
                          Open the Shopify segment
                        </Link>
                      ) : (
                        <Text as="span" variant="bodySm" tone="subdued">
                          Shopify segment created on the next publish
                        </Text>
                      )}
                    </InlineStack>
                  </BlockStack>
                ))}
              </SectionCard>
            </Layout.Section>

            <Layout.Section>
              <SectionCard title="How far to trust the predictions">
                {d.backtest ? (
                  <>
                    <Text as="p">{d.backtest.verdict}</Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Backtest: the model was fitted on the history up to {d.analysis?.horizonDays ?? "the horizon in"} days ago and asked who would
                      order again since. On {formatCount(d.backtest.customers)} customers it ranked them with an AUC of{" "}
                      <span data-testid="backtest-auc">{d.backtest.auc?.toFixed(2)}</span>
                      {d.backtest.recencyAuc !== null ? ` (days since last order alone: ${d.backtest.recencyAuc.toFixed(2)})` : ""}; it predicted{" "}
                      {formatPercent(d.backtest.meanPredicted)} churn and {formatPercent(d.backtest.observedChurn)} happened.
                    </Text>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    There is not enough history for a backtest yet.
                  </Text>
                )}
              </SectionCard>
            </Layout.Section>
          </>
        )}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Dashboard" />;
}
