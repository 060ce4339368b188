import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
} from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { getDashboard } from "../models/dashboard.server";
import { KpiCard } from "../components/KpiCard";
import { BarList, Donut, RiskHistogram } from "../components/Charts";
import { CohortHeatmap } from "../components/CohortHeatmap";
import { SyncProgress } from "../components/SyncProgress";
import { RouteError } from "../components/RouteError";
import { SectionCard } from "../components/SectionCard";
import { TrendsCard } from "../components/TrendsCard";
import { usePolling } from "../components/usePolling";
import { countOf, formatCount, formatPercent } from "../components/format";
import { useShopFormat } from "../components/ShopContext";
import { TERMS } from "../components/words";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await getDashboard(db, shop));
};

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const f = useShopFormat();
  const active = d.sync.active !== null;
  usePolling(active);
  const hasData = d.kpis[0].value !== null && d.kpis[0].value > 0;
  const currency = d.currencyCode;
  const horizon = d.analysis ? `${d.analysis.horizonDays} days` : "the churn horizon";

  return (
    <Page
      title="Dashboard"
      subtitle={
        d.analysis
          ? `Analysis of ${f.dateTime(d.analysis.asOf)} · churn horizon ${d.analysis.horizonDays} days (no order within it counts as gone)`
          : undefined
      }
    >
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
                Last successful run: {f.dateTime(d.sync.lastSucceeded.finishedAt ?? d.sync.lastSucceeded.startedAt)}
              </Text>
            )}
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" variant="bodySm">
                Customer tags:
              </Text>
              {d.tags.state === "preview" ? (
                <span data-testid="tag-status">
                  <Badge tone="info">Preview, nothing written yet</Badge>
                </span>
              ) : (
                <span data-testid="tag-status">
                  <Badge tone="success">{`Published ${f.dateTime(d.tags.lastPublishAt)}`}</Badge>
                </span>
              )}
              <RemixLink to="/app/settings">
                {d.tags.state === "preview" ? "See the preview and publish" : "Tag settings"}
              </RemixLink>
            </InlineStack>
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
                <p>
                  Churnless reads your orders, then scores every customer's churn risk and value. The first sync takes a
                  few minutes.
                </p>
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
                    comparison={k.comparison}
                    currency={currency}
                    upIsBad={k.key === "churnRate" || k.key === "revenueAtRisk"}
                  />
                ))}
              </InlineGrid>
            </Layout.Section>

            <Layout.Section>
              <SectionCard title="What to do next" gap="300">
                <Text as="p" variant="bodySm" tone="subdued">
                  Ordered by the value at risk in the segments each action is for.
                </Text>
                {d.actions.length === 0 && <Text as="p">Actions appear after the first analysis.</Text>}
                {d.actions.map((a, i) => (
                  <div key={a.title} data-action={a.title}>
                    <Box
                      paddingBlockStart={i ? "300" : "0"}
                      borderBlockStartWidth={i ? "025" : "0"}
                      borderColor="border"
                    >
                      <BlockStack gap="100">
                        <InlineStack gap="200" blockAlign="center" wrap>
                          <Text as="h3" variant="headingSm">
                            {a.title}
                          </Text>
                          <Text as="span" variant="bodySm">
                            <span data-action-stake={a.title}>{f.money(a.valueAtRisk)}</span> at risk ·{" "}
                            {countOf(a.customers, "customer")}
                          </Text>
                        </InlineStack>
                        <Text as="p">{a.detail}</Text>
                        <InlineStack gap="300" wrap>
                          {a.segments.map((s) => (
                            <InlineStack key={s.key} gap="100" blockAlign="center">
                              <RemixLink to={s.customersUrl}>{`${s.name} (${formatCount(s.customers)})`}</RemixLink>
                              {s.shopifySegmentUrl && (
                                <Link url={s.shopifySegmentUrl} target="_blank">
                                  Shopify segment
                                </Link>
                              )}
                            </InlineStack>
                          ))}
                        </InlineStack>
                      </BlockStack>
                    </Box>
                  </div>
                ))}
              </SectionCard>
            </Layout.Section>

            <Layout.Section>
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
                  {d.cohorts?.length ? (
                    <CohortHeatmap cohorts={d.cohorts} />
                  ) : (
                    <Text as="p">Not enough order history yet.</Text>
                  )}
                </SectionCard>
              </InlineGrid>
            </Layout.Section>

            <Layout.Section>
              <TrendsCard trends={d.trends} />
            </Layout.Section>

            <Layout.Section>
              <SectionCard title="How far to trust the predictions">
                {d.backtest ? (
                  <>
                    <Text as="p">{d.backtest.verdict}</Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Backtest: the model was fitted on the history up to {d.analysis?.horizonDays ?? "the horizon in"}{" "}
                      days ago and asked who would order again since. On {countOf(d.backtest.customers, "customer")}
                      (those with history before then) it ranked them with an AUC of{" "}
                      <span data-testid="backtest-auc">{d.backtest.auc?.toFixed(2)}</span>
                      {d.backtest.recencyAuc !== null
                        ? ` (days since last order alone: ${d.backtest.recencyAuc.toFixed(2)})`
                        : ""}
                      ; it predicted {formatPercent(d.backtest.meanPredicted)} churn and{" "}
                      {formatPercent(d.backtest.observedChurn)} happened.
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {TERMS.auc}
                    </Text>
                    {d.backtest.ece !== null && (
                      <Text as="p" variant="bodySm" tone="subdued">
                        Calibration: the predicted chances were off by{" "}
                        <span data-testid="backtest-ece">{(d.backtest.ece * 100).toFixed(1)}</span> percentage points on
                        average. {TERMS.ece}
                      </Text>
                    )}
                    {d.backtest.calibration.length > 0 && (
                      <div data-testid="calibration-curve">
                        <DataTable
                          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                          headings={["Predicted churn", "Customers", "Predicted on average", "Did not order"]}
                          rows={d.backtest.calibration.map((b) => [
                            `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`,
                            formatCount(b.customers),
                            formatPercent(b.predicted),
                            formatPercent(b.observed),
                          ])}
                        />
                      </div>
                    )}
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
