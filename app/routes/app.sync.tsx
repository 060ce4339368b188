import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Divider, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { explainSyncError, getSyncOverview, listSyncRuns } from "../models/sync-view.server";
import { enqueueJob } from "../jobs/queue.server";
import { activeSyncRun, reapStaleSyncRuns } from "../models/sync-runs.server";
import { RouteError } from "../components/RouteError";
import { SectionCard } from "../components/SectionCard";
import { IntentButton } from "../components/IntentButton";
import { SyncProgress } from "../components/SyncProgress";
import { usePolling } from "../components/usePolling";
import { useShopFormat } from "../components/ShopContext";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  await reapStaleSyncRuns(db, shop); // a run whose worker was killed shows as failed, not running forever
  const [status, runs, settings] = await Promise.all([
    getSyncOverview(db, shop),
    listSyncRuns(db, shop, 15),
    db.shop.findUnique({ where: { shop }, select: { lastFullSyncAt: true, lastDeltaSyncAt: true, lastAnalysisAt: true, historyLimited: true } }),
  ]);
  return json({
    status,
    runs: runs.map((r) => ({ ...r, explained: r.status === "failed" && r.error ? explainSyncError(r.error) : null })),
    lastFullSyncAt: settings?.lastFullSyncAt?.toISOString() ?? null,
    lastDeltaSyncAt: settings?.lastDeltaSyncAt?.toISOString() ?? null,
    lastAnalysisAt: settings?.lastAnalysisAt?.toISOString() ?? null,
    historyLimited: settings?.historyLimited ?? false,
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "full-sync" && intent !== "delta-sync") return json({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
  const active = await activeSyncRun(db, shop);
  if (active) return json({ ok: false, message: "A sync is already running: wait for it to finish." }, { status: 409 });
  await enqueueJob(shop, intent);
  return json({ ok: true, message: intent === "full-sync" ? "Full sync started." : "Update started." });
};

export default function Sync() {
  const d = useLoaderData<typeof loader>();
  const f = useShopFormat();
  const result = useActionData<typeof action>();
  const running = d.status.active !== null;
  usePolling(running || (result?.ok ?? false) === true);
  const latestFailed = d.runs.find((r) => r.id === d.status.latest?.id && r.explained);

  return (
    <Page title="Sync" subtitle="Churnless reads your orders from Shopify, then analyses your customers">
      <Layout>
        {result && !result.ok && (
          <Layout.Section>
            <Banner tone="warning" title={result.message} />
          </Layout.Section>
        )}
        {latestFailed?.explained && (
          <Layout.Section>
            <Banner tone="critical" title={latestFailed.explained.title}>
              <BlockStack gap="100">
                <Text as="p">{latestFailed.explained.action}</Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  Shopify said: {latestFailed.error}
                </Text>
              </BlockStack>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <SectionCard title={running ? "Sync in progress" : "Start a sync"} gap="300">
            {d.status.active ? (
              <div data-testid="active-run">
                <SyncProgress run={d.status.active} />
              </div>
            ) : (
              <Text as="p">
                A full sync reads your whole order history (a few minutes for most stores). Updates run on their own afterwards, on the schedule set in
                Settings.
              </Text>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              Last full sync: {f.dateTime(d.lastFullSyncAt)} · last update: {f.dateTime(d.lastDeltaSyncAt)} · last analysis:{" "}
              {f.dateTime(d.lastAnalysisAt)}
            </Text>
            <InlineStack gap="200">
              <IntentButton intent="full-sync" variant="primary" disabled={running}>
                Start full sync
              </IntentButton>
              <IntentButton intent="delta-sync" disabled={running}>
                Fetch new orders
              </IntentButton>
            </InlineStack>
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="Recent runs" gap="300">
            {d.runs.length === 0 && (
              <Text as="p" tone="subdued">
                Nothing has run yet.
              </Text>
            )}
            {d.runs.map((r, i) => (
              <BlockStack key={r.id} gap="100">
                {i > 0 && <Divider />}
                <SyncProgress run={r} />
                {r.explained && (
                  <Text as="p" tone="critical" variant="bodySm">
                    {r.explained.title} {r.explained.action}
                  </Text>
                )}
              </BlockStack>
            ))}
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Sync" />;
}
