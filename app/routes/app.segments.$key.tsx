import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { centroidInWords, getSegment } from "../models/dashboard.server";
import { listCustomers, parseCustomerQuery } from "../models/customers.server";
import { RouteError } from "../components/RouteError";
import { RiskBadge } from "../components/RiskBadge";
import { SectionCard } from "../components/SectionCard";
import { SegmentStats } from "../components/SegmentStats";
import { formatCount, formatMoney } from "../components/format";

/** /app/segments/cluster:<key> or /app/segments/rfm:<key>: one segment, its play and its most valuable customers. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filter = params.key ?? "";
  const segment = await getSegment(db, shop, filter);
  if (!segment) throw new Response(`There is no segment "${filter}" in this shop.`, { status: 404 });
  const query = parseCustomerQuery(new URLSearchParams({ segment: filter, sort: "clv12m", direction: "desc" }));
  const top = await listCustomers(db, shop, query, 10);
  const currency = top.currencyCode;
  return json({ segment, filter, words: centroidInWords(segment.centroid, currency), top: top.rows, currency });
};

export default function SegmentPage() {
  const { segment: s, filter, words, top, currency } = useLoaderData<typeof loader>();
  return (
    <Page title={s.name} subtitle={s.kind === "cluster" ? "Cluster" : "RFM segment"} backAction={{ content: "Segments", url: "/app/segments" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              {s.description && <Text as="p">{s.description}</Text>}
              {words && (
                <Text as="p" tone="subdued">
                  Typical customer: {words}
                </Text>
              )}
              <SegmentStats segment={s} currency={currency} />
              {s.play && (
                <Box>
                  <Text as="h2" variant="headingSm">
                    What to do: {s.play.title}
                  </Text>
                  <Text as="p">{s.play.detail}</Text>
                </Box>
              )}
              <InlineStack gap="300">
                <RemixLink to={`/app/customers?segment=${encodeURIComponent(filter)}`}>All {formatCount(s.size)} customers</RemixLink>
                {s.shopifySegmentUrl && (
                  <Link url={s.shopifySegmentUrl} target="_blank">
                    Shopify segment
                  </Link>
                )}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="Most valuable customers in this segment">
            {top.length === 0 && <Text as="p">No customers in this segment now.</Text>}
            {top.map((c) => (
              <InlineStack key={c.customerId} align="space-between" gap="200" blockAlign="center">
                <RemixLink to={`/app/customers/${c.numericId}`}>Customer {c.numericId}</RemixLink>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" numeric>
                    CLV {formatMoney(c.clv12m, currency)}
                  </Text>
                  <RiskBadge band={c.riskBand} probability={c.churnProbability} />
                </InlineStack>
              </InlineStack>
            ))}
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Segment" />;
}
