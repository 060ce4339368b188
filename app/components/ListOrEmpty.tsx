import type { ReactNode } from "react";
import { List, Text } from "@shopify/polaris";

/** A Polaris list of `items` (each with its React key), or a subdued sentence when there are none. */
export function ListOrEmpty({
  items,
  empty,
  type,
}: {
  items: Array<{ key: string; content: ReactNode }>;
  empty: string;
  type?: "bullet" | "number";
}) {
  if (items.length === 0) {
    return (
      <Text as="p" tone="subdued">
        {empty}
      </Text>
    );
  }
  return (
    <List type={type}>
      {items.map((item) => (
        <List.Item key={item.key}>{item.content}</List.Item>
      ))}
    </List>
  );
}
