/**
 * A small hand-made shop for publish tests: customers with merchant tags (look-alikes of ours included),
 * a few with stale app tags, products to recommend, and matching CustomerScore / Segment rows.
 */
import type { Db } from "../../../app/db.server";
import type { ScoreRow } from "../../../app/jobs/publish/run.server";
import { createAdminClient, type AdminClient } from "../../../app/shopify/client.server";
import type { AdminGraphql } from "../../../app/shopify/types";
import type { StandinCustomer, StandinProduct, StandinShopData } from "../../../packages/shopify-standin/src/types";
import { int, mulberry32, pick, randomMerchantTag } from "./prng";

export const BANDS = ["low", "medium", "high"] as const;
export const RFM = [
  { key: "champions", name: "Champions" },
  { key: "loyal", name: "Loyal customers" },
  { key: "at-risk", name: "At risk" },
  { key: "hibernating", name: "Hibernating" },
];
export const CLUSTERS = [
  { key: "lapsed-big-spenders", name: "Lapsed big spenders" },
  { key: "regulars", name: "Regulars" },
  { key: "one-time-buyers", name: "One-time buyers" },
];

export interface FixtureOptions {
  shop?: string;
  customers: number;
  seed?: number;
  /** Customers (by index) that get 249 merchant tags. */
  nearLimit?: number[];
  /** Share of customers with stale app tags from an imagined earlier publish. */
  staleShare?: number;
  /** Share of customers without a score (they must end with no app tags). */
  unscoredShare?: number;
}

export interface Fixture {
  data: StandinShopData;
  /** The merchant tags each customer starts with (what undo must restore). */
  merchantTags: Map<string, string[]>;
  scores: ScoreSeed[];
  products: string[];
}

/** A CustomerScore row as the publish reads it, with the recommended product ids as a list. */
export type ScoreSeed = Omit<ScoreRow, "recommendedJson" | "shopifyRfmGroup"> & { recommended: string[] };

const iso = (d: number) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString();

export function buildFixture(opts: FixtureOptions): Fixture {
  const rand = mulberry32(opts.seed ?? 7);
  const shop = opts.shop ?? "publish-test.myshopify.com";
  const products: StandinProduct[] = Array.from({ length: 12 }, (_, i) => ({
    id: `gid://shopify/Product/${9000 + i}`,
    handle: `product-${i}`,
    title: `Product ${i}`,
    productType: "Thing",
    vendor: "Acme",
    status: "ACTIVE",
    createdAt: iso(0),
    updatedAt: iso(0),
    variants: [{ id: `gid://shopify/ProductVariant/${19000 + i}`, price: "10.00", inventoryQuantity: 5 }],
  }));
  const customers: StandinCustomer[] = [];
  const merchantTags = new Map<string, string[]>();
  const scores: ScoreSeed[] = [];
  const near = new Set(opts.nearLimit ?? []);
  for (let i = 0; i < opts.customers; i++) {
    const id = `gid://shopify/Customer/${1000 + i}`;
    const tags: string[] = [];
    const keys = new Set<string>();
    const n = near.has(i) ? 249 : int(rand, 0, 6);
    while (tags.length < n) {
      // Merchant tags include some that share the prefix (`churnless:wholesale`): they are the merchant's.
      const t = near.has(i) && tags.length > 10 ? `bulk-tag-${tags.length}` : randomMerchantTag(rand, "churnless");
      const k = t.trim().toLowerCase();
      // Merchant tags as Shopify stores them: trimmed, unique ignoring case, never one of the app's kinds.
      if (!k || keys.has(k) || /^churnless:(risk|segment|cluster)(:|$)/.test(k) || t !== t.trim() || t.includes(","))
        continue;
      keys.add(k);
      tags.push(t);
    }
    merchantTags.set(id, [...tags]);
    if (rand() < (opts.staleShare ?? 0.2) && !near.has(i)) {
      tags.push(
        pick(rand, [
          "churnless:risk:low",
          "Churnless:Risk:Medium",
          "churnless:segment:old-segment",
          "CHURNLESS:cluster:gone",
        ]),
      );
    }
    customers.push({
      id,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `c${i}@example.com`,
      tags,
      createdAt: iso(i % 300),
      updatedAt: iso(i % 300),
    });
    if (rand() < (opts.unscoredShare ?? 0.05)) continue;
    const recs = Array.from({ length: int(rand, 0, 4) }, () => pick(rand, products).id);
    scores.push({
      customerId: id,
      rfmSegment: pick(rand, RFM).key,
      riskBand: pick(rand, BANDS),
      clusterKey: pick(rand, CLUSTERS).key,
      churnProbability: Math.round(rand() * 10_000) / 10_000,
      clv12m: Math.round(rand() * 50_000) / 100,
      recommended: [...new Set(recs)],
    });
  }
  return {
    data: { shop, currencyCode: "USD", products, customers, orders: [] },
    merchantTags,
    scores,
    products: products.map((p) => p.id),
  };
}

/** Copies a fixture's shop data (the stand-in mutates what it is given). */
export function cloneData(data: StandinShopData, shop = data.shop): StandinShopData {
  const copy = JSON.parse(JSON.stringify(data)) as StandinShopData;
  copy.shop = shop;
  return copy;
}

export async function insertScores(db: Db, shop: string, scores: readonly ScoreSeed[]): Promise<void> {
  const asOf = new Date("2026-01-01T00:00:00Z");
  const rows = scores.map((s) => ({
    shop,
    customerId: s.customerId,
    asOf,
    orders: 2,
    firstOrderAt: new Date("2025-01-01T00:00:00Z"),
    lastOrderAt: new Date("2025-10-01T00:00:00Z"),
    recencyDays: 92,
    monetary: 120,
    aov: 60,
    r: 3,
    f: 3,
    m: 3,
    rfmSegment: s.rfmSegment,
    clusterKey: s.clusterKey,
    churnProbability: s.churnProbability,
    riskBand: s.riskBand,
    pAlive: 1 - s.churnProbability,
    expectedOrders: 1,
    clv12m: s.clv12m,
    recommendedJson: JSON.stringify(s.recommended),
  }));
  for (let i = 0; i < rows.length; i += 500) await db.customerScore.createMany({ data: rows.slice(i, i + 500) });
  await db.segment.createMany({
    data: [
      ...RFM.map((s) => ({
        shop,
        kind: "rfm",
        key: s.key,
        name: s.name,
        size: scores.filter((x) => x.rfmSegment === s.key).length,
      })),
      ...CLUSTERS.map((s) => ({
        shop,
        kind: "cluster",
        key: s.key,
        name: s.name,
        size: scores.filter((x) => x.clusterKey === s.key).length,
      })),
    ],
  });
}

export function adminFor(standin: { url: string; tokenFor(shop: string): string }, shop: string): AdminClient {
  return createAdminClient({
    shop,
    accessToken: standin.tokenFor(shop),
    apiBaseUrl: standin.url,
    baseDelayMs: 20,
    maxDelayMs: 500,
  });
}

export interface RecordedRequest {
  document: string;
  variables?: Record<string, unknown>;
}

/** Wraps an AdminGraphql and records every request (document and variables) it sends. */
export function recording(admin: AdminGraphql): AdminGraphql & { log: RecordedRequest[] } {
  const log: RecordedRequest[] = [];
  return {
    log,
    get shop() {
      return admin.shop;
    },
    get stats() {
      return admin.stats;
    },
    request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
      log.push({ document, variables });
      return admin.request<T>(document, variables);
    },
  };
}

/** The mutations a publish can write with (a zero-writes run sends none of them). */
export const WRITE_OPERATIONS = new Set([
  "tagsAdd",
  "tagsRemove",
  "metafieldsSet",
  "metafieldDefinitionCreate",
  "segmentCreate",
  "segmentUpdate",
  "segmentDelete",
  "flowTriggerReceive",
  "stagedUploadsCreate",
  "bulkOperationRunMutation",
]);
