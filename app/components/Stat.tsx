import { BlockStack, Text } from "@shopify/polaris";

/** A labelled figure: a small subdued label above its value (`size` "sm" for figures inside a card of a list). */
export function Stat({ label, value, size = "md" }: { label: string; value: string; size?: "sm" | "md" }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant={size === "sm" ? "headingSm" : "headingMd"}>
        {value}
      </Text>
    </BlockStack>
  );
}
