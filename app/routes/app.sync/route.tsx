import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Divider, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { syncPage } from "./data.server";
import { requestSync } from "../../jobs/sync/requests.server";
import { RouteError } from "../../components/RouteError";
import { SectionCard } from "../../components/SectionCard";
import { IntentButton } from "../../components/IntentButton";
import { SyncProgress } from "../../components/SyncProgress";
import { usePolling } from "../../components/usePolling";
import { useShopFormat } from "../../components/ShopContext";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await syncPage(db, shop));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "full-sync" && intent !== "delta-sync")
    return json({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
  const requested = await requestSync(db, shop, intent);
  if (!requested.started)
    return json({ ok: false, message: "A sync is already running: wait for it to finish." }, { status: 409 });
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
                A full sync reads your whole order history (a few minutes for most stores). Updates run on their own
                afterwards, on the schedule set in Settings.
              </Text>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              Last full sync: {f.dateTime(d.lastFullSyncAt)} · last update: {f.dateTime(d.lastDeltaSyncAt)} · last
              analysis: {f.dateTime(d.lastAnalysisAt)}
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
            <Text as="p" variant="bodySm" tone="subdued">
              <span data-testid="customer-counts-explained">
                Three customer counts appear here. A sync counts the customers in the orders it stored (synced). An
                analysis counts the customers it scored (analysed): customers with at least one order that counts, so it
                can be lower. A publish or preview counts the customers it read from Shopify to compare their tags
                (checked): every customer of your store, including those without orders.
              </span>
            </Text>
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
