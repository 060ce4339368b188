/** Recommendations: the engine (engine.ts) and its offline evaluation (evaluate.ts). */
export { buildRecommender, type Recommender, type RecommenderOptions } from "./engine";
export {
  evaluateRecommendations,
  holdOutLastOrders,
  scoreList,
  type EvaluateOptions,
  type MethodScores,
  type RecommendationEvaluation,
} from "./evaluate";
export { ProductIndex, isPurchase, toBaskets, type BasketTable } from "./baskets";
export { buildCoPurchase, coPurchaseScore, type CoPurchase, type CoPurchaseOptions } from "./co-purchase";
export { buildRepurchase, forEachCustomerProduct, type RepurchaseStats } from "./repurchase";
export { buildPopularity, rankByScore, type Popularity } from "./popularity";
