import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { recordPreviewSeen, saveSettings, settingsPage } from "./data.server";
import { SyncProgress } from "../../components/SyncProgress";
import { usePolling } from "../../components/usePolling";
import { readShopCustomerTags } from "../../shopify/tag-writer.server";
import { enqueueJob, getQueue } from "../../jobs/runtime/queue.server";
import { RouteError } from "../../components/RouteError";
import { IntentButton, useSubmitting } from "../../components/IntentButton";
import { SectionCard } from "../../components/SectionCard";
import { NumberField } from "../../components/NumberField";
import { useShopFormat } from "../../components/ShopContext";
import { useAppData } from "../../components/useAppData";
import { themeEditorUrl } from "../../components/words";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await settingsPage(db, shop));
};

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());
/** A whole number from min to max, or empty for automatic; every refusal states the limits. */
const optionalInt = (min: number, max: number, what: string) => {
  const message = `${what}: enter a whole number from ${min} to ${max}, or leave it empty for automatic`;
  return z.preprocess(
    (v) => (typeof v !== "string" || v.trim() === "" || v === "auto" ? null : Number(v)),
    z
      .number({ invalid_type_error: message })
      .finite(message)
      .int(message)
      .min(min, message)
      .max(max, message)
      .nullable(),
  );
};
const RECS_MESSAGE = "Show from 1 to 20 recommendations (a whole number)";

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
  refreshEveryHours: z.coerce
    .number({ invalid_type_error: "Pick a refresh schedule from the list" })
    .int("Pick a refresh schedule from the list")
    .refine((v) => [0, 6, 12, 24, 168].includes(v), "Pick a refresh schedule from the list"),
  recsEnabled: checkbox,
  recsCount: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ required_error: RECS_MESSAGE, invalid_type_error: RECS_MESSAGE })
      .int(RECS_MESSAGE)
      .min(1, RECS_MESSAGE)
      .max(20, RECS_MESSAGE),
  ),
});

type ActionResult = { ok: boolean; message: string; errors?: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  if (intent === "remove-tags") {
    await enqueueJob(shop, "remove-tags");
    return json<ActionResult>({
      ok: true,
      message: "Removing every Churnless tag and segment. Follow it on the Sync page.",
    });
  }
  if (intent === "preview") {
    await enqueueJob(shop, "preview");
    return json<ActionResult>({
      ok: true,
      message: "Computing the preview of tag changes: it shows below when it is ready.",
    });
  }
  if (intent === "publish") {
    // Publishing what the merchant saw: never from a preview that is out of date or while a job runs.
    const page = await settingsPage(db, shop);
    if (page.previewStale || page.activeRun || page.preview?.status !== "succeeded")
      return json<ActionResult>(
        {
          ok: false,
          message: page.activeRun
            ? "A job is running: publish once it has finished and the preview is up to date."
            : `The preview is out of date. ${page.previewStale ?? ""} Compute it again with "Preview tag changes", check it, then publish.`,
        },
        { status: 409 },
      );
    // "Publish now" from the preview: writes the current analysis' tags and segments once, auto-tag on or off.
    await enqueueJob(shop, "publish", { force: true });
    return json<ActionResult>({
      ok: true,
      message: "Publishing the tags and segments of the preview now. Follow it on the Sync page.",
    });
  }
  if (intent === "analyze") {
    await enqueueJob(shop, "analyze");
    return json<ActionResult>({
      ok: true,
      message: "Re-analysing your customers with these settings. Follow it on the Sync page.",
    });
  }
  if (intent === "preview-seen") {
    // Sent by the page when it shows a preview that counts (see PreviewSeen below): auto-tagging may be turned on.
    const recorded = await recordPreviewSeen(db, shop, String(form.get("previewId") ?? ""));
    return json<ActionResult>({
      ok: true,
      message: recorded ? "The preview is recorded as seen." : "Nothing to record.",
    });
  }
  const parsed = SettingsForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return json<ActionResult>(
      { ok: false, message: "Settings were not saved: fix the fields marked below.", errors },
      { status: 400 },
    );
  }
  const saved = await saveSettings(db, shop, parsed.data, admin ? () => readShopCustomerTags(admin) : null);
  if (!saved.ok) {
    const message = saved.errors.autoTag
      ? "Settings were not saved: look at the preview of tag changes first."
      : "Settings were not saved: fix the fields marked below.";
    return json<ActionResult>({ ok: false, message, errors: saved.errors }, { status: 400 });
  }
  // Turning auto-tagging on publishes the current analysis now, not only after the next one.
  if (saved.turnedOnAutoTag) await enqueueJob(shop, "publish", { force: true });
  if (saved.refreshChanged) {
    try {
      await (await getQueue()).schedule(shop, parsed.data.refreshEveryHours);
    } catch (error) {
      return json<ActionResult>({
        ok: false,
        message: `Settings saved, but the refresh schedule could not be changed: ${(error as Error).message}`,
      });
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
  const { settings: s, preview, previewToRecord, previewStale, activeRun } = useLoaderData<typeof loader>();
  // While a job runs (a preview being computed, a publish, an analysis) the page follows it.
  usePolling(activeRun !== null);
  const result = useActionData<typeof action>();
  const saving = useSubmitting("intent", "save");
  const errors = result?.errors ?? {};
  const f = useShopFormat();
  const { shop, apiKey } = useAppData();

  const [prefix, setPrefix] = useState(s.tagPrefix);
  const [autoTag, setAutoTag] = useState(s.autoTag);
  const [tagSegments, setTagSegments] = useState(s.tagSegments);
  const [tagRisk, setTagRisk] = useState(s.tagRisk);
  const [tagClusters, setTagClusters] = useState(s.tagClusters);
  const [refresh, setRefresh] = useState(String(s.refreshEveryHours));
  const [recsEnabled, setRecsEnabled] = useState(s.recsEnabled);
  usePreviewSeen(previewToRecord);

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
                  <Text as="p" variant="bodySm" tone="subdued">
                    These apply at the next analysis: after the next sync on your refresh schedule, or now with
                    &quot;Re-analyze now&quot;.
                  </Text>
                  <NumberField
                    label="Churn horizon (days)"
                    name="churnHorizonDays"
                    initial={s.churnHorizonDays}
                    automatic
                    automaticText={s.horizonNow ? `Automatic: ${s.horizonNow} days now` : "Automatic"}
                    error={errors.churnHorizonDays}
                    helpText={`A customer counts as gone with no order within this many days. Empty: Churnless derives it from your customers' usual time between orders${s.horizonNow && s.churnHorizonDays === null ? ` (${s.horizonNow} days in the latest analysis)` : ""}.`}
                  />
                  <NumberField
                    label="Number of clusters"
                    name="clusterK"
                    initial={s.clusterK}
                    automatic
                    error={errors.clusterK}
                    helpText="Leave empty to let the analysis choose (3 to 8), or fix it from 2 to 12."
                  />
                  <Select
                    label="Refresh"
                    name="refreshEveryHours"
                    options={SCHEDULES}
                    value={refresh}
                    onChange={setRefresh}
                    error={errors.refreshEveryHours}
                    helpText="Applies as soon as you save: new orders are read, then customers re-analysed, on this schedule."
                  />
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
                    helpText={`Tags look like ${prefix || "churnless"}:risk:high. Tag settings apply at the next publish: the old prefix's tags are replaced then.`}
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
                    {s.lastPublishAt
                      ? `Last published: ${f.dateTime(s.lastPublishAt)}`
                      : "Preview, nothing written yet: no tag has been written to your store."}
                  </Text>
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Recommendations
                  </Text>
                  <Checkbox
                    label="Show product recommendations on the storefront"
                    checked={recsEnabled}
                    onChange={setRecsEnabled}
                  />
                  <NumberField
                    label="Recommendations kept per customer"
                    name="recsCount"
                    initial={s.recsCount}
                    error={errors.recsCount}
                    helpText="How many products Churnless picks for each customer (applies at the next analysis and publish). How many are shown on a page is the theme block's own “Number of products” setting (2 to 12): that one governs the storefront, showing at most the products kept here."
                  />
                  {shop && apiKey && (
                    <InlineStack gap="200">
                      <Button url={themeEditorUrl(shop, apiKey, "product")} target="_blank">
                        Add the block to the product page
                      </Button>
                      <Button url={themeEditorUrl(shop, apiKey, "cart")} target="_blank" variant="plain">
                        Add it to the cart page
                      </Button>
                    </InlineStack>
                  )}
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
            {activeRun && (
              <div data-testid="settings-job">
                <SyncProgress run={activeRun} />
              </div>
            )}
            {preview && preview.status === "succeeded" && previewStale && (
              <Banner tone="warning" title="This preview is out of date">
                <p data-testid="preview-stale">
                  {previewStale} Publishing is off until it is computed again with &quot;Preview tag changes&quot;.
                </p>
              </Banner>
            )}
            {preview && preview.status !== "running" && preview.status !== "queued" ? (
              <BlockStack gap="100">
                <Text as="p">
                  Preview of {f.dateTime(preview.startedAt)} (
                  {preview.status === "succeeded" ? (previewStale ? "out of date" : "ready") : preview.status})
                  {s.lastPublishAt ? "" : ": preview, nothing written yet"}:
                </Text>
                <div data-testid="preview-lines">
                  <List>
                    {preview.lines.map((line) => (
                      <List.Item key={line}>{line}</List.Item>
                    ))}
                  </List>
                </div>
              </BlockStack>
            ) : (
              !activeRun && (
                <Text as="p" tone="subdued">
                  No preview yet: it shows which tags would be added and removed, without writing anything.
                </Text>
              )
            )}
            <InlineStack gap="200" wrap>
              {preview?.status === "succeeded" && (
                <IntentButton
                  intent="publish"
                  disabled={!!previewStale || activeRun !== null}
                  variant="primary"
                  confirm="Write these tag changes and Shopify segments to your store now?"
                >
                  Publish now
                </IntentButton>
              )}
              <IntentButton intent="preview">Preview tag changes</IntentButton>
              <IntentButton intent="analyze">Re-analyze now</IntentButton>
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
                Orders: ids, dates, amounts, refunds, status and line items (product, variant, quantity, price), to
                model how each customer buys.
              </List.Item>
              <List.Item>
                Products: id, handle, type, price and stock, to recommend products that exist and are in stock.
              </List.Item>
              <List.Item>
                Customer scores: churn risk, value, segment and the reasons, keyed by Shopify's customer id, to tag and
                show them.
              </List.Item>
              <List.Item>A log of the tags Churnless wrote, so they can be removed exactly.</List.Item>
              <List.Item>
                No names, emails, addresses or phone numbers are stored. The customer page reads a name live from
                Shopify only to show it to you.
              </List.Item>
              <List.Item>
                When a customer asks to be forgotten, their data is deleted; when you uninstall, everything of your
                store is deleted 48 hours later on Shopify&apos;s request.
              </List.Item>
            </List>
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Shown a preview that counts and is not recorded yet: tells the server once, with a POST (loaders never write). */
function usePreviewSeen(previewId: string | null) {
  const fetcher = useFetcher();
  const { submit } = fetcher;
  useEffect(() => {
    if (previewId) submit({ intent: "preview-seen", previewId }, { method: "post" });
  }, [previewId, submit]);
}

export function ErrorBoundary() {
  return <RouteError title="Settings" />;
}
