import { Link as RemixLink } from "@remix-run/react";
import { Badge, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "../../components/SectionCard";
import { SyncProgress } from "../../components/SyncProgress";
import { useShopFormat } from "../../components/ShopContext";
import type { DashboardData } from "./types";

/** The sync's progress and whether the customer tags are a preview or published. */
export function SyncStatusCard({ d }: { d: DashboardData }) {
  const f = useShopFormat();
  return (
    <SectionCard title="Sync status" action={{ content: "Open sync", url: "/app/sync" }}>
      {d.sync.active ? (
        <SyncProgress run={d.sync.active} />
      ) : d.sync.latest ? (
        <SyncProgress run={d.sync.latest} />
      ) : (
        <Text as="p" tone="subdued">
          No sync has run yet.
        </Text>
      )}
      {d.sync.lastSucceeded && d.sync.latest?.id !== d.sync.lastSucceeded.id && (
        <Text as="p" variant="bodySm" tone="subdued">
          Last successful run: {f.dateTime(d.sync.lastSucceeded.finishedAt ?? d.sync.lastSucceeded.startedAt)}
        </Text>
      )}
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" variant="bodySm">
          Customer tags:
        </Text>
        {d.tags.state === "preview" ? (
          <span data-testid="tag-status">
            <Badge tone="info">Preview, nothing written yet</Badge>
          </span>
        ) : (
          <span data-testid="tag-status">
            <Badge tone="success">{`Published ${f.dateTime(d.tags.lastPublishAt)}`}</Badge>
          </span>
        )}
        <RemixLink to="/app/settings">
          {d.tags.state === "preview" ? "See the preview and publish" : "Tag settings"}
        </RemixLink>
      </InlineStack>
    </SectionCard>
  );
}
