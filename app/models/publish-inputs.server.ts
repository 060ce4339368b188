/**
 * What a publish reads from the database before it reads Shopify: the analysis its plan applies, the
 * customers' scores, and the due-to-reorder products with their windows. Every query is scoped by shop.
 */
import type { Db } from "../db.server";

/** Every scored customer of the shop with what the desired tags, metafields and Flow triggers need. */
export async function scoresForPublish(db: Db, shop: string) {
  return db.customerScore.findMany({
    where: { shop },
    select: {
      customerId: true,
      rfmSegment: true,
      riskBand: true,
      clusterKey: true,
      churnProbability: true,
      clv12m: true,
      recommendedJson: true,
      shopifyRfmGroup: true,
    },
  });
}

/** How many customers the shop has scores for (the undo reads no scores, only their number). */
export async function countScores(db: Db, shop: string): Promise<number> {
  return db.customerScore.count({ where: { shop } });
}

/** Every due product with its window, per customer, soonest window first. */
export async function dueRowsForPublish(
  db: Db,
  shop: string,
): Promise<Array<{ customerId: string; productId: string; dueFrom: Date; dueTo: Date }>> {
  return db.reorderDue.findMany({
    where: { shop },
    orderBy: [{ customerId: "asc" }, { dueFrom: "asc" }, { productId: "asc" }],
    select: { customerId: true, productId: true, dueFrom: true, dueTo: true },
  });
}
