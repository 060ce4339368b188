import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";
import { Text } from "@shopify/polaris";
import { ListOrEmpty } from "./ListOrEmpty";
import { SectionCard } from "./SectionCard";
import { useShopFormat } from "./ShopContext";

interface DueView {
  error: string | null;
  due: Array<{
    productId: string;
    name: string;
    lastBoughtAt: string;
    dueFrom: string;
    dueTo: string;
    cycleDays: number | null;
  }>;
}

/**
 * The customer page's "Due to reorder" card, self-contained: the products whose supply the
 * customer is running out of, and when the next purchase is expected (a date range), from /app/reorder.
 */
export function DueCard({ customerId }: { customerId: string }) {
  const load = useFetcher<DueView>();
  const f = useShopFormat();
  useEffect(() => {
    if (load.state === "idle" && !load.data) load.load(`/app/reorder?customerId=${encodeURIComponent(customerId)}`);
  }, [customerId, load]);
  return (
    <SectionCard title="Due to reorder">
      {!load.data ? (
        <Text as="p" tone="subdued">
          Loading…
        </Text>
      ) : load.data.error ? (
        <Text as="p" tone="critical">
          {load.data.error}
        </Text>
      ) : (
        <ListOrEmpty
          items={load.data.due.map((d) => ({
            key: d.productId,
            content: `${d.name}: expected ${f.dateRange(d.dueFrom, d.dueTo)} (last bought ${f.date(d.lastBoughtAt)}${d.cycleDays ? `; usually every ${Math.round(d.cycleDays)} days per unit` : ""})`,
          }))}
          empty="Nothing due: no consumable this customer buys again is running out."
        />
      )}
    </SectionCard>
  );
}
