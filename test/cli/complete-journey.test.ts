/**
 * Reads ../shared/data/completejourney/transactions_sample.csv (84.51 Complete Journey, a random
 * sample of receipt lines) and requires the engine to beat both baselines on HR@10 and NDCG@10.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeJourneyToOrders } from "../../app/cli/complete-journey";
import { evaluateRecommendations } from "../../app/analytics/recommendations";
import { needSharedData } from "../helpers/shared-data";

const need = needSharedData("recommendations on the Complete Journey sample", [
  "completejourney/transactions_sample.csv",
]);
const [CSV] = need.files;

describe.skipIf(need.skip)(need.title, () => {
  it("reads ../shared: the engine beats popularity and top-frequency on HR@10 and NDCG@10", () => {
    const orders = completeJourneyToOrders(readFileSync(CSV, "utf8"));
    // The README: 75,000 lines, 2,377 households.
    expect(new Set(orders.map((o) => o.customerId)).size).toBe(2377);
    const r = evaluateRecommendations(orders, { k: 10 });
    expect(r.customers).toBeGreaterThan(2000);
    expect(r.engine.hitRate).toBeGreaterThan(r.popularity.hitRate);
    expect(r.engine.hitRate).toBeGreaterThan(r.topFrequency.hitRate);
    expect(r.engine.ndcg).toBeGreaterThan(r.popularity.ndcg);
    expect(r.engine.ndcg).toBeGreaterThan(r.topFrequency.ndcg);
    // Buy-again is the strong baseline on grocery data (ANCHORS: Li et al. 2023).
    expect(r.topFrequency.hitRate).toBeGreaterThan(r.popularity.hitRate);
  });
});
