import { Link as RemixLink } from "@remix-run/react";
import { InlineStack, Link, Text } from "@shopify/polaris";
import { useAppData } from "./useAppData";
import { flowUrl } from "./words";

export interface SegmentLinkTarget {
  kind: string;
  key: string;
  size: number;
  customersUrl: string;
  shopifySegmentUrl: string | null;
  play: { title: string } | null;
}

/**
 * A segment's one-click actions: its customers, its Shopify customer segment once published (to use in
 * Shopify Email or a marketing app), and Shopify Flow for a win-back workflow on the app's triggers.
 */
export function SegmentLinks({ segment, details = false }: { segment: SegmentLinkTarget; details?: boolean }) {
  const { shop } = useAppData();
  const filter = `${segment.kind}:${segment.key}`;
  return (
    <InlineStack gap="300" blockAlign="center" wrap>
      {details && <RemixLink to={`/app/segments/${encodeURIComponent(filter)}`}>Details</RemixLink>}
      <RemixLink to={segment.customersUrl}>See customers</RemixLink>
      {segment.shopifySegmentUrl ? (
        <Link url={segment.shopifySegmentUrl} target="_blank">
          Open the Shopify segment (for Shopify Email and marketing apps)
        </Link>
      ) : (
        <Text as="span" variant="bodySm" tone="subdued">
          The Shopify segment is created on the first publish
        </Text>
      )}
      {segment.play?.title === "Win-back offer" && shop && (
        <Link url={flowUrl(shop)} target="_blank">
          Win-back workflow in Shopify Flow
        </Link>
      )}
    </InlineStack>
  );
}
