import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, Card, EmptyState, InlineGrid, Layout, Page } from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { getDashboard } from "./data.server";
import { ActionsCard } from "./ActionsCard";
import { SegmentCharts } from "./SegmentCharts";
import { SyncStatusCard } from "./SyncStatusCard";
import { TrustCard } from "./TrustCard";
import { KpiCard } from "../../components/KpiCard";
import { RouteError } from "../../components/RouteError";
import { TrendsCard } from "../../components/TrendsCard";
import { usePolling } from "../../components/usePolling";
import { useShopFormat } from "../../components/ShopContext";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await getDashboard(db, shop));
};

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const f = useShopFormat();
  const fullHistory = useFetcher(); // asks Shopify for read_all_orders (app/routes/app.full-history.tsx)
  const active = d.sync.active !== null;
  usePolling(active);
  const hasData = d.kpis[0].value !== null && d.kpis[0].value > 0;
  const currency = d.currencyCode;

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
            <Banner
              tone="warning"
              title="Only the last 60 days of orders are visible"
              action={{
                content: "Allow access to all orders",
                loading: fullHistory.state !== "idle",
                onAction: () => fullHistory.submit(null, { method: "post", action: "/app/full-history" }),
              }}
            >
              <p>
                Shopify shows Churnless only your last 60 days of orders until you allow it to read all of them.
                Customers who bought before then look new or one-time, so their churn risk and value are less reliable,
                and the analysis uses typical buying patterns instead of learning from your shop&apos;s past. Allowing
                access lets Churnless read your whole order history once; it changes nothing in your store.
              </p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <SyncStatusCard d={d} />
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
              <ActionsCard d={d} />
            </Layout.Section>

            <Layout.Section>
              <SegmentCharts d={d} />
            </Layout.Section>

            <Layout.Section>
              <TrendsCard trends={d.trends} />
            </Layout.Section>

            <Layout.Section>
              <TrustCard d={d} />
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
