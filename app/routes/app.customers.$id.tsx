import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { fetchLiveCustomer, getCustomer, type LiveCustomer } from "../models/customers.server";
import { badRequestOnInvalidQuery } from "../lib/admin-loader.server";
import { RouteError } from "../components/RouteError";
import { RiskBadge } from "../components/RiskBadge";
import { OrderTimeline } from "../components/OrderTimeline";
import { ListOrEmpty } from "../components/ListOrEmpty";
import { SectionCard } from "../components/SectionCard";
import { Stat } from "../components/Stat";
import { formatCount, formatDate, formatMoney, formatPercent } from "../components/format";

const LIVE_TIMEOUT_MS = 3000;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const customer = await badRequestOnInvalidQuery(() => getCustomer(db, shop, params.id ?? ""));
  if (!customer) throw new Response(`Customer ${params.id} has no orders in Churnless's data.`, { status: 404 });
  // Name, email and tags are read live for display and never stored.
  const live = await Promise.race<LiveCustomer | null>([
    fetchLiveCustomer(admin, customer.customerId),
    new Promise((resolve) => setTimeout(() => resolve(null), LIVE_TIMEOUT_MS)),
  ]);
  return json({ customer, live }, { headers: { "Cache-Control": "private, no-store" } });
};

export default function CustomerPage() {
  const { customer: c, live } = useLoaderData<typeof loader>();
  const s = c.score;
  const currency = c.currencyCode;
  const title = live?.displayName || `Customer ${c.numericId}`;
  return (
    <Page
      title={title}
      subtitle={live?.email ?? c.customerId}
      backAction={{ content: "Customers", url: "/app/customers" }}
      titleMetadata={s ? <RiskBadge band={s.riskBand} probability={s.churnProbability} /> : undefined}
      secondaryActions={[{ content: "Open in Shopify", url: c.adminUrl, external: true }]}
    >
      <Layout>
        <Layout.Section>
          <SectionCard title="Scores" gap="300">
            {s ? (
              <InlineGrid columns={{ xs: 2, sm: 3, md: 4 }} gap="300">
                <Stat label="Churn probability" value={formatPercent(s.churnProbability)} />
                <Stat label="Still a customer (P alive)" value={formatPercent(s.pAlive)} />
                <Stat label="Predicted CLV (12 months)" value={formatMoney(s.clv12m, currency, 2)} />
                <Stat label="Expected orders (horizon)" value={s.expectedOrders.toFixed(2)} />
                <Stat label="Orders" value={formatCount(s.orders)} />
                <Stat label="Spent" value={formatMoney(s.monetary, currency, 2)} />
                <Stat label="Average order" value={formatMoney(s.aov, currency, 2)} />
                <Stat label="RFM (R-F-M)" value={`${s.r}-${s.f}-${s.m}`} />
                <Stat label="First order" value={formatDate(s.firstOrderAt)} />
                <Stat label="Last order" value={`${formatDate(s.lastOrderAt)} (${Math.round(s.recencyDays)} days ago)`} />
                <Stat label="Expected next order" value={formatDate(s.nextOrderDate)} />
                <Stat label="Typical gap" value={s.typicalGapDays ? `${Math.round(s.typicalGapDays)} days` : "–"} />
              </InlineGrid>
            ) : (
              <Text as="p" tone="subdued">
                Not scored yet: the next analysis includes this customer.
              </Text>
            )}
            {s && (
              <InlineStack gap="200" wrap>
                <Badge>{`RFM: ${s.rfmSegmentName}`}</Badge>
                <Badge>{`Cluster: ${s.clusterName}`}</Badge>
              </InlineStack>
            )}
          </SectionCard>
        </Layout.Section>

        <Layout.Section>
          <SectionCard title="Orders">
            <OrderTimeline orders={c.orders} currency={currency} nextOrderDate={s?.nextOrderDate} />
            <Text as="p" variant="bodySm" tone="subdued">
              {c.orders.length} orders; bar height is the order's value after refunds, grey bars are cancelled orders.
            </Text>
          </SectionCard>
        </Layout.Section>

        <Layout.Section variant="oneHalf">
          <SectionCard title="Why this risk">
            <ListOrEmpty type="number" items={c.reasons.map((r) => ({ key: r, content: r }))} empty="No reasons recorded." />
          </SectionCard>
        </Layout.Section>

        <Layout.Section variant="oneHalf">
          <SectionCard title="Recommended products">
            <ListOrEmpty
              items={c.recommendations.map((r) => ({ key: r.productId, content: `${r.handle ?? r.productId}${r.reason ? ` (${r.reason})` : ""}` }))}
              empty="No recommendations yet."
            />
          </SectionCard>
        </Layout.Section>

        <Layout.Section>
          <SectionCard title="Current tags">
            {live ? (
              live.tags.length ? (
                <InlineStack gap="100" wrap>
                  {live.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </InlineStack>
              ) : (
                <Text as="p">No tags.</Text>
              )
            ) : (
              <Text as="p" tone="subdued">
                Shopify could not be asked right now. See the customer&apos;s tags in{" "}
                <Link url={c.adminUrl} target="_blank">
                  Shopify admin ({c.customerId})
                </Link>
                .
              </Text>
            )}
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customer" />;
}
