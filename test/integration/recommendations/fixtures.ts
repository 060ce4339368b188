/**
 * A small, deterministic shop for the recommendation delivery tests: products of a few types, customers
 * who re-buy staples and buy pairs together (so co-purchase neighbours exist), guest orders, and
 * archived / draft / out-of-stock products that must never be shown.
 */
import type { Db } from "../../../app/db.server";
import { createRandom as rng } from "../../../packages/shopify-standin/src/faults";

export const gidProduct = (shop: string, n: number) => `gid://shopify/Product/${shopBase(shop) + n}`;
export const gidCustomer = (shop: string, n: number) => `gid://shopify/Customer/${shopBase(shop) + n}`;

/** Different shops get disjoint numeric ids, so a leak across shops is visible in the answer. */
function shopBase(shop: string): number {
  let h = 0;
  for (const ch of shop) h = (h * 31 + ch.charCodeAt(0)) % 9000;
  return (h + 1000) * 100000;
}

export interface SeedOptions {
  shop: string;
  products?: number;
  customers?: number;
  ordersPerCustomer?: number;
  guestOrders?: number;
  /** Product numbers (1-based) marked ARCHIVED, DRAFT, out of stock. */
  archived?: number[];
  draft?: number[];
  outOfStock?: number[];
  now?: Date;
}

export interface SeededShop {
  shop: string;
  products: string[];
  handles: Map<string, string>;
  customers: string[];
  orders: number;
}

const TYPES = ["Tea", "Coffee", "Mugs", "Snacks"];

/** Tiny deterministic PRNG (mulberry32, as the stand-in's faults use). */
export { rng };

export async function seedShop(db: Db, opts: SeedOptions): Promise<SeededShop> {
  const { shop } = opts;
  const nProducts = opts.products ?? 24;
  const nCustomers = opts.customers ?? 30;
  const perCustomer = opts.ordersPerCustomer ?? 4;
  const now = opts.now ?? new Date("2026-11-20T12:00:00Z");
  const random = rng(shopBase(shop));
  const products: string[] = [];
  const handles = new Map<string, string>();
  const rows = [];
  for (let i = 1; i <= nProducts; i++) {
    const id = gidProduct(shop, i);
    const handle = `${shop.split(".")[0]}-product-${i}`;
    products.push(id);
    handles.set(id, handle);
    rows.push({
      shop,
      id,
      handle,
      productType: TYPES[(i - 1) % TYPES.length],
      status: opts.archived?.includes(i) ? "ARCHIVED" : opts.draft?.includes(i) ? "DRAFT" : "ACTIVE",
      inStock: !opts.outOfStock?.includes(i),
      price: 5 + i,
    });
  }
  await db.product.createMany({ data: rows });

  const customers: string[] = [];
  let orderNo = 0;
  let lineNo = 0;
  const orders: Array<{ id: string; customerId: string | null; day: number; items: number[] }> = [];
  for (let c = 1; c <= nCustomers; c++) {
    const customerId = gidCustomer(shop, c);
    customers.push(customerId);
    const staple = 1 + (c % Math.min(8, nProducts));
    for (let k = 0; k < perCustomer; k++) {
      const items = new Set<number>([staple]);
      // Pairs bought together: product p with p + 1 (within the catalogue).
      const extra = 1 + Math.floor(random() * nProducts);
      items.add(extra);
      if (extra < nProducts) items.add(extra + 1);
      orders.push({ id: "", customerId, day: 200 - k * 30 - (c % 10), items: [...items] });
    }
  }
  for (let g = 0; g < (opts.guestOrders ?? 10); g++) {
    const a = 1 + Math.floor(random() * (nProducts - 1));
    orders.push({ id: "", customerId: null, day: 50 + g, items: [a, a + 1] });
  }
  const orderRows = [];
  const lineRows = [];
  for (const o of orders) {
    const id = `gid://shopify/Order/${shopBase(shop) + ++orderNo}`;
    const at = new Date(now.getTime() - o.day * 86_400_000);
    orderRows.push({
      shop,
      id,
      customerId: o.customerId,
      createdAt: at,
      processedAt: at,
      totalAmount: o.items.reduce((s, i) => s + 5 + i, 0),
      currencyCode: "EUR",
      sourceUpdatedAt: at,
    });
    for (const i of o.items) {
      lineRows.push({
        shop,
        id: `gid://shopify/LineItem/${shopBase(shop) + ++lineNo}`,
        orderId: id,
        productId: gidProduct(shop, i),
        variantId: null,
        quantity: 1,
        currentQuantity: 1,
        unitPrice: 5 + i,
      });
    }
  }
  for (let i = 0; i < orderRows.length; i += 500) await db.order.createMany({ data: orderRows.slice(i, i + 500) });
  for (let i = 0; i < lineRows.length; i += 500) await db.lineItem.createMany({ data: lineRows.slice(i, i + 500) });
  return { shop, products, handles, customers, orders: orderRows.length };
}

/** A CustomerScore row (only what the recommendations read matters; the rest is filler). */
export async function seedScore(db: Db, shop: string, customerId: string, recommended: string[], clusterKey = "c1") {
  const at = new Date("2026-11-01T00:00:00Z");
  await db.customerScore.create({
    data: {
      shop,
      customerId,
      asOf: at,
      orders: 3,
      firstOrderAt: at,
      lastOrderAt: at,
      recencyDays: 10,
      monetary: 100,
      aov: 33,
      r: 3,
      f: 3,
      m: 3,
      rfmSegment: "loyal",
      clusterKey,
      churnProbability: 0.2,
      riskBand: "low",
      pAlive: 0.9,
      expectedOrders: 1,
      clv12m: 120,
      recommendedJson: JSON.stringify(recommended),
    },
  });
}

/** Stores a stand-in shop (e.g. the demo shop of packages/shopify-standin/src/demo-shop.ts) as the sync would. */
export { storeStandinShop as seedStandinShop } from "../../../packages/shopify-standin/src/as-synced";
