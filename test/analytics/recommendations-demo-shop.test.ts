/**
 * The engine on the demo shop (test/standin/demo-shop.ts): converts its StandinShopData to OrderInput[]
 * and ProductInfo[] and requires the engine to beat both baselines on HR@10 and NDCG@10.
 */
import { describe, expect, it } from "vitest";
import { evaluateRecommendations } from "../../app/analytics/recommendations";
import type { OrderInput, ProductInfo } from "../../app/analytics/types";
import type { StandinShopData } from "../standin/types";
import { generateDemoShop } from "../standin/demo-shop";

/** The stand-in's orders as the sync would store them. */
export function standinOrders(data: StandinShopData): OrderInput[] {
  return data.orders.map((o) => ({
    id: o.id,
    customerId: o.customerId,
    processedAt: new Date(o.processedAt),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    test: o.test,
    total: Number(o.totalPrice),
    refunded: Number(o.totalRefunded),
    currency: o.currencyCode,
    financialStatus: o.displayFinancialStatus,
    lineItems: o.lineItems.map((l) => ({
      id: l.id,
      productId: l.productId,
      variantId: l.variantId,
      quantity: l.quantity,
      currentQuantity: l.currentQuantity,
      unitPrice: Number(l.unitPrice),
    })),
  }));
}

export function standinProducts(data: StandinShopData): ProductInfo[] {
  return data.products.map((p) => ({
    id: p.id,
    handle: p.handle,
    productType: p.productType,
    status: p.status,
    inStock: p.variants.some((v) => v.inventoryQuantity > 0),
    price: Number(p.variants[0]?.price ?? 0),
  }));
}

describe("recommendations on the demo shop", () => {
  it("the engine beats popularity and top-frequency on HR@10 and NDCG@10", () => {
    const data = generateDemoShop();
    const orders = standinOrders(data);
    const r = evaluateRecommendations(orders, { k: 10 });
    expect(r.customers).toBeGreaterThan(50);
    expect(r.engine.hitRate).toBeGreaterThan(r.popularity.hitRate);
    expect(r.engine.hitRate).toBeGreaterThan(r.topFrequency.hitRate);
    expect(r.engine.ndcg).toBeGreaterThan(r.popularity.ndcg);
    expect(r.engine.ndcg).toBeGreaterThan(r.topFrequency.ndcg);
  });
});
