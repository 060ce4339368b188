import { BlockStack, Text } from "@shopify/polaris";
import { customerNumber } from "./words";

export interface NamedCustomer {
  customerId: string;
  numericId: string;
  name: string | null;
  email: string | null;
}

/** A customer's name and email read live from Shopify, or their number when the name cannot be read. */
export function CustomerName({ row }: { row: NamedCustomer }) {
  return (
    <BlockStack gap="0">
      <Text as="span" fontWeight="semibold">
        <span data-customer-id={row.customerId}>{row.name ?? customerNumber(row.numericId)}</span>
      </Text>
      {row.email && (
        <Text as="span" variant="bodySm" tone="subdued">
          {row.email}
        </Text>
      )}
    </BlockStack>
  );
}
