import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { setControlGroup } from "../../models/holdouts.server";
import { upliftPage, upliftPeriod } from "./data.server";
import { DEFAULT_HOLDOUT_SHARE } from "../../analytics/experiments/holdout";
import type { Interval } from "../../analytics/experiments/uplift";
import { RouteError } from "../../components/RouteError";
import { SectionCard } from "../../components/SectionCard";
import { Stat } from "../../components/Stat";
import { NumberField } from "../../components/NumberField";
import { formatCount, formatPercent } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";

const KIND_LABEL: Record<string, string> = { rfm: "RFM segment", cluster: "Cluster", risk: "Risk band" };

/**
 * /app/uplift?period=90: control groups. The merchant turns one on for a segment (a share of its customers,
 * 10% by default, is held out of the campaigns); the page compares treated and held-out customers since
 * they were drawn: return rate and revenue per customer, the difference with its 95% intervals.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const page = await upliftPage(db, shop, upliftPeriod(new URL(request.url).searchParams.get("period")));
  return json(
    {
      ...page,
      segments: page.segments.map((s) => ({
        ref: s.ref,
        label: `${KIND_LABEL[s.kind] ?? s.kind}: ${s.name} (${formatCount(s.size)})`,
      })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const ref = String(form.get("segment") ?? "");
  const i = ref.indexOf(":");
  if (i < 1) return json({ error: "Choose a segment." }, { status: 400 });
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "on") {
      const percent = Number(form.get("share") || DEFAULT_HOLDOUT_SHARE * 100);
      await setControlGroup(db, shop, ref.slice(0, i), ref.slice(i + 1), { enabled: true, share: percent / 100 });
    } else if (intent === "off") {
      await setControlGroup(db, shop, ref.slice(0, i), ref.slice(i + 1), { enabled: false });
    } else return json({ error: `Unknown action "${intent}".` }, { status: 400 });
  } catch (error) {
    // A bad share or segment comes back to the form in words; nothing is changed.
    return json({ error: (error as Error).message }, { status: 400 });
  }
  return json({ error: null });
};

const VERDICT: Record<string, string> = {
  "treated-more": "Customers in your campaigns came back more than the held-out ones.",
  "treated-less": "Customers in your campaigns came back less than the held-out ones.",
  "no-clear-difference":
    "No clear difference: if your campaigns change the return rate, it is by less than the interval shows.",
  "too-few": "Too few customers to tell yet.",
};

function points(i: Interval) {
  const f = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}`;
  return `${f(i.low)} to ${f(i.high)} points`;
}

type Report = ReturnType<typeof useLoaderData<typeof loader>>["reports"][number];

function ReportCard({ r }: { r: Report }) {
  const f = useShopFormat();
  const res = r.result;
  const money = (i: Interval) => `${f.money(i.low, 2)} to ${f.money(i.high, 2)}`;
  return (
    <SectionCard title={`${KIND_LABEL[r.segmentKind] ?? r.segmentKind}: ${r.name}`} gap="300">
      <Text as="p" tone="subdued">
        {r.enabled
          ? `On since ${f.date(r.enabledAt)}, ${formatPercent(r.share, 0)} held out.`
          : "Off: nobody is held out now; the history below stays."}{" "}
        Customers drawn in the last {r.periodDays} days, followed from the day they were drawn.
      </Text>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            In your campaigns (treated)
          </Text>
          <div data-group="treated">
            <InlineGrid columns={3} gap="200">
              <Stat label="Customers" value={formatCount(res.treated.customers)} />
              <Stat label="Came back" value={formatPercent(res.treated.returnRate)} />
              <Stat label="Revenue per customer" value={f.money(res.treated.revenuePerCustomer, 2)} />
            </InlineGrid>
          </div>
        </BlockStack>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Held out
          </Text>
          <div data-group="held-out">
            <InlineGrid columns={3} gap="200">
              <Stat label="Customers" value={formatCount(res.heldOut.customers)} />
              <Stat label="Came back" value={formatPercent(res.heldOut.returnRate)} />
              <Stat label="Revenue per customer" value={f.money(res.heldOut.revenuePerCustomer, 2)} />
            </InlineGrid>
          </div>
        </BlockStack>
      </InlineGrid>
      <Banner tone={res.verdict === "treated-more" ? "success" : res.verdict === "treated-less" ? "warning" : "info"}>
        <BlockStack gap="100">
          <Text as="p" fontWeight="semibold">
            {VERDICT[res.verdict]}
          </Text>
          {res.verdict === "too-few" && (
            <Text as="p">
              {res.customersNeeded !== null
                ? `About ${formatCount(res.customersNeeded - res.treated.customers - res.heldOut.customers)} more customers are needed`
                : "More customers are needed"}
              {res.weeksNeeded !== null
                ? `: about ${formatCount(res.weeksNeeded)} more weeks at the current rate (${r.entriesPerWeek.toFixed(1)} new customers a week in this segment).`
                : ": no new customers entered this segment lately, so the wait cannot be told."}
            </Text>
          )}
        </BlockStack>
      </Banner>
      {res.returnRate && res.revenuePerCustomer && (
        <BlockStack gap="100">
          <Text as="p">
            Return rate difference:{" "}
            <strong>{`${res.returnRate.diff >= 0 ? "+" : ""}${(res.returnRate.diff * 100).toFixed(1)} points`}</strong>;
            95% interval {points(res.returnRate.twoProportion)} (two-proportion), {points(res.returnRate.bootstrap)}{" "}
            (bootstrap).
          </Text>
          <Text as="p">
            Revenue per customer difference: <strong>{f.money(res.revenuePerCustomer.diff, 2)}</strong>; 95% interval{" "}
            {money(res.revenuePerCustomer.normal)} (normal), {money(res.revenuePerCustomer.bootstrap)} (bootstrap).
          </Text>
        </BlockStack>
      )}
      {r.enabled && (
        <Form method="post">
          <input type="hidden" name="segment" value={`${r.segmentKind}:${r.segmentKey}`} />
          <input type="hidden" name="intent" value="off" />
          <Button submit variant="plain" tone="critical">
            Turn this control group off
          </Button>
        </Form>
      )}
    </SectionCard>
  );
}

export default function UpliftPage() {
  // PERIODS and segmentRef come through the loader / inline: the component must not read a .server module.
  const { period, periods, segments, reports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const [segment, setSegment] = useState(segments[0]?.ref ?? "");
  return (
    <Page
      title="Control groups"
      subtitle="Did your campaigns bring customers back? Compare with customers you held out."
    >
      <Layout>
        <Layout.Section>
          <SectionCard title="Hold out a share of a segment" gap="300">
            <Text as="p">
              The held-out customers are drawn at random and stay drawn while they are in the segment. They get the tag{" "}
              <code>churnless:holdout</code> (with your prefix), are left out of the segment Churnless makes in Shopify
              for your campaigns, and get no Flow trigger. Everything else stays as it is. Off by default.
            </Text>
            {result?.error && (
              <Banner tone="critical">
                <Text as="p">{result.error}</Text>
              </Banner>
            )}
            {segments.length === 0 ? (
              <Text as="p" tone="subdued">
                No segments yet: run an analysis first.
              </Text>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="on" />
                <InlineStack gap="300" blockAlign="end" wrap>
                  <Select
                    label="Segment"
                    name="segment"
                    options={segments.map((s) => ({ label: s.label, value: s.ref }))}
                    value={segment}
                    onChange={setSegment}
                  />
                  <NumberField
                    label="Held out (%)"
                    name="share"
                    initial={DEFAULT_HOLDOUT_SHARE * 100}
                    helpText="1 to 50"
                  />
                  <Button submit variant="primary" loading={nav.state === "submitting"}>
                    Turn on
                  </Button>
                </InlineStack>
              </Form>
            )}
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Period:</Text>
            {periods.map((p) =>
              p === period ? (
                <Text as="span" key={p} fontWeight="bold">
                  {p} days
                </Text>
              ) : (
                <RemixLink key={p} to={`?period=${p}`}>
                  {p} days
                </RemixLink>
              ),
            )}
          </InlineStack>
        </Layout.Section>
        {reports.length === 0 && (
          <Layout.Section>
            <Text as="p" tone="subdued">
              No control group yet.
            </Text>
          </Layout.Section>
        )}
        {reports.map((r) => (
          <Layout.Section key={`${r.segmentKind}:${r.segmentKey}`}>
            <ReportCard r={r} />
          </Layout.Section>
        ))}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Control groups" />;
}
