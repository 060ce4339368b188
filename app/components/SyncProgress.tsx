import { BlockStack, InlineStack, ProgressBar, Text, Badge } from "@shopify/polaris";
import type { SyncRunView } from "../models/dashboard.server";
import { formatCount, formatDateTime } from "./format";

const KIND_LABEL: Record<string, string> = {
  full: "Full sync",
  "full-sync": "Full sync",
  delta: "Update",
  "delta-sync": "Update",
  analyze: "Analysis",
  publish: "Publish tags and segments",
  preview: "Preview of tag changes",
  "remove-tags": "Removing Churnless tags",
  import: "Import",
};

/** Runs that write (or plan) tags: their counts are tag changes, not orders. */
const TAG_KINDS = new Set(["publish", "preview", "remove-tags"]);

export function runLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "succeeded" ? "success" : status === "failed" ? "critical" : status === "running" ? "attention" : "info";
  const label = { succeeded: "Done", failed: "Failed", running: "Running", queued: "Queued" }[status] ?? status;
  return <Badge tone={tone}>{label}</Badge>;
}

/** A run's status line and, while it runs, its progress bar and counts. */
export function SyncProgress({ run }: { run: SyncRunView }) {
  const active = run.status === "queued" || run.status === "running";
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center" wrap>
        <Text as="span" variant="headingSm">
          {runLabel(run.kind)}
        </Text>
        <StatusBadge status={run.status} />
        <Text as="span" tone="subdued" variant="bodySm">
          started {formatDateTime(run.startedAt)}
          {run.finishedAt ? `, finished ${formatDateTime(run.finishedAt)}` : ""}
        </Text>
      </InlineStack>
      {active && (
        <ProgressBar
          progress={run.progress === null ? (run.status === "queued" ? 0 : 5) : Math.round(run.progress * 100)}
          size="small"
          tone="primary"
          animated
        />
      )}
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-testid="sync-counts">
          {TAG_KINDS.has(run.kind) ? (
            <>
              {run.expectedCount !== null ? `${formatCount(run.expectedCount)} tag changes` : "Tag changes being planned"}
              {run.customersCount ? ` for ${formatCount(run.customersCount)} customers` : ""}
            </>
          ) : (
            <>
              {formatCount(run.ordersCount)}
              {run.expectedCount ? ` of ${formatCount(run.expectedCount)}` : ""} orders, {formatCount(run.lineItemsCount)} line items,{" "}
              {formatCount(run.customersCount)} customers
              {run.progress !== null && active ? ` (${Math.round(run.progress * 100)}%)` : ""}
            </>
          )}
        </span>
      </Text>
      {run.warnings.map((w) => (
        <Text key={w} as="p" variant="bodySm" tone="caution">
          {w}
        </Text>
      ))}
    </BlockStack>
  );
}
