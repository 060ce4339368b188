/** Loads the CDNOW sample (test/fixtures/cdnow) as orders, one per purchase record. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CustomerHistory, OrderInput } from "../../app/analytics/types";

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

/** Orders of CDNOW-format text (customer id, yyyymmdd, CDs, dollars per line). */
export function cdnowTextToOrders(text: string, keep?: (customerId: number) => boolean): OrderInput[] {
  const orders: OrderInput[] = [];
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 4) continue;
    const [idText, ymd, , dollars] = parts.length >= 5 ? parts.slice(1) : parts;
    const id = Number(idText);
    if (keep && !keep(id)) continue;
    orders.push({
      id: `gid://shopify/Order/${++n}`,
      customerId: `gid://shopify/Customer/${id}`,
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

/** Where the full CDNOW file lives (../shared, present in CI only). */
export const CDNOW_MASTER = join(process.cwd(), "../shared/data/cdnow/CDNOW_master.txt");

/**
 * A small shop drawn from the full CDNOW file: `customers` customer ids picked with a fixed seed
 * (mulberry32), all their orders. The same (customers, seed) always gives the same shop.
 */
export function cdnowShop(customers: number, seed: number, path = CDNOW_MASTER): OrderInput[] {
  const text = readFileSync(path, "utf8");
  const ids = new Set<number>();
  for (const line of text.split(/\r?\n/)) {
    const id = Number(line.trim().split(/\s+/)[0]);
    if (Number.isFinite(id) && id > 0) ids.add(id);
  }
  const all = [...ids].sort((a, b) => a - b);
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const chosen = new Set(all.slice(0, customers));
  return cdnowTextToOrders(text, (id) => chosen.has(id));
}

/**
 * The CDNOW sample's histories as the BG/NBD paper counts them: every transaction up to `asOf` is a
 * purchase, including the 8 of $0 that the app's purchase filter drops (free CDs are no purchase for a
 * merchant), so the published numbers reproduce exactly. Distinct days per customer, ids in order.
 */
export function cdnowPaperHistories(asOf: Date): CustomerHistory[] {
  const days = new Map<string, Map<number, number>>();
  for (const o of loadCdnowOrders()) {
    if (o.processedAt > asOf) continue;
    const d = Math.floor(o.processedAt.getTime() / 86_400_000);
    let m = days.get(o.customerId!);
    if (!m) days.set(o.customerId!, (m = new Map()));
    m.set(d, (m.get(d) ?? 0) + o.total);
  }
  return [...days.keys()].sort().map((customerId) => {
    const entries = [...days.get(customerId)!.entries()].sort((a, b) => a[0] - b[0]);
    return { customerId, occasionDays: entries.map((e) => e[0]), occasionValues: entries.map((e) => e[1]) };
  });
}
