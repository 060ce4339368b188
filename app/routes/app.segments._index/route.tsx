import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { renameCluster, SegmentNotFoundError } from "../../models/segments.server";
import { centroidInWords, listSegments, type SegmentView } from "../app/segment-list.server";
import { getShopCurrency } from "../../models/shop-settings.server";
import { RouteError } from "../../components/RouteError";
import { clusterSentence } from "../../components/words";
import { SegmentStats } from "../../components/SegmentStats";
import { useSubmitting } from "../../components/IntentButton";
import { SegmentLinks } from "../../components/SegmentLinks";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [segments, currency] = await Promise.all([listSegments(db, shop), getShopCurrency(db, shop)]);
  return json({
    currency,
    clusters: segments
      .filter((s) => s.kind === "cluster")
      .map((s) => ({ ...s, words: centroidInWords(s.centroid, currency) })),
    rfm: segments.filter((s) => s.kind === "rfm").map((s) => ({ ...s, words: centroidInWords(s.centroid, currency) })),
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const key = String(form.get("key") ?? "");
  const name = String(form.get("name") ?? "");
  try {
    await renameCluster(db, shop, key, name);
    return json({ ok: true as const, key, error: null });
  } catch (error) {
    const status = error instanceof SegmentNotFoundError ? 404 : 400;
    return json({ ok: false as const, key, error: (error as Error).message }, { status });
  }
};

type Row = SegmentView & { words: string };

function RenameForm({ segment }: { segment: Row }) {
  const [name, setName] = useState(segment.name === segment.generatedName ? "" : segment.name);
  const busy = useSubmitting("key", segment.key);
  return (
    <Form method="post">
      <input type="hidden" name="key" value={segment.key} />
      <TextField
        label="Rename"
        name="name"
        value={name}
        onChange={setName}
        placeholder={segment.generatedName}
        autoComplete="off"
        maxLength={60}
        helpText="Leave empty to use the generated name."
        connectedRight={
          <Button submit loading={busy}>
            Save
          </Button>
        }
      />
    </Form>
  );
}

function SegmentCard({ segment, currency, renamable }: { segment: Row; currency: string; renamable: boolean }) {
  const filter = `${segment.kind}:${segment.key}`;
  return (
    <div data-segment-card={filter}>
      <Card>
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center" wrap>
            <Text as="h3" variant="headingMd">
              <span data-segment={segment.key}>{segment.name}</span>
            </Text>
            {segment.play && <Badge tone="info">{segment.play.title}</Badge>}
          </InlineStack>
          {segment.description && (
            <Text as="p">
              {segment.kind === "cluster"
                ? clusterSentence(segment.centroid, currency, segment.description)
                : segment.description}
            </Text>
          )}
          {segment.words && !segment.description && (
            <Text as="p" tone="subdued" variant="bodySm">
              Typical customer: {segment.words}
            </Text>
          )}
          <SegmentStats segment={segment} currency={currency} compact />
          <SegmentLinks segment={segment} details />
          {renamable && <RenameForm segment={segment} />}
        </BlockStack>
      </Card>
    </div>
  );
}

export default function Segments() {
  const { clusters, rfm, currency } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (clusters.length === 0 && rfm.length === 0) {
    return (
      <Page title="Segments">
        <Card>
          <EmptyState heading="No segments yet" action={{ content: "Go to sync", url: "/app/sync" }} image="">
            <p>Segments appear after the first sync and analysis.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  return (
    <Page title="Segments" subtitle="Clusters found in your customers' buying, and the classic RFM segments">
      <Layout>
        {result?.error && (
          <Layout.Section>
            <Banner tone="critical" title="The segment was not renamed">
              <p>{result.error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingLg">
              Clusters
            </Text>
            {clusters.map((s) => (
              <SegmentCard key={s.id} segment={s} currency={currency} renamable />
            ))}
            <Text as="h2" variant="headingLg">
              RFM segments
            </Text>
            {rfm.map((s) => (
              <SegmentCard key={s.id} segment={s} currency={currency} renamable={false} />
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Segments" />;
}
