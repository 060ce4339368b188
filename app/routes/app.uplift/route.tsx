import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { setControlGroup } from "../../models/holdouts.server";
import { upliftPage } from "./data.server";
import { DEFAULT_HOLDOUT_SHARE } from "../../analytics/experiments/holdout";
import {
  MAX_SHARE_PERCENT,
  MIN_SHARE_PERCENT,
  readUpliftAction,
  readUpliftQuery,
  type UpliftField,
} from "../../models/control-group-form";
import { evidenceAdvice } from "../../analytics/experiments/decisions";
import { RouteError } from "../../components/RouteError";
import { SectionCard } from "../../components/SectionCard";
import { Stat } from "../../components/Stat";
import { NumberField } from "../../components/NumberField";
import { formatCount, formatPercent } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";

const KIND_LABEL: Record<string, string> = { rfm: "RFM segment", cluster: "Cluster", risk: "Risk band" };
/** Customers each group needs before the interval is given (confidence-sequence.ts's default). */
const MIN_PER_GROUP = 20;

/**
 * /app/uplift?period=90: control groups. The merchant turns one on for a segment (a share of its customers,
 * 10% by default, is held out of the campaigns); the page compares treated and held-out customers over a
 * fixed window from their draw: return rate (an anytime-valid 95% confidence sequence, so weekly looks
 * do not invent effects), the segment's uplift shrunk toward the shop's, the weeks still needed, revenue
 * per customer net of the incentive's cost, and what changed since the previous week (docs/control-groups.md).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = readUpliftQuery(new URL(request.url).searchParams);
  const page = await upliftPage(db, shop, query.period);
  return json(
    {
      ...page,
      queryErrors: query.errors,
      segments: page.segments.map((s) => ({
        ref: s.ref,
        label: `${KIND_LABEL[s.kind] ?? s.kind}: ${s.name} (${formatCount(s.size)})`,
      })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};

type ActionResult = {
  error: string | null;
  /** A message per field that could not be used; nothing was changed. */
  fields: Partial<Record<UpliftField, string>>;
  /** The form's segment and intent, so the message shows beside the form that was sent. */
  segment: string;
  intent: string;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const sent = { segment: String(form.get("segment") ?? "").slice(0, 200), intent: String(form.get("intent") ?? "") };
  const reading = readUpliftAction(form);
  if (!reading.ok) {
    const { share, incentiveCost, ...rest } = reading.errors;
    const fields = { ...(share ? { share } : {}), ...(incentiveCost ? { incentiveCost } : {}) };
    // Messages with no field of their own (segment, intent) show above the form.
    const error = Object.values(rest)[0] ?? null;
    return json<ActionResult>({ error, fields, ...sent }, { status: 400 });
  }
  const a = reading.action;
  const i = a.segment.indexOf(":");
  const [kind, key] = [a.segment.slice(0, i), a.segment.slice(i + 1)];
  try {
    if (a.intent === "on") await setControlGroup(db, shop, kind, key, { enabled: true, share: a.share / 100 });
    else if (a.intent === "off") await setControlGroup(db, shop, kind, key, { enabled: false });
    // An empty cost is "not entered": the revenue uplift is then shown before any cost.
    else await setControlGroup(db, shop, kind, key, { incentiveCost: a.incentiveCost });
  } catch (error) {
    // A segment the shop does not have comes back in words; nothing is changed.
    return json<ActionResult>({ error: (error as Error).message, fields: {}, ...sent }, { status: 400 });
  }
  return json<ActionResult>({ error: null, fields: {}, ...sent });
};

const VERDICT: Record<string, string> = {
  "treated-more": "Customers in your campaigns came back more than the held-out ones.",
  "treated-less": "Customers in your campaigns came back less than the held-out ones.",
  "no-clear-difference":
    "No clear difference: if your campaigns change the return rate, it is by less than the interval shows.",
  "too-few": "Too few customers to tell yet.",
};

const signedPoints = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}`;

function points(low: number | null, high: number | null) {
  if (low === null || high === null) return "not yet";
  return `${signedPoints(low)} to ${signedPoints(high)} points`;
}

type Report = ReturnType<typeof useLoaderData<typeof loader>>["reports"][number];

function ReportCard({ r, costError }: { r: Report; costError?: string }) {
  const f = useShopFormat();
  const res = r.result;
  const seq = r.sequence;
  const rev = r.revenue;
  const ch = r.change;
  const ref = `${r.segmentKind}:${r.segmentKey}`;
  const pending = r.pendingTreated + r.pendingHeldOut;
  const moneySigned = (v: number) => `${v >= 0 ? "+" : "−"}${f.money(Math.abs(v), 2)}`;
  const countedInWeek = ch.countedTreated + ch.countedHeldOut;
  return (
    <SectionCard title={`${KIND_LABEL[r.segmentKind] ?? r.segmentKind}: ${r.name}`} gap="300">
      <Text as="p" tone="subdued">
        {r.enabled
          ? `On since ${f.date(r.enabledAt)}, ${formatPercent(r.share, 0)} held out.`
          : "Off: nobody is held out now; the history below stays."}{" "}
        Each customer is followed for {r.periodDays} days from the day they were drawn and counts once those days are
        over. Results as of {f.date(r.asOf)} (the latest analysis): they change only with new orders or new members.
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
      {pending > 0 && (
        <div data-pending>
          <Text as="p" tone="subdued">
            {`${formatCount(pending)} more customers drawn (${formatCount(r.pendingTreated)} treated, ${formatCount(r.pendingHeldOut)} held out) count once their ${r.periodDays} days are over.`}
          </Text>
        </div>
      )}
      <Banner tone={res.verdict === "treated-more" ? "success" : res.verdict === "treated-less" ? "warning" : "info"}>
        <BlockStack gap="100">
          <Text as="p" fontWeight="semibold">
            <span data-verdict={res.verdict}>{VERDICT[res.verdict]}</span>
          </Text>
          {res.verdict === "too-few" && (
            <div data-weeks>
              <Text as="p">
                {r.weeks && r.weeks.weeks !== null
                  ? `Expected to be clear in about ${formatCount(r.weeks.weeks)} more weeks: about ${formatCount(r.weeks.customersNeeded)} customers counted in all, at ${r.entriesPerWeek.toFixed(1)} new customers a week in this segment, each followed ${r.periodDays} days (from the spread of the results so far).`
                  : "No new customers entered this segment lately, so the wait cannot be told."}
              </Text>
            </div>
          )}
          <div data-evidence={r.evidence.status}>
            <Text as="p">{evidenceAdvice(r.evidence)}</Text>
          </div>
        </BlockStack>
      </Banner>
      {r.current.diff !== null && (
        <BlockStack gap="100">
          <div data-sequence>
            <Text as="p">
              Return-rate difference: <strong>{`${signedPoints(seq.diff)} points`}</strong>; 95% interval that holds
              however often you look: {points(seq.ready ? seq.low : null, seq.ready ? seq.high : null)}
              {seq.ready ? "." : ` (from ${MIN_PER_GROUP} customers in each group).`}
            </Text>
          </div>
          {r.shrunk && (
            <div data-shrunk>
              <Text as="p">
                {`Best estimate for this segment, borrowing strength from your other control groups: ${signedPoints(r.shrunk.estimate)} points (${formatPercent(r.shrunk.shrinkage, 0)} of the way to the shop's overall ${signedPoints(r.shrunk.overall)} points).`}
              </Text>
            </div>
          )}
          <div data-revenue>
            <Text as="p">
              Revenue per customer in the {r.periodDays} days: <strong>{moneySigned(rev.net)}</strong>
              {rev.cost > 0 ? ` after the incentive (${f.money(rev.cost, 2)} per treated customer)` : ""}
              {rev.low !== null && rev.high !== null && rev.level !== null
                ? `; ${moneySigned(rev.low)} to ${moneySigned(rev.high)} (bootstrap, ${formatPercent(rev.level, 1)} at this look, as the interval above).`
                : "; no interval yet."}
            </Text>
          </div>
        </BlockStack>
      )}
      <div data-change>
        <Text as="p" tone="subdued">
          {countedInWeek === 0 && ch.drawn === 0
            ? `Nothing changed since ${f.date(ch.since)}: no customer finished their ${r.periodDays} days and nobody new was drawn.`
            : `Since ${f.date(ch.since)}: ${formatCount(countedInWeek)} customers finished their ${r.periodDays} days (${formatCount(ch.countedTreated)} treated, ${formatCount(ch.countedHeldOut)} held out), ${formatCount(ch.countedReturned)} of them came back` +
              (ch.diffFrom !== null && ch.diffTo !== null
                ? `; the difference moved from ${signedPoints(ch.diffFrom)} to ${signedPoints(ch.diffTo)} points`
                : "") +
              `; ${formatCount(ch.drawn)} customers were drawn.`}
        </Text>
      </div>
      <Form method="post">
        <input type="hidden" name="segment" value={ref} />
        <input type="hidden" name="intent" value="cost" />
        <InlineStack gap="300" blockAlign="end" wrap>
          <NumberField
            label="Incentive cost per treated customer"
            name="incentiveCost"
            initial={r.incentiveCost}
            helpText="A discount or voucher's cost; empty if none. The revenue uplift is shown net of it."
            error={costError}
          />
          <Button submit>Save cost</Button>
        </InlineStack>
      </Form>
      {r.enabled && (
        <Form method="post">
          <input type="hidden" name="segment" value={ref} />
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
  const { period, periods, segments, reports, queryErrors } = useLoaderData<typeof loader>();
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
                    helpText={`${MIN_SHARE_PERCENT} to ${MAX_SHARE_PERCENT}`}
                    error={result?.intent === "on" ? result.fields.share : undefined}
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
          {queryErrors.period && (
            <Banner tone="warning">
              <Text as="p">{`${queryErrors.period}: showing ${period} days.`}</Text>
            </Banner>
          )}
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Followed for:</Text>
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
            <ReportCard
              r={r}
              costError={
                result?.intent === "cost" && result.segment === `${r.segmentKind}:${r.segmentKey}`
                  ? result.fields.incentiveCost
                  : undefined
              }
            />
          </Layout.Section>
        ))}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Control groups" />;
}
