import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback } from "react";
import {
  Banner,
  BlockStack,
  Box,
  Card,
  EmptyState,
  Filters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
  useBreakpoints,
  type IndexTableProps,
} from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { DEFAULT_SORT } from "../app/customer-list.server";
import { readCustomerQuery } from "./query";
import { customerPageWithNames } from "../app/customer-names.server";
import { RouteError } from "../../components/RouteError";
import { countOf, formatCount } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";
import { COLUMNS, SORT_CHOICES } from "./columns";
import { customerRowElements } from "./rows";
import { useCsvExport } from "./export";
import { useListFilters } from "./filters";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  // A value the list cannot use is dropped with a message for its field; the page shows the rest.
  const { query, errors: queryErrors } = readCustomerQuery(new URL(request.url).searchParams);
  const page = await customerPageWithNames(db, shop, admin, query);
  // Names and emails are read live for this page only: never cached.
  return json(
    { ...page, queryErrors, defaultSort: page.query.sort === DEFAULT_SORT },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};

/** The URL's fields as the merchant knows them (the messages under the filters name them so). */
const FIELD_NAMES: Record<string, string> = {
  q: "Search",
  sort: "Sort",
  direction: "Sort direction",
  page: "Page",
  risk: "Risk band",
  segment: "Segment",
  clvMin: "Predicted value, at least",
  clvMax: "Predicted value, at most",
};

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { smDown } = useBreakpoints();
  const f = useShopFormat();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/customers";
  const currency = data.currencyCode;
  const queryErrors = Object.entries(data.queryErrors).filter((e): e is [string, string] => typeof e[1] === "string");

  const setParams = useCallback(
    (changes: Record<string, string | null>, resetPage = true) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === "") next.delete(k);
        else next.set(k, v);
      }
      if (resetPage) next.delete("page");
      navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
    },
    [params, navigate],
  );

  const { search, setSearch, setClvMin, setClvMax, filters, appliedFilters } = useListFilters({
    params,
    setParams,
    segments: data.segments,
    query: data.query,
    queryErrors: data.queryErrors,
    currency,
    money: f.money,
  });

  const sortIndex = COLUMNS.findIndex((c) => c.sort === data.query.sort);
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const key = COLUMNS[index]?.sort;
    if (key) setParams({ sort: key, direction: direction === "ascending" ? "asc" : "desc" });
  };

  const { exporting, exportError, download } = useCsvExport(params);

  const rows = customerRowElements(data.rows, { smDown, horizonDays: data.horizonDays, money: f.money });

  const headings = (
    smDown
      ? [{ title: "Customer" }]
      : COLUMNS.map((c) => ({
          title: c.title,
          alignment: c.numeric ? ("end" as const) : undefined,
          ...(c.tip ? { tooltipContent: c.tip, tooltipWidth: "wide" as const } : {}),
        }))
  ) as IndexTableProps["headings"];

  const sortValue = `${data.query.sort}:${data.query.direction}`;
  const subtitle = data.search
    ? `${countOf(data.total, "customer")} ${data.total === 1 ? "matches" : "match"} “${data.search.text}”`
    : `${countOf(data.total, "customer")} ${data.total === 1 ? "matches" : "match"}${data.defaultSort ? ", most value at risk first" : ""}`;

  return (
    <Page
      fullWidth
      title="Customers"
      subtitle={subtitle}
      primaryAction={{ content: "Export CSV", onAction: download, loading: exporting, disabled: data.total === 0 }}
    >
      <Layout>
        {(data.names.note || data.search?.note || exportError || queryErrors.length > 0) && (
          <Layout.Section>
            <BlockStack gap="200">
              {queryErrors.length > 0 && (
                <Banner tone="warning" title="Part of this address could not be used: the list shows the rest">
                  <ul data-testid="query-errors">
                    {queryErrors.map(([field, message]) => (
                      <li key={field}>
                        {FIELD_NAMES[field] ?? field}: {message}.
                      </li>
                    ))}
                  </ul>
                </Banner>
              )}
              {data.names.note && (
                <Banner tone="info">
                  <p data-testid="names-note">{data.names.note}</p>
                </Banner>
              )}
              {data.search?.note && <Banner tone="warning" title={data.search.note} />}
              {exportError && <Banner tone="critical" title={`The export failed: ${exportError}`} />}
            </BlockStack>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <Filters
              queryValue={search}
              queryPlaceholder="Search by name, email or customer number"
              filters={filters}
              appliedFilters={appliedFilters}
              onQueryChange={setSearch}
              onQueryClear={() => setSearch("")}
              onClearAll={() => {
                setClvMin("");
                setClvMax("");
                setSearch("");
                setParams({ segment: null, risk: null, clvMin: null, clvMax: null, q: null });
              }}
            />
            {smDown && (
              <Box padding="300">
                <Select
                  label="Sort by"
                  options={SORT_CHOICES}
                  value={sortValue}
                  onChange={(v) => {
                    const [sort, direction] = v.split(":");
                    setParams({ sort, direction });
                  }}
                />
              </Box>
            )}
            <IndexTable
              resourceName={{ singular: "customer", plural: "customers" }}
              itemCount={data.rows.length}
              selectable={false}
              condensed={smDown}
              loading={loading}
              headings={headings}
              sortable={smDown ? [false] : COLUMNS.map((c) => Boolean(c.sort))}
              sortColumnIndex={smDown ? undefined : sortIndex}
              sortDirection={data.query.direction === "asc" ? "ascending" : "descending"}
              defaultSortDirection="descending"
              onSort={onSort}
              emptyState={
                <EmptyState heading="No customers match" image="">
                  <p>
                    Change or clear the search and filters. Customers appear here after the first sync and analysis.
                  </p>
                </EmptyState>
              }
            >
              {rows}
            </IndexTable>
            <div data-testid="customers-pagination">
              <Box padding="300" borderBlockStartWidth="025" borderColor="border">
                <InlineStack align="center" blockAlign="center" gap="300">
                  <Pagination
                    hasPrevious={data.page > 1}
                    hasNext={data.page < data.pageCount}
                    onPrevious={() => setParams({ page: String(data.page - 1) }, false)}
                    onNext={() => setParams({ page: String(data.page + 1) }, false)}
                    label={`Page ${data.page} of ${formatCount(data.pageCount)}`}
                  />
                </InlineStack>
              </Box>
            </div>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Text as="p" variant="bodySm" tone="subdued">
            Names and emails are read from Shopify for the customers on this page only and never stored by Churnless.
            Churn risk is the chance of no order within the churn horizon
            {data.horizonDays ? ` (${data.horizonDays} days, from your customers' usual time between orders)` : ""};
            value at risk is that chance times what the customer would spend over 12 months if still active.
          </Text>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customers" />;
}
