/**
 * Converts CDNOW text (Fader & Hardie's files: [sample id,] customer id, yyyymmdd, CDs, dollars per
 * line) to OrderInput, one order per line. Used by `npm run eval:churn` on the shared data. Pure: text
 * in, orders out. Cost: O(lines).
 */
import type { OrderInput } from "../analytics/types";

export function cdnowToOrders(text: string): OrderInput[] {
  const orders: OrderInput[] = [];
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 4) continue;
    const [idText, ymd, , dollars] = parts.length >= 5 ? parts.slice(1) : parts;
    if (!/^\d{8}$/.test(ymd)) continue;
    orders.push({
      id: `gid://shopify/Order/${++n}`,
      customerId: `gid://shopify/Customer/${Number(idText)}`,
      processedAt: new Date(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}T00:00:00Z`),
      cancelledAt: null,
      test: false,
      total: Number(dollars),
      refunded: 0,
      currency: "USD",
      lineItems: [],
    });
  }
  return orders;
}
