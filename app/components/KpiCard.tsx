import { BlockStack, Card, Text } from "@shopify/polaris";
import { formatChange, formatValue } from "./format";

export interface KpiCardProps {
  id: string;
  label: string;
  value: number | null;
  change: number | null;
  format: "count" | "percent" | "money";
  help: string;
  /** What the value is compared with, one line each (shown instead of a bare coloured change). */
  comparison?: string[];
  currency: string;
  /** True when a rise is bad news (churn rate, value at risk). */
  upIsBad?: boolean;
}

export function KpiCard({ id, label, value, change, format, help, comparison, currency, upIsBad }: KpiCardProps) {
  const changeText = formatChange(change, format, currency);
  const good = change === null || change === 0 ? null : change > 0 !== Boolean(upIsBad);
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl" id={`kpi-${id}`}>
          <span data-kpi={id} data-value={value ?? ""}>
            {formatValue(value, format, currency)}
          </span>
        </Text>
        {changeText && !comparison?.length && (
          <Text as="p" variant="bodySm" tone={good === null ? "subdued" : good ? "success" : "critical"}>
            {changeText} vs the previous analysis
          </Text>
        )}
        {comparison?.map((line) => (
          <Text key={line} as="p" variant="bodySm">
            <span data-kpi-comparison={id}>{line}</span>
          </Text>
        ))}
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}
