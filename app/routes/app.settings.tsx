import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, List, Page, Select, Text, TextField } from "@shopify/polaris";
import db from "../db.server";
import { requireAdmin } from "../shopify.server";
import { changeTagPrefix, getShopSettings, updateShopSettings } from "../models/shop-settings.server";
import { readShopCustomerTags } from "../shopify/tag-writer.server";
import { getPreview } from "../models/dashboard.server";
import { enqueueJob, getQueue } from "../jobs/queue.server";
import { RouteError } from "../components/RouteError";
import { IntentButton, useSubmitting } from "../components/IntentButton";
import { SectionCard } from "../components/SectionCard";
import { NumberField } from "../components/NumberField";
import { formatDateTime } from "../components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, preview] = await Promise.all([getShopSettings(db, shop), getPreview(db, shop)]);
  let s = settings;
  // The merchant has now seen the preview of tag changes: auto-tagging may be turned on.
  // After a prefix change only a preview computed since then counts (it shows the tags moving).
  const fresh = preview && (!s.tagPrefixChangedAt || Date.parse(preview.startedAt) >= s.tagPrefixChangedAt.getTime());
  if (preview && fresh && preview.status === "succeeded" && !s.previewSeenAt) s = await updateShopSettings(db, shop, { previewSeenAt: new Date() });
  return json({
    settings: {
      churnHorizonDays: s.churnHorizonDays,
      clusterK: s.clusterK,
      tagPrefix: s.tagPrefix,
      autoTag: s.autoTag,
      tagSegments: s.tagSegments,
      tagRisk: s.tagRisk,
      tagClusters: s.tagClusters,
      refreshEveryHours: s.refreshEveryHours,
      recsEnabled: s.recsEnabled,
      recsCount: s.recsCount,
      lastPublishAt: s.lastPublishAt?.toISOString() ?? null,
      previewSeen: !!s.previewSeenAt,
    },
    preview,
  });
};

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());
const optionalInt = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (v === "" || v === "auto" || v === undefined ? null : Number(v)),
    z.number({ invalid_type_error: `${what} must be a number` }).int(`${what} must be a whole number`).min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`).nullable(),
  );

const SettingsForm = z.object({
  churnHorizonDays: optionalInt(14, 730, "The churn horizon"),
  clusterK: optionalInt(2, 12, "The number of clusters"),
  tagPrefix: z
    .string()
    .trim()
    .min(1, "The tag prefix cannot be empty")
    .max(20, "The tag prefix can have at most 20 characters")
    .regex(/^[a-z0-9][a-z0-9-]*$/i, "The tag prefix can only use letters, digits and dashes"),
  autoTag: checkbox,
  tagSegments: checkbox,
  tagRisk: checkbox,
  tagClusters: checkbox,
  refreshEveryHours: z.coerce.number().int().refine((v) => [0, 6, 12, 24, 168].includes(v), "Pick a refresh schedule from the list"),
  recsEnabled: checkbox,
  recsCount: z.coerce.number().int("Recommendations must be a whole number").min(1, "Show at least 1 recommendation").max(20, "Show at most 20 recommendations"),
});

type ActionResult = { ok: boolean; message: string; errors?: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  if (intent === "remove-tags") {
    await enqueueJob(shop, "remove-tags");
    return json<ActionResult>({ ok: true, message: "Removing every Churnless tag and segment. Follow it on the Sync page." });
  }
  if (intent === "preview") {
    await enqueueJob(shop, "preview");
    return json<ActionResult>({ ok: true, message: "Computing the preview of tag changes. Reload this page in a minute to see it." });
  }
  if (intent === "analyze") {
    await enqueueJob(shop, "analyze");
    return json<ActionResult>({ ok: true, message: "Re-analysing your customers with these settings. Follow it on the Sync page." });
  }
  const parsed = SettingsForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return json<ActionResult>({ ok: false, message: "Settings were not saved: fix the fields marked below.", errors }, { status: 400 });
  }
  const before = await getShopSettings(db, shop);
  const turningOnAutoTag = parsed.data.autoTag && !before.autoTag;
  if (turningOnAutoTag && !before.previewSeenAt) {
    return json<ActionResult>(
      {
        ok: false,
        message: "Settings were not saved: look at the preview of tag changes first.",
        errors: { autoTag: "Run the preview below and check it, then turn automatic tagging on." },
      },
      { status: 400 },
    );
  }
  // A new prefix must not collide with the shop's own tags, and its tags move only after a new preview.
  const prefixChange = await changeTagPrefix(db, shop, parsed.data.tagPrefix, admin ? () => readShopCustomerTags(admin) : null);
  if (!prefixChange.ok) {
    return json<ActionResult>({ ok: false, message: "Settings were not saved: fix the fields marked below.", errors: { tagPrefix: prefixChange.message } }, { status: 400 });
  }
  await updateShopSettings(db, shop, { ...parsed.data, tagPrefix: prefixChange.prefix });
  // Turning auto-tagging on publishes the current analysis now, not only after the next one.
  if (turningOnAutoTag) await enqueueJob(shop, "publish", { force: true });
  if (before.refreshEveryHours !== parsed.data.refreshEveryHours) {
    try {
      await (await getQueue()).schedule(shop, parsed.data.refreshEveryHours);
    } catch (error) {
      return json<ActionResult>({ ok: false, message: `Settings saved, but the refresh schedule could not be changed: ${(error as Error).message}` });
    }
  }
  return json<ActionResult>({ ok: true, message: "Settings saved." });
};

const SCHEDULES = [
  { label: "Manually only", value: "0" },
  { label: "Every 6 hours", value: "6" },
  { label: "Every 12 hours", value: "12" },
  { label: "Every day", value: "24" },
  { label: "Every week", value: "168" },
];

export default function Settings() {
  const { settings: s, preview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saving = useSubmitting("intent", "save");
  const errors = result?.errors ?? {};

  const [prefix, setPrefix] = useState(s.tagPrefix);
  const [autoTag, setAutoTag] = useState(s.autoTag);
  const [tagSegments, setTagSegments] = useState(s.tagSegments);
  const [tagRisk, setTagRisk] = useState(s.tagRisk);
  const [tagClusters, setTagClusters] = useState(s.tagClusters);
  const [refresh, setRefresh] = useState(String(s.refreshEveryHours));
  const [recsEnabled, setRecsEnabled] = useState(s.recsEnabled);

  return (
    <Page title="Settings">
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        )}
        <Layout.Section>
          <Form method="post" aria-label="Settings">
            <input type="hidden" name="intent" value="save" />
            {/* Unchecked checkboxes send nothing: these hidden fields carry the current state. */}
            <input type="hidden" name="autoTag" value={String(autoTag)} />
            <input type="hidden" name="tagSegments" value={String(tagSegments)} />
            <input type="hidden" name="tagRisk" value={String(tagRisk)} />
            <input type="hidden" name="tagClusters" value={String(tagClusters)} />
            <input type="hidden" name="recsEnabled" value={String(recsEnabled)} />
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Analysis
                  </Text>
                  <NumberField label="Churn horizon (days)" name="churnHorizonDays" initial={s.churnHorizonDays} automatic error={errors.churnHorizonDays}
                    helpText="A customer counts as churned with no order within this many days. Leave empty to derive it from your customers' typical time between orders."
                  />
                  <NumberField label="Number of clusters" name="clusterK" initial={s.clusterK} automatic error={errors.clusterK}
                    helpText="Leave empty to let the analysis choose (3 to 8), or fix it from 2 to 12."
                  />
                  <Select label="Refresh" name="refreshEveryHours" options={SCHEDULES} value={refresh} onChange={setRefresh} error={errors.refreshEveryHours} />
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Customer tags
                  </Text>
                  <TextField
                    label="Tag prefix"
                    name="tagPrefix"
                    value={prefix}
                    onChange={setPrefix}
                    helpText={`Tags look like ${prefix || "churnless"}:risk:high. Changing the prefix replaces the old tags on the next publish.`}
                    error={errors.tagPrefix}
                    autoComplete="off"
                  />
                  <BlockStack gap="100">
                    <Checkbox label="RFM segment tags" checked={tagSegments} onChange={setTagSegments} />
                    <Checkbox label="Churn-risk band tags" checked={tagRisk} onChange={setTagRisk} />
                    <Checkbox label="Cluster tags" checked={tagClusters} onChange={setTagClusters} />
                  </BlockStack>
                  <Checkbox
                    label="Write tags automatically after each analysis"
                    helpText="Off: nothing is written to your store until you turn this on. Check the preview first."
                    checked={autoTag}
                    onChange={setAutoTag}
                    disabled={!s.previewSeen && !autoTag}
                    error={errors.autoTag}
                  />
                  <Text as="p" variant="bodySm" tone="subdued">
                    Last published: {formatDateTime(s.lastPublishAt)}
                  </Text>
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Recommendations
                  </Text>
                  <Checkbox label="Show product recommendations on the storefront" checked={recsEnabled} onChange={setRecsEnabled} />
                  <NumberField label="Products to recommend" name="recsCount" initial={s.recsCount} error={errors.recsCount} />
                </FormLayout>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={saving}>
                  Save
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>

        <Layout.Section>
          <SectionCard title="Preview and undo" gap="300">
            {preview ? (
              <BlockStack gap="100">
                <Text as="p">
                  Preview of {formatDateTime(preview.startedAt)} ({preview.status}):
                </Text>
                <List>
                  {preview.lines.map((line) => (
                    <List.Item key={line}>{line}</List.Item>
                  ))}
                </List>
              </BlockStack>
            ) : (
              <Text as="p" tone="subdued">
                No preview yet: it shows which tags would be added and removed, without writing anything.
              </Text>
            )}
            <InlineStack gap="200" wrap>
              <IntentButton intent="preview">Preview tag changes</IntentButton>
              <IntentButton intent="analyze">Re-analyse now</IntentButton>
              <IntentButton
                intent="remove-tags"
                tone="critical"
                confirm="Remove every Churnless tag from your customers and delete Churnless's Shopify segments?"
              >
                Remove all Churnless tags
              </IntentButton>
            </InlineStack>
          </SectionCard>
        </Layout.Section>

        <Layout.Section>
          <SectionCard title="What data Churnless keeps, and why">
            <List>
              <List.Item>
                Orders: ids, dates, amounts, refunds, status and line items (product, variant, quantity, price), to model how each customer buys.
              </List.Item>
              <List.Item>Products: id, handle, type, price and stock, to recommend products that exist and are in stock.</List.Item>
              <List.Item>Customer scores: churn risk, value, segment and the reasons, keyed by Shopify's customer id, to tag and show them.</List.Item>
              <List.Item>A log of the tags Churnless wrote, so they can be removed exactly.</List.Item>
              <List.Item>
                No names, emails, addresses or phone numbers are stored. The customer page reads a name live from Shopify only to show it to you.
              </List.Item>
              <List.Item>
                When a customer asks to be forgotten, their data is deleted; when you uninstall, everything of your store is deleted 48 hours later
                on Shopify&apos;s request.
              </List.Item>
            </List>
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Settings" />;
}
