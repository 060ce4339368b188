import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import {
  BlockStack,
  Card,
  EmptyState,
  Filters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
  useBreakpoints,
  type IndexTableProps,
} from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { listCustomers, type SortKey } from "../models/customers.server";
import { customerQueryFrom } from "../lib/admin-loader.server";
import { RouteError } from "../components/RouteError";
import { formatCount, formatDate, formatMoney, formatPercent } from "../components/format";
import { RiskBadge } from "../components/RiskBadge";
import { singleChoiceFilter } from "../components/choiceFilter";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = await customerQueryFrom(request);
  return json(await listCustomers(db, shop, query));
};

// Columns in display order; `sort` is the server-side sort key of a sortable column.
const COLUMNS: Array<{ title: string; sort?: SortKey; numeric?: boolean }> = [
  { title: "Customer" },
  { title: "Churn risk", sort: "churnProbability", numeric: true },
  { title: "Predicted CLV (12 m)", sort: "clv12m", numeric: true },
  { title: "Spent", sort: "monetary", numeric: true },
  { title: "Orders", sort: "orders", numeric: true },
  { title: "Last order", sort: "lastOrderAt" },
  { title: "RFM segment" },
  { title: "Cluster" },
];

const RISK_CHOICES = [
  { label: "High", value: "high" },
  { label: "Medium", value: "medium" },
  { label: "Low", value: "low" },
];

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { smDown } = useBreakpoints();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/customers";
  const currency = data.currencyCode;

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

  // CLV bounds are typed: apply them after a pause.
  const [clvMin, setClvMin] = useState(params.get("clvMin") ?? "");
  const [clvMax, setClvMax] = useState(params.get("clvMax") ?? "");
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((params.get("clvMin") ?? "") !== clvMin || (params.get("clvMax") ?? "") !== clvMax) setParams({ clvMin, clvMax });
    }, 600);
    return () => clearTimeout(timer);
  }, [clvMin, clvMax, params, setParams]);

  const segmentLabel = data.segments.find((s) => s.value === data.query.segment)?.label;
  const filters = [
    singleChoiceFilter({
      key: "segment",
      label: "Segment",
      choices: data.segments.map((s) => ({ label: s.label, value: s.value })),
      selected: data.query.segment,
      onChange: (segment) => setParams({ segment }),
    }),
    singleChoiceFilter({ key: "risk", label: "Risk band", choices: RISK_CHOICES, selected: data.query.risk, onChange: (risk) => setParams({ risk }) }),
    {
      key: "clv",
      label: "Predicted CLV",
      pinned: true,
      filter: (
        <BlockStack gap="200">
          <TextField label="At least" type="number" value={clvMin} onChange={setClvMin} autoComplete="off" prefix={currency} name="clvMin" />
          <TextField label="At most" type="number" value={clvMax} onChange={setClvMax} autoComplete="off" prefix={currency} name="clvMax" />
        </BlockStack>
      ),
      shortcut: true,
    },
  ];
  const appliedFilters = [
    ...(data.query.segment ? [{ key: "segment", label: segmentLabel ?? data.query.segment, onRemove: () => setParams({ segment: null }) }] : []),
    ...(data.query.risk ? [{ key: "risk", label: `Risk: ${data.query.risk}`, onRemove: () => setParams({ risk: null }) }] : []),
    ...(data.query.clvMin !== undefined || data.query.clvMax !== undefined
      ? [
          {
            key: "clv",
            label: `CLV ${data.query.clvMin !== undefined ? `≥ ${formatMoney(data.query.clvMin, currency)}` : ""} ${data.query.clvMax !== undefined ? `≤ ${formatMoney(data.query.clvMax, currency)}` : ""}`.trim(),
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
  const download = async () => {
    // fetch (not a plain link): inside Shopify's admin, App Bridge adds the session token to fetch.
    setExporting(true);
    try {
      const res = await fetch(exportUrl);
      if (!res.ok) throw new Error(await res.text());
      const blob = await res.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "churnless-customers.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } finally {
      setExporting(false);
    }
  };

  const rows = data.rows.map((c, i) => (
    <IndexTable.Row id={c.customerId} key={c.customerId} position={i} onClick={() => navigate(`/app/customers/${c.numericId}`)}>
      {smDown ? (
        <IndexTable.Cell>
          <BlockStack gap="100">
            <InlineStack align="space-between" gap="200" wrap={false}>
              <Text as="span" fontWeight="semibold">
                Customer {c.numericId}
              </Text>
              <RiskBadge band={c.riskBand} probability={c.churnProbability} />
            </InlineStack>
            <Text as="span" variant="bodySm" tone="subdued">
              CLV {formatMoney(c.clv12m, currency)} · spent {formatMoney(c.monetary, currency)} · {c.orders} orders · {c.rfmSegmentName}
            </Text>
          </BlockStack>
        </IndexTable.Cell>
      ) : (
        <>
          <IndexTable.Cell>
            <Text as="span" fontWeight="semibold">
              <span data-customer-id={c.customerId}>Customer {c.numericId}</span>
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InlineStack gap="100" blockAlign="center" align="end" wrap={false}>
              <Text as="span" numeric>
                {formatPercent(c.churnProbability, 0)}
              </Text>
              <RiskBadge band={c.riskBand} />
            </InlineStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatMoney(c.clv12m, currency)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatMoney(c.monetary, currency)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {c.orders}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{formatDate(c.lastOrderAt)}</IndexTable.Cell>
          <IndexTable.Cell>{c.rfmSegmentName}</IndexTable.Cell>
          <IndexTable.Cell>{c.clusterName}</IndexTable.Cell>
        </>
      )}
    </IndexTable.Row>
  ));

  const headings = (smDown ? [{ title: "Customer" }] : COLUMNS.map((c) => ({ title: c.title, alignment: c.numeric ? ("end" as const) : undefined }))) as IndexTableProps["headings"];

  return (
    <Page
      title="Customers"
      subtitle={`${formatCount(data.total)} customers match`}
      primaryAction={{ content: "Export CSV", onAction: download, loading: exporting, disabled: data.total === 0 }}
    >
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <Filters
              queryValue=""
              hideQueryField
              filters={filters}
              appliedFilters={appliedFilters}
              onQueryChange={() => undefined}
              onQueryClear={() => undefined}
              onClearAll={() => {
                setClvMin("");
                setClvMax("");
                setParams({ segment: null, risk: null, clvMin: null, clvMax: null });
              }}
            />
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
              onSort={onSort}
              emptyState={
                <EmptyState heading="No customers match" image="">
                  <p>Change or clear the filters. Customers appear here after the first sync and analysis.</p>
                </EmptyState>
              }
              pagination={{
                hasPrevious: data.page > 1,
                hasNext: data.page < data.pageCount,
                onPrevious: () => setParams({ page: String(data.page - 1) }, false),
                onNext: () => setParams({ page: String(data.page + 1) }, false),
                label: `Page ${data.page} of ${data.pageCount}`,
              }}
            >
              {rows}
            </IndexTable>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customers" />;
}
