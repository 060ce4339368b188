import { BlockStack, Text, Tooltip } from "@shopify/polaris";

/**
 * A labelled figure: a small subdued label above its value (`size` "sm" for figures inside a card of a
 * list). `help` explains the term in words: a tooltip on the label, which is underlined with dots.
 */
export function Stat({
  label,
  value,
  size = "md",
  help,
}: {
  label: string;
  value: string;
  size?: "sm" | "md";
  help?: string;
}) {
  const labelText = (
    <Text as="span" variant="bodySm" tone="subdued">
      {label}
    </Text>
  );
  return (
    <BlockStack gap="050">
      {help ? (
        <Tooltip content={help} width="wide">
          <span
            style={{ borderBottom: "1px dotted #8a8a8a", cursor: "help" }}
            tabIndex={0}
            aria-label={`${label}: ${help}`}
          >
            {labelText}
          </span>
        </Tooltip>
      ) : (
        labelText
      )}
      <Text as="span" variant={size === "sm" ? "headingSm" : "headingMd"}>
        {value}
      </Text>
    </BlockStack>
  );
}
