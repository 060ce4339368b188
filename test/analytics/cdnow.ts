/** Loads the CDNOW sample (test/fixtures/cdnow) as orders, one per purchase record. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OrderInput } from "../../app/analytics/types";

export const CDNOW_CALIBRATION_END = new Date("1997-09-30T00:00:00Z");
export const CDNOW_HOLDOUT_END = new Date("1998-06-30T00:00:00Z");

export function loadCdnowOrders(): OrderInput[] {
  const text = readFileSync(join(process.cwd(), "test/fixtures/cdnow/CDNOW_sample.txt"), "utf8");
  const orders: OrderInput[] = [];
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 5) continue;
    const [, sampleId, ymd, , dollars] = parts;
    const date = new Date(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}T00:00:00Z`);
    orders.push({
      id: `gid://shopify/Order/${++n}`,
      customerId: `gid://shopify/Customer/${Number(sampleId)}`,
      processedAt: date,
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
