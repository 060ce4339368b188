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

/**
 * The admin's hand-checked shop: SCORES and their orders for SHOP, one customer of OTHER who would top
 * every sort (it must never show up), and two analyses (the latest with a backtest and metrics).
 */
export async function seedAdminShops(db: Db) {
  await seedScores(db, SHOP);
  // The other shop has a customer who would top every sort: it must never show up.
  await seedScores(db, OTHER, [
    {
      id: 99,
      orders: 50,
      monetary: 99999,
      clv: 99999,
      churn: 0.99,
      band: "high",
      rfm: "at_risk",
      cluster: "one-timers",
    },
  ]);
  await seedOrders(db, SHOP, 1, 3, "2026-01"); // Jan, Feb, Mar
  await seedOrders(db, SHOP, 3, 1, "2026-01"); // Jan only
  await seedOrders(db, SHOP, 5, 2, "2026-02"); // Feb, Mar
  await db.analysis.create({
    data: {
      shop: SHOP,
      asOf: new Date("2026-11-01"),
      horizonDays: 90,
      model: "bgnbd",
      metricsJson: JSON.stringify({ repeatPurchaseRate: 0.5, medianClv12m: 70 }),
      createdAt: new Date("2026-10-01"),
    },
  });
  await db.analysis.create({
    data: {
      shop: SHOP,
      asOf: new Date("2026-11-01"),
      horizonDays: 90,
      model: "bgnbd+logistic",
      backtestJson: JSON.stringify({
        auc: 0.81,
        recencyAuc: 0.7,
        customers: 5,
        brier: 0.1,
        meanPredicted: 0.4,
        observedChurn: 0.42,
        ece: 0.042,
        calibration: [
          { from: 0, to: 0.1, customers: 0, meanPredicted: null, observed: null },
          { from: 0.1, to: 0.2, customers: 2, meanPredicted: 0.15, observed: 0 },
          { from: 0.8, to: 0.9, customers: 3, meanPredicted: 0.85, observed: 2 / 3 },
        ],
      }),
      // The shop's predicted churn rate with its range (analytics churnRateRange).
      // The figures it recorded (the scores': repeat 3 of 5, median CLV 80) are what changes are measured on.
      metricsJson: JSON.stringify({
        predictedChurnRateLow: 0.31,
        predictedChurnRateHigh: 0.52,
        repeatPurchaseRate: 0.6,
        medianClv12m: 80,
      }),
      createdAt: new Date("2026-11-01"),
    },
  });
}
