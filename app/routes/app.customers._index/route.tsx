import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
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
  Link,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
  useBreakpoints,
  type IndexTableProps,
} from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { DEFAULT_SORT } from "../app/customer-list.server";
import { readCustomerQuery } from "./query";
import { customerPageWithNames, type NamedRow } from "../app/customer-names.server";
import { RouteError } from "../../components/RouteError";
import { countOf, formatCount } from "../../components/format";
import { RiskBadge } from "../../components/RiskBadge";
import { singleChoiceFilter } from "../../components/choiceFilter";
import { useShopFormat } from "../../components/ShopContext";
import { CustomerName } from "../../components/CustomerName";
import { riskOverHorizon } from "../../components/words";
import { COLUMNS, NextOrder, RISK_CHOICES, SORT_CHOICES } from "./columns";

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

/**
 * The row's link to the customer page: a real link (focusable, opens in a new tab on middle click), and
 * the row's primary link, so a click anywhere on the row opens it too.
 */
function RowLink({ row }: { row: NamedRow }) {
  return (
    <Link url={`/app/customers/${row.numericId}`} dataPrimaryLink monochrome removeUnderline>
      <CustomerName row={row} />
    </Link>
  );
}
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

  // Typed values (search, CLV bounds) apply after a pause.
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [clvMin, setClvMin] = useState(params.get("clvMin") ?? "");
  const [clvMax, setClvMax] = useState(params.get("clvMax") ?? "");
  useEffect(() => {
    const timer = setTimeout(() => {
      const changes: Record<string, string | null> = {};
      if ((params.get("clvMin") ?? "") !== clvMin) changes.clvMin = clvMin;
      if ((params.get("clvMax") ?? "") !== clvMax) changes.clvMax = clvMax;
      if ((params.get("q") ?? "") !== search.trim()) changes.q = search.trim();
      if (Object.keys(changes).length) setParams(changes);
    }, 500);
    return () => clearTimeout(timer);
  }, [clvMin, clvMax, search, params, setParams]);

  const segmentLabel = data.segments.find((s) => s.value === data.query.segment)?.label;
  const filters = [
    singleChoiceFilter({
      key: "segment",
      label: "Segment",
      choices: data.segments.map((s) => ({ label: s.label, value: s.value })),
      selected: data.query.segment,
      onChange: (segment) => setParams({ segment }),
    }),
    singleChoiceFilter({
      key: "risk",
      label: "Risk band",
      choices: RISK_CHOICES,
      selected: data.query.risk,
      onChange: (risk) => setParams({ risk }),
    }),
    {
      key: "clv",
      label: "Predicted value",
      pinned: true,
      filter: (
        <BlockStack gap="200">
          <TextField
            label="At least"
            type="number"
            value={clvMin}
            onChange={setClvMin}
            autoComplete="off"
            prefix={currency}
            name="clvMin"
            error={data.queryErrors.clvMin}
          />
          <TextField
            label="At most"
            type="number"
            value={clvMax}
            onChange={setClvMax}
            autoComplete="off"
            prefix={currency}
            name="clvMax"
            error={data.queryErrors.clvMax}
          />
        </BlockStack>
      ),
      shortcut: true,
    },
  ];
  const appliedFilters = [
    ...(data.query.segment
      ? [{ key: "segment", label: segmentLabel ?? data.query.segment, onRemove: () => setParams({ segment: null }) }]
      : []),
    ...(data.query.risk
      ? [{ key: "risk", label: `Risk: ${data.query.risk}`, onRemove: () => setParams({ risk: null }) }]
      : []),
    ...(data.query.clvMin !== undefined || data.query.clvMax !== undefined
      ? [
          {
            key: "clv",
            label:
              `Value ${data.query.clvMin !== undefined ? `≥ ${f.money(data.query.clvMin)}` : ""} ${data.query.clvMax !== undefined ? `≤ ${f.money(data.query.clvMax)}` : ""}`.trim(),
            onRemove: () => {
              setClvMin("");
              setClvMax("");
              setParams({ clvMin: null, clvMax: null });
            },
          },
        ]
      : []),
  ];

  const sortIndex = COLUMNS.findIndex((c) => c.sort === data.query.sort);
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const key = COLUMNS[index]?.sort;
    if (key) setParams({ sort: key, direction: direction === "ascending" ? "asc" : "desc" });
  };

  const exportUrl = (() => {
    const p = new URLSearchParams(params);
    p.delete("page");
    return `/app/customers/export?${p.toString()}`;
  })();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const download = async () => {
    // fetch (not a plain link): inside Shopify's admin, App Bridge adds the session token to fetch.
    setExporting(true);
    setExportError(null);
    try {
      const res = await fetch(exportUrl);
      if (!res.ok) throw new Error(await res.text());
      const blob = await res.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download =
        /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "churnless-customers.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(false);
    }
  };

  const risk = (c: NamedRow) => riskOverHorizon(c.churnProbability, data.horizonDays);
  const daysSince = (c: NamedRow) => formatCount(Math.round(c.recencyDays));

  const rows = data.rows.map((c, i) => (
    <IndexTable.Row id={c.customerId} key={c.customerId} position={i}>
      {smDown ? (
        <IndexTable.Cell>
          <BlockStack gap="100">
            <InlineStack align="space-between" gap="200" wrap={false}>
              <RowLink row={c} />
              <RiskBadge band={c.riskBand} probability={c.churnProbability} />
            </InlineStack>
            <Text as="span" variant="bodySm">
              <span data-value-at-risk={c.customerId}>{f.money(c.valueAtRisk)}</span> at risk ·{" "}
              <span data-risk={c.customerId}>{risk(c)}</span>
            </Text>
            <Text as="span" variant="bodySm">
              Next order:{" "}
              <span data-next-order={c.customerId}>
                <NextOrder row={c} />
              </span>
            </Text>
            <Text as="span" variant="bodySm" tone="subdued">
              {daysSince(c)} days since last order · {countOf(c.orders, "order")} · {c.rfmSegmentName}
            </Text>
          </BlockStack>
        </IndexTable.Cell>
      ) : (
        <>
          <IndexTable.Cell>
            <RowLink row={c} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric fontWeight="semibold">
              <span data-value-at-risk={c.customerId}>{f.money(c.valueAtRisk)}</span>
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InlineStack gap="100" blockAlign="center" align="end" wrap={false}>
              <Text as="span" numeric>
                <span data-risk={c.customerId}>{risk(c)}</span>
              </Text>
              <RiskBadge band={c.riskBand} />
            </InlineStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              <span data-days-since={c.customerId}>{daysSince(c)}</span>
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <span data-next-order={c.customerId}>
              <NextOrder row={c} />
            </span>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {f.money(c.clv12m)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatCount(c.orders)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{c.rfmSegmentName}</IndexTable.Cell>
        </>
      )}
    </IndexTable.Row>
  ));

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
