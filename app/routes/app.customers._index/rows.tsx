import { BlockStack, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import type { NamedRow } from "../app/customer-names.server";
import { countOf, formatCount } from "../../components/format";
import { RiskBadge } from "../../components/RiskBadge";
import { CustomerName } from "../../components/CustomerName";
import { riskOverHorizon } from "../../components/words";
import { NextOrder } from "./columns";

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
/**
 * The list's rows: at 390 px one cell with risk, value at risk and next order; wider, one cell a column
 * (columns.tsx). A plain function, not a component: IndexTable wants its rows as direct children.
 */
export function customerRowElements(
  rows: NamedRow[],
  opts: { smDown: boolean; horizonDays: number | null; money: (amount: number) => string },
) {
  const risk = (c: NamedRow) => riskOverHorizon(c.churnProbability, opts.horizonDays);
  const daysSince = (c: NamedRow) => formatCount(Math.round(c.recencyDays));

  return rows.map((c, i) => (
    <IndexTable.Row id={c.customerId} key={c.customerId} position={i}>
      {opts.smDown ? (
        <IndexTable.Cell>
          <BlockStack gap="100">
            <InlineStack align="space-between" gap="200" wrap={false}>
              <RowLink row={c} />
              <RiskBadge band={c.riskBand} probability={c.churnProbability} />
            </InlineStack>
            <Text as="span" variant="bodySm">
              <span data-value-at-risk={c.customerId}>{opts.money(c.valueAtRisk)}</span> at risk ·{" "}
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
              <span data-value-at-risk={c.customerId}>{opts.money(c.valueAtRisk)}</span>
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
              {opts.money(c.clv12m)}
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
}
