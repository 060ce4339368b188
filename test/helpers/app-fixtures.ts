/** Small hand-checkable fixtures for the app's read models and webhooks. */
import type { Db } from "../../app/db.server";
import { lineItemGid, lineItemInput, orderGid, orderInput, orderRow, productGid } from "./orders";

export const SHOP = "alpha.myshopify.com";
export const OTHER = "beta.myshopify.com";

export interface ScoreSeed {
  id: number;
  orders: number;
  monetary: number;
  clv: number;
  churn: number;
  band: "low" | "medium" | "high";
  rfm: string;
  cluster: string;
  lastOrderAt?: string;
}

export const SCORES: ScoreSeed[] = [
  { id: 1, orders: 5, monetary: 500, clv: 300, churn: 0.1, band: "low", rfm: "champions", cluster: "loyal-regulars" },
  { id: 2, orders: 1, monetary: 40, clv: 20, churn: 0.85, band: "high", rfm: "at_risk", cluster: "one-timers" },
  {
    id: 3,
    orders: 2,
    monetary: 120,
    clv: 80,
    churn: 0.55,
    band: "medium",
    rfm: "potential_loyalists",
    cluster: "loyal-regulars",
  },
  { id: 4, orders: 1, monetary: 60, clv: 35, churn: 0.92, band: "high", rfm: "at_risk", cluster: "one-timers" },
  {
    id: 5,
    orders: 3,
    monetary: 250,
    clv: 150,
    churn: 0.3,
    band: "low",
    rfm: "new_customers",
    cluster: "loyal-regulars",
  },
];

export const gid = (id: number) => `gid://shopify/Customer/${id}`;

export async function seedScores(db: Db, shop: string, scores: ScoreSeed[] = SCORES) {
  const asOf = new Date("2026-11-01T00:00:00Z");
  for (const s of scores) {
    await db.customerScore.create({
      data: {
        shop,
        customerId: gid(s.id),
        asOf,
        orders: s.orders,
        firstOrderAt: new Date("2025-01-01T00:00:00Z"),
        lastOrderAt: new Date(s.lastOrderAt ?? `2026-0${(s.id % 9) + 1}-15T00:00:00Z`),
        recencyDays: 30 * s.id,
        monetary: s.monetary,
        aov: s.monetary / s.orders,
        r: 3,
        f: 3,
        m: 3,
        rfmSegment: s.rfm,
        clusterKey: s.cluster,
        churnProbability: s.churn,
        riskBand: s.band,
        pAlive: 1 - s.churn,
        expectedOrders: 1,
        clv12m: s.clv,
        valueAtRisk: s.churn * s.clv, // hand-checkable stand-in for the analysis' own value at risk
        reasonsJson: JSON.stringify([`reason one for ${s.id}`, "reason two"]),
        recommendedJson: JSON.stringify(["gid://shopify/Product/9"]),
      },
    });
  }
  await db.segment.createMany({
    data: [
      { shop, kind: "rfm", key: "champions", name: "Champions", size: 1 },
      { shop, kind: "rfm", key: "at_risk", name: "At risk", size: 2, shopifySegmentId: "gid://shopify/Segment/77" },
      {
        shop,
        kind: "cluster",
        key: "loyal-regulars",
        name: "Loyal regulars",
        size: 3,
        centroidJson: JSON.stringify({ recencyDays: 20.4, frequency: 3.33, monetary: 290 }),
      },
      { shop, kind: "cluster", key: "one-timers", name: "One-timers", size: 2 },
    ],
  });
}

export async function seedOrders(db: Db, shop: string, customerId: number, count: number, startMonth = "2026-01") {
  for (let i = 0; i < count; i++) {
    const id = orderGid(customerId * 100 + i);
    const at = new Date(`${startMonth}-10T00:00:00Z`);
    at.setUTCMonth(at.getUTCMonth() + i);
    const lines = [
      lineItemInput(productGid(9), { id: lineItemGid(customerId * 1000 + i), currentQuantity: 1, unitPrice: 50 + i }),
    ];
    await db.order.create({
      data: orderRow(
        shop,
        orderInput({
          id,
          customerId: gid(customerId),
          processedAt: at,
          total: 50 + i,
          currency: "USD",
          lineItems: lines,
        }),
      ),
    });
  }
}
