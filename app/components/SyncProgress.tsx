import { BlockStack, InlineStack, ProgressBar, Text, Badge } from "@shopify/polaris";
import type { SyncRunView } from "../routes/app.sync/sync-view.server";
import { countOf, formatCount } from "./format";
import { useShopFormat } from "./ShopContext";

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
  const tone =
    status === "succeeded" ? "success" : status === "failed" ? "critical" : status === "running" ? "attention" : "info";
  const label = { succeeded: "Done", failed: "Failed", running: "Running", queued: "Queued" }[status] ?? status;
  return <Badge tone={tone}>{label}</Badge>;
}

/** While a run works: its job's share done and its step ("45%, step 2 of 3"); nothing once it ended. */
export function runPercent(run: SyncRunView): string {
  if (run.status !== "running" || run.progress === null) return "";
  const step = run.step ? `, step ${run.step.index + 1} of ${run.step.count}` : "";
  return ` (${Math.floor(run.progress * 100)}%${step})`;
}

/** What the run has done so far, in one line of words (orders stored, Shopify's export growing, tag changes). */
export function runCounts(run: SyncRunView): string {
  const active = run.status === "queued" || run.status === "running";
  if (TAG_KINDS.has(run.kind)) {
    const changes = run.expectedCount !== null ? countOf(run.expectedCount, "tag change") : "Tag changes being planned";
    return `${changes}${run.customersCount ? ` (${countOf(run.customersCount, "customer")} checked)` : ""}${runPercent(run)}`;
  }
  if (run.kind === "analyze") {
    return active
      ? `Scoring customers${runPercent(run)}`
      : `${countOf(run.customersCount, "customer")} scored from ${countOf(run.ordersCount, "order")}`;
  }
  const stored = `${formatCount(run.ordersCount)}${run.expectedCount ? ` of ${formatCount(run.expectedCount)}` : ""} orders stored`;
  if (active && run.phase === "exporting") {
    const exported =
      run.bulkObjectCount !== null ? `${formatCount(run.bulkObjectCount)} objects exported so far` : "starting";
    return `Shopify is exporting your orders: ${exported}${runPercent(run)}`;
  }
  if (active && run.status === "queued") return "Waiting for its turn";
  return `${stored}${runPercent(run)}, ${countOf(run.lineItemsCount, "line item")}${active ? "" : `, ${countOf(run.customersCount, "customer")}`}`;
}

/** One run on one line (kind, status, counts, times); a progress bar under it while it runs. */
export function SyncProgress({ run }: { run: SyncRunView }) {
  const f = useShopFormat();
  const active = run.status === "queued" || run.status === "running";
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" wrap>
        <Text as="span" variant="headingSm">
          {runLabel(run.kind)}
        </Text>
        <StatusBadge status={run.status} />
        <Text as="span" variant="bodySm">
          <span data-testid="sync-counts">{runCounts(run)}</span>
        </Text>
        <Text as="span" tone="subdued" variant="bodySm">
          · {run.finishedAt ? "finished " : "started "}
          <span style={{ whiteSpace: "nowrap" }}>{f.dateTime(run.finishedAt ?? run.startedAt)}</span>
        </Text>
      </InlineStack>
      {active && (
        <ProgressBar
          progress={run.progress === null ? 0 : Math.floor(run.progress * 100)}
          size="small"
          tone="primary"
          animated
        />
      )}
      {run.warnings.map((w) => (
        <Text key={w} as="p" variant="bodySm" tone="caution">
          {w}
        </Text>
      ))}
    </BlockStack>
  );
}
