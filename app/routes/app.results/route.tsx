import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { getResults } from "./data.server";
import { getTrends } from "../../models/trends.server";
import { fetchProductTitles } from "../../shopify/customers.server";
import { RouteError } from "../../components/RouteError";
import { SectionCard } from "../../components/SectionCard";
import { Stat } from "../../components/Stat";
import { TrendsCard } from "../../components/TrendsCard";
import { formatCount, formatPercent } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";
import { useAppData } from "../../components/useAppData";
import { themeEditorUrl } from "../../components/words";

/**
 * /app/results: what the recommendations did (by week, by placement and week, and by product) and how the
 * customers changed across analyses.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const [results, trends] = await Promise.all([getResults(db, shop), getTrends(db, shop)]);
  // Product titles are public catalogue data, read live for display.
  const titles = await fetchProductTitles(
    admin,
    results.products.map((p) => p.productId),
  );
  const products = results.products.map((p) => ({ ...p, label: titles.get(p.productId) ?? p.label }));
  return json({ results: { ...results, products }, trends });
};

export default function Results() {
  const { results: r, trends } = useLoaderData<typeof loader>();
  const f = useShopFormat();
  const { shop, apiKey } = useAppData();
  const pct = (v: number | null) => (v === null ? "–" : formatPercent(v));
  return (
    <Page
      title="Results"
      subtitle={`Recommendations on your storefront from ${f.date(`${r.since}T12:00:00Z`)} to ${f.date(`${r.until}T12:00:00Z`)}, and trends across analyses`}
    >
      <Layout>
        <Layout.Section>
          <SectionCard title="Recommendations, last 8 weeks" gap="300">
            <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
              <Stat
                label="Impressions"
                value={formatCount(r.totals.impressions)}
                help="Recommended products shown on the storefront, each counted once per shopper visit (a browser session), for shoppers who allow analytics."
              />
              <Stat label="Clicks" value={formatCount(r.totals.clicks)} />
              <Stat label="Click-through rate" value={pct(r.totals.ctr)} help="Clicks divided by impressions." />
              <Stat
                label="Attributed orders"
                value={formatCount(r.totals.attributedOrders)}
                help="Orders holding a product clicked in the recommendations up to 7 days before; each click counts for one order at most."
              />
              <Stat
                label="Attributed revenue"
                value={f.money(r.totals.attributedRevenue)}
                help="The attributed orders' totals."
              />
            </InlineGrid>
            {r.totals.impressions === 0 && (
              <BlockStack gap="200">
                <Text as="p">
                  No impressions yet: add the Recommended products block to your theme, then customers see it on product
                  pages.
                </Text>
                {shop && apiKey && (
                  <div>
                    <Button url={themeEditorUrl(shop, apiKey, "product")} target="_blank">
                      Add the block to the product page
                    </Button>
                  </div>
                )}
              </BlockStack>
            )}
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="By week">
            <div data-testid="results-weeks">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={[
                  "Week of",
                  "Impressions",
                  "Clicks",
                  "Click-through rate",
                  "Attributed orders",
                  "Attributed revenue",
                ]}
                rows={r.weeks.map((w) => [
                  f.date(`${w.week}T12:00:00Z`),
                  formatCount(w.impressions),
                  formatCount(w.clicks),
                  pct(w.ctr),
                  formatCount(w.attributedOrders),
                  f.money(w.attributedRevenue),
                ])}
              />
            </div>
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="By placement and week">
            {r.placements.length === 0 ? (
              <Text as="p" tone="subdued">
                Nothing shown yet.
              </Text>
            ) : (
              <div data-testid="results-placements">
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[
                    "Week of",
                    "Placement",
                    "Impressions",
                    "Clicks",
                    "Click-through rate",
                    "Attributed orders",
                    "Attributed revenue",
                  ]}
                  rows={r.placements.map((p) => [
                    f.date(`${p.week}T12:00:00Z`),
                    p.label,
                    formatCount(p.impressions),
                    formatCount(p.clicks),
                    pct(p.ctr),
                    formatCount(p.attributedOrders),
                    f.money(p.attributedRevenue),
                  ])}
                />
              </div>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              The placement is the theme template the block is on (product pages, cart, home page). An order counts for
              the placement of the recommendation that was clicked.
            </Text>
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="By product (most clicked first)">
            {r.products.length === 0 ? (
              <Text as="p" tone="subdued">
                No product has been shown yet.
              </Text>
            ) : (
              <div data-testid="results-products">
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={["Product", "Impressions", "Clicks", "Click-through rate"]}
                  rows={r.products.map((p) => [p.label, formatCount(p.impressions), formatCount(p.clicks), pct(p.ctr)])}
                />
              </div>
            )}
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <TrendsCard trends={trends} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Results" />;
}
