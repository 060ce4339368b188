import { Link as RemixLink } from "@remix-run/react";
import { BlockStack, Box, InlineStack, Link, Text } from "@shopify/polaris";
import { SectionCard } from "../../components/SectionCard";
import { countOf, formatCount } from "../../components/format";
import { useShopFormat } from "../../components/ShopContext";
import type { DashboardData } from "./types";

/** What to do next: each action once, ordered by the value at risk of its segments. */
export function ActionsCard({ d }: { d: DashboardData }) {
  const f = useShopFormat();
  return (
    <SectionCard title="What to do next" gap="300">
      <Text as="p" variant="bodySm" tone="subdued">
        Ordered by the value at risk in the segments each action is for; actions your control groups show to work come
        first, by the revenue they are expected to recover.
      </Text>
      {d.actions.length === 0 && <Text as="p">Actions appear after the first analysis.</Text>}
      {d.actions.map((a, i) => (
        <div key={a.title} data-action={a.title}>
          <Box paddingBlockStart={i ? "300" : "0"} borderBlockStartWidth={i ? "025" : "0"} borderColor="border">
            <BlockStack gap="100">
              <InlineStack gap="200" blockAlign="center" wrap>
                <Text as="h3" variant="headingSm">
                  {a.title}
                </Text>
                <Text as="span" variant="bodySm">
                  <span data-action-stake={a.title}>{f.money(a.valueAtRisk)}</span> at risk ·{" "}
                  {countOf(a.customers, "customer")}
                </Text>
              </InlineStack>
              <Text as="p">{a.detail}</Text>
              <InlineStack gap="300" wrap>
                {a.segments.map((s) => (
                  <InlineStack key={s.key} gap="100" blockAlign="center">
                    <RemixLink to={s.customersUrl}>{`${s.name} (${formatCount(s.customers)})`}</RemixLink>
                    {s.shopifySegmentUrl && (
                      <Link url={s.shopifySegmentUrl} target="_blank">
                        Shopify segment
                      </Link>
                    )}
                  </InlineStack>
                ))}
              </InlineStack>
              {a.segments.map(
                (s) =>
                  s.evidence && (
                    <div key={s.key} data-evidence={s.evidence.status}>
                      <Text as="p" variant="bodySm" tone="subdued">
                        {s.evidence.advice}
                        {s.evidence.recovered &&
                          ` Expected recovered revenue: ${f.money(s.evidence.recovered.expected)} (${f.money(s.evidence.recovered.low)} to ${f.money(s.evidence.recovered.high)}).`}
                      </Text>
                    </div>
                  ),
              )}
            </BlockStack>
          </Box>
        </div>
      ))}
    </SectionCard>
  );
}
