import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { getCustomer } from "./data.server";
import { humanize } from "../../models/segments.server";
import { fetchLiveCustomer, fetchProductTitles, type LiveCustomer } from "../../shopify/customers.server";
import { badRequestOnInvalidQuery } from "../app/admin-loader.server";
import { RouteError } from "../../components/RouteError";
import { RiskBadge } from "../../components/RiskBadge";
import { OrderTimeline } from "../../components/OrderTimeline";
import { ListOrEmpty } from "../../components/ListOrEmpty";
import { SectionCard } from "../../components/SectionCard";
import { OptOutCard } from "../../components/OptOutCard";
import { DueCard } from "../../components/DueCard";
import { Stat } from "../../components/Stat";
import { formatCount, formatProbability } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";
import { customerNumber, TERMS } from "../../components/words";

const LIVE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  return Promise.race<T>([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), LIVE_TIMEOUT_MS))]);
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const customer = await badRequestOnInvalidQuery(() => getCustomer(db, shop, params.id ?? ""));
  if (!customer) throw new Response(`Customer ${params.id} has no orders in Churnless's data.`, { status: 404 });
  // Name, email, tags and product titles are read live for display and never stored.
  const [live, titles] = await Promise.all([
    withTimeout<LiveCustomer | null>(fetchLiveCustomer(admin, customer.customerId), null),
    withTimeout(
      fetchProductTitles(
        admin,
        customer.recommendations.map((r) => r.productId),
      ),
      new Map<string, string>(),
    ),
  ]);
  const recommendations = customer.recommendations.map((r) => ({
    ...r,
    title: titles.get(r.productId) ?? (r.handle ? humanize(r.handle) : `Product ${r.productId.split("/").pop()}`),
  }));
  return json(
    { customer: { ...customer, recommendations }, live, now: new Date().toISOString() },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};

export default function CustomerPage() {
  const { customer: c, live } = useLoaderData<typeof loader>();
  const f = useShopFormat();
  const s = c.score;
  const horizon = c.horizonDays ? `${c.horizonDays} days` : "the churn horizon";
  const title = live?.displayName || customerNumber(c.numericId);
  const nextOrder = !s
    ? "–"
    : s.nextOrderEarliest && s.nextOrderLatest
      ? f.dateRange(s.nextOrderEarliest, s.nextOrderLatest)
      : s.nextOrderDate
        ? f.date(s.nextOrderDate)
        : "Unlikely to order again";
  return (
    <Page
      title={title}
      subtitle={live?.email ?? customerNumber(c.numericId)}
      backAction={{ content: "Customers", url: "/app/customers" }}
      titleMetadata={s ? <RiskBadge band={s.riskBand} probability={s.churnProbability} /> : undefined}
      secondaryActions={[{ content: "Open in Shopify", url: c.adminUrl, target: "_blank" }]}
    >
      <Layout>
        {live?.note && (
          <Layout.Section>
            <Banner tone="info">
              <p data-testid="names-note">{live.note}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <SectionCard title="Scores" gap="300">
            {s ? (
              <InlineGrid columns={{ xs: 2, sm: 3, md: 4 }} gap="300">
                <Stat
                  label={`Chance of no order within ${horizon}`}
                  value={formatProbability(s.churnProbability, 1)}
                  help={TERMS.horizon}
                />
                <Stat label="Value at risk" value={f.money(s.valueAtRisk, 2)} help={TERMS.valueAtRisk} />
                <Stat
                  label="Still a customer (P(alive))"
                  value={s.pAliveKnown ? formatProbability(s.pAlive, 1) : "Not known yet"}
                  help={s.pAliveKnown ? TERMS.pAlive : TERMS.pAliveUnknown}
                />
                <Stat
                  label="Predicted value, next 12 months"
                  value={
                    s.clv12mLow !== null && s.clv12mHigh !== null
                      ? `${f.money(s.clv12m, 2)} (80% chance: ${f.money(s.clv12mLow)} to ${f.money(s.clv12mHigh)})`
                      : f.money(s.clv12m, 2)
                  }
                  help={TERMS.clv}
                />
                <Stat
                  label={`Expected orders in ${horizon}`}
                  value={s.expectedOrders.toFixed(2)}
                  help={TERMS.expectedOrders}
                />
                <Stat label="Next order" value={nextOrder} />
                <Stat label="Orders" value={formatCount(s.orders)} />
                <Stat label="Spent" value={f.money(s.monetary, 2)} />
                <Stat label="Average order" value={f.money(s.aov, 2)} />
                <Stat
                  label="RFM scores (1 low to 5 high)"
                  value={`Recency ${s.r} · Frequency ${s.f} · Money ${s.m}`}
                  help={TERMS.rfm}
                />
                <Stat label="First order" value={f.date(s.firstOrderAt)} />
                <Stat
                  label="Last order"
                  value={`${f.date(s.lastOrderAt)} (${formatCount(Math.round(s.recencyDays))} days ago)`}
                />
                <Stat
                  label="Usual time between orders"
                  value={s.typicalGapDays ? `${formatCount(Math.round(s.typicalGapDays))} days` : "–"}
                />
              </InlineGrid>
            ) : (
              <Text as="p" tone="subdued">
                Not scored yet: the next analysis includes this customer.
              </Text>
            )}
            {s && (
              <InlineStack gap="200" wrap>
                <Badge>{`RFM segment: ${s.rfmSegmentName}`}</Badge>
                <Badge>{`Cluster: ${s.clusterName}`}</Badge>
              </InlineStack>
            )}
          </SectionCard>
        </Layout.Section>

        <Layout.Section>
          <SectionCard title="Orders">
            <OrderTimeline
              orders={c.orders}
              currency={f.currency}
              timeZone={f.timeZone}
              nextOrderDate={s?.nextOrderDate}
            />
            <Text as="p" variant="bodySm" tone="subdued">
              {formatCount(c.orders.length)} orders; bar height is the order&apos;s value after refunds, grey bars are
              cancelled orders.
            </Text>
          </SectionCard>
        </Layout.Section>

        <Layout.Section variant="oneHalf">
          <SectionCard title="Why this risk">
            <ListOrEmpty
              type="number"
              items={c.reasons.map((r) => ({ key: r, content: r }))}
              empty="No reasons recorded."
            />
          </SectionCard>
        </Layout.Section>

        <Layout.Section variant="oneHalf">
          <SectionCard title="Recommended products">
            <ListOrEmpty
              items={c.recommendations.map((r) => ({
                key: r.productId,
                content: <span data-product={r.productId}>{r.title}</span>,
              }))}
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
              <BlockStack gap="100">
                <Text as="p" tone="subdued">
                  Shopify could not be asked right now. See the customer&apos;s tags in{" "}
                  <Link url={c.adminUrl} target="_blank">
                    Shopify admin
                  </Link>
                  .
                </Text>
              </BlockStack>
            )}
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <DueCard customerId={c.customerId} />
        </Layout.Section>
        <Layout.Section>
          <OptOutCard customerId={c.customerId} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customer" />;
}
