import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Text } from "@shopify/polaris";
import { SectionCard } from "./SectionCard";
import { useShopFormat } from "./ShopContext";

interface OptOutView {
  optedOut?: boolean;
  optedOutAt?: string | null;
  source?: string | null;
  revokedAt?: string | null;
  error?: string | null;
}

/**
 * The customer page's opt-out control: self-contained, it reads and changes the customer's
 * opt-out through /app/opt-outs. Opted out: no app tags, metafields, control groups or Flow triggers, and
 * only non-personal storefront recommendations (tags and metafields come off at once); reversible here.
 */
export function OptOutCard({ customerId }: { customerId: string }) {
  const load = useFetcher<OptOutView>();
  const change = useFetcher<OptOutView>();
  const f = useShopFormat();
  useEffect(() => {
    if (load.state === "idle" && !load.data) load.load(`/app/opt-outs?customerId=${encodeURIComponent(customerId)}`);
  }, [customerId, load]);
  const state = change.data ?? load.data;
  const busy = change.state !== "idle";
  return (
    <SectionCard title="Automated decisions">
      {!state ? (
        <Text as="p" tone="subdued">
          Loading…
        </Text>
      ) : state.error ? (
        <Banner tone="critical">
          <Text as="p">{state.error}</Text>
        </Banner>
      ) : (
        <BlockStack gap="200">
          <Text as="p">
            {state.optedOut
              ? `Opted out on ${f.date(state.optedOutAt ?? null)} (${state.source === "shopper" ? "by the customer, from the shop" : "by you"}). Churnless writes no tags, metafields, control groups or Flow triggers for this customer and shows them only non-personal suggestions. The scores still count in the shop's figures.`
              : "Churnless tags this customer, writes their metafields, may hold them out of a control group, fires Flow triggers and personalises their suggestions. You can opt them out (for example when they ask)."}
          </Text>
          <change.Form method="post" action="/app/opt-outs">
            <input type="hidden" name="customerId" value={customerId} />
            <input type="hidden" name="intent" value={state.optedOut ? "restore" : "opt-out"} />
            <Button submit loading={busy} tone={state.optedOut ? undefined : "critical"}>
              {state.optedOut ? "Undo the opt-out" : "Opt out of automated decisions"}
            </Button>
          </change.Form>
          <Text as="p" variant="bodySm" tone="subdued">
            Opting out removes the app's tags and metafields from Shopify now; undoing it restores them at the next
            publish.
          </Text>
        </BlockStack>
      )}
    </SectionCard>
  );
}
