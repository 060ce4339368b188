import type { ReactNode } from "react";
import { BlockStack, Button, Card, InlineStack, Text, type BlockStackProps } from "@shopify/polaris";

export interface SectionCardProps {
  /** The card's heading (an h2). */
  title: ReactNode;
  /** A plain link-button beside the heading. */
  action?: { content: string; url: string };
  gap?: BlockStackProps["gap"];
  children?: ReactNode;
}

/** A card of an admin page: an h2 heading (with an optional action beside it) above the card's content. */
export function SectionCard({ title, action, gap = "200", children }: SectionCardProps) {
  const heading = (
    <Text as="h2" variant="headingMd">
      {title}
    </Text>
  );
  return (
    <Card>
      <BlockStack gap={gap}>
        {action ? (
          <InlineStack align="space-between" blockAlign="center">
            {heading}
            <Button url={action.url} variant="plain">
              {action.content}
            </Button>
          </InlineStack>
        ) : (
          heading
        )}
        {children}
      </BlockStack>
    </Card>
  );
}
