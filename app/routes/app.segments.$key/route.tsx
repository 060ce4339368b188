import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { getSegment } from "./data.server";
import { centroidInWords } from "../app/segment-list.server";
import { listCustomers, parseCustomerQuery } from "../app/customer-list.server";
import { withNames } from "../app/customer-names.server";
import { RouteError } from "../../components/RouteError";
import { clusterSentence } from "../../components/words";
import { RiskBadge } from "../../components/RiskBadge";
import { SectionCard } from "../../components/SectionCard";
import { SegmentStats } from "../../components/SegmentStats";
import { SegmentLinks } from "../../components/SegmentLinks";
import { CustomerName } from "../../components/CustomerName";
import { countOf } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";

const KIND_LABEL: Record<string, string> = { cluster: "Cluster", rfm: "RFM segment", risk: "Risk band" };

/** /app/segments/<kind>:<key> (cluster, rfm or risk): one segment, its play and its customers with the most value at risk. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const filter = params.key ?? "";
  const segment = await getSegment(db, shop, filter);
  if (!segment) throw new Response(`There is no segment "${filter}" in this shop.`, { status: 404 });
  const search: Record<string, string> = segment.kind === "risk" ? { risk: segment.key } : { segment: filter };
  const query = parseCustomerQuery(new URLSearchParams({ ...search, sort: "valueAtRisk", direction: "desc" }));
  const top = await listCustomers(db, shop, query, 10);
  const named = await withNames(admin, top.rows);
  const currency = top.currencyCode;
  return json({
    segment,
    words: centroidInWords(segment.centroid, currency),
    top: named.rows,
    namesNote: named.names.note,
    currency,
  });
};

export default function SegmentPage() {
  const { segment: s, words, top, namesNote, currency } = useLoaderData<typeof loader>();
  const f = useShopFormat();
  return (
    <Page
      title={s.name}
      subtitle={KIND_LABEL[s.kind] ?? s.kind}
      backAction={{ content: "Segments", url: "/app/segments" }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              {s.description && (
                <Text as="p">
                  {s.kind === "cluster" ? clusterSentence(s.centroid, currency, s.description) : s.description}
                </Text>
              )}
              {words && (
                <Text as="p" tone="subdued">
                  Typical customer: {words}
                </Text>
              )}
              <SegmentStats segment={s} currency={currency} />
              <Text as="p">
                Value at risk in this segment: <strong>{f.money(s.valueAtRisk)}</strong>
              </Text>
              {s.play && (
                <Box>
                  <Text as="h2" variant="headingSm">
                    What to do: {s.play.title}
                  </Text>
                  <Text as="p">{s.play.detail}</Text>
                </Box>
              )}
              <RemixLink to={s.customersUrl}>All {countOf(s.size, "customer")}</RemixLink>
              <SegmentLinks segment={s} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="Customers with the most value at risk">
            {namesNote && (
              <Text as="p" variant="bodySm" tone="subdued">
                {namesNote}
              </Text>
            )}
            {top.length === 0 && <Text as="p">No customers in this segment now.</Text>}
            {top.map((c) => (
              <InlineStack key={c.customerId} align="space-between" gap="200" blockAlign="center">
                <RemixLink to={`/app/customers/${c.numericId}`}>
                  <CustomerName row={c} />
                </RemixLink>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" numeric>
                    {f.money(c.valueAtRisk)} at risk
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
