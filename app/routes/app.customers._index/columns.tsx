/** The customer list's columns (their sort keys and explanations), its sort and risk choices, and the next-order cell. */
import { Text } from "@shopify/polaris";
import type { SortKey } from "../app/customer-list.server";
import type { NamedRow } from "../app/customer-names.server";
import { useShopFormat } from "../../components/ShopContext";

// Columns in display order; `sort` is the server-side sort key of a sortable column.
export const COLUMNS: Array<{ title: string; sort?: SortKey; numeric?: boolean; tip?: string }> = [
  { title: "Customer" },
  {
    title: "Value at risk",
    sort: "valueAtRisk",
    numeric: true,
    tip: "What you lose over the next 12 months if this customer is gone: chance of being gone × what they would spend if still active. Summed, it is the dashboard's value at risk.",
  },
  {
    title: "Churn risk",
    sort: "churnProbability",
    numeric: true,
    tip: "Chance the customer does not order again within the churn horizon.",
  },
  { title: "Days since order", sort: "recencyDays", numeric: true, tip: "Days since the customer's last order." },
  {
    title: "Next order",
    tip: "When the next order is likely to come (a range); “unlikely” when the customer is probably gone.",
  },
  {
    title: "Predicted value (12 m)",
    sort: "clv12m",
    numeric: true,
    tip: "Predicted spend over the next 12 months (customer lifetime value, CLV).",
  },
  { title: "Orders", sort: "orders", numeric: true },
  { title: "Segment" },
];

export const SORT_CHOICES = COLUMNS.filter((c) => c.sort).flatMap((c) => [
  { label: `${c.title}: highest first`, value: `${c.sort}:desc` },
  { label: `${c.title}: lowest first`, value: `${c.sort}:asc` },
]);

export const RISK_CHOICES = [
  { label: "High", value: "high" },
  { label: "Medium", value: "medium" },
  { label: "Low", value: "low" },
];

export function NextOrder({ row }: { row: NamedRow }) {
  const f = useShopFormat();
  if (!row.nextOrderEarliest || !row.nextOrderLatest) {
    return row.nextOrderDate ? (
      <span style={{ whiteSpace: "nowrap" }}>{f.date(row.nextOrderDate)}</span>
    ) : (
      <Text as="span" tone="subdued">
        Unlikely
      </Text>
    );
  }
  // Each date stays on one line (a narrow screen breaks the range between the dates, never inside one).
  const [from, to] = f.dateRange(row.nextOrderEarliest, row.nextOrderLatest).split(" to ");
  const nowrap = { whiteSpace: "nowrap" } as const;
  return to === undefined ? (
    <span style={nowrap}>{from}</span>
  ) : (
    <>
      <span style={nowrap}>{from}</span> to <span style={nowrap}>{to}</span>
    </>
  );
}
