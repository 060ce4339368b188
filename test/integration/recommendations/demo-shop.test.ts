/**
 * The engine on the demo shop (packages/shopify-standin/src/demo-shop.ts): converts its StandinShopData to OrderInput[]
 * (packages/shopify-standin/src/as-synced.ts) and requires the engine to beat both baselines on HR@10 and NDCG@10.
 */
import { describe, expect, it } from "vitest";
import { evaluateRecommendations } from "../../../app/analytics/recommendations";
import { standinOrders } from "../../../packages/shopify-standin/src/as-synced";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";

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
