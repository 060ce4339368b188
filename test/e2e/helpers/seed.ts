/**
 * Seeds an app database with the demo shop's real numbers: the generated demo shop's products, orders
 * and line items inserted as the sync would store them (GIDs, amounts, dates; no names or emails), then
 * the real analysis (app/jobs/analyze/run.server.ts runAnalyze) over them.
 */
import type { Db } from "../../../app/db.server";
import { storeStandinShop } from "../../../packages/shopify-standin/src/as-synced";
import type { StandinShopData } from "../../../packages/shopify-standin/src/types";

export interface SeedResult {
  orders: number;
  customers: number;
  products: number;
  /** Whether runAnalyze ran (false while app/jobs/analyze/run.server.ts does not exist yet). */
  analyzed: boolean;
  analyzeError?: string;
}

/** `data` is the generated demo shop (packages/shopify-standin/src/demo-shop.ts generateDemoShop), the same the stand-in serves. */
export async function seedDemoShop(db: Db, data: StandinShopData): Promise<SeedResult> {
  const shop = data.shop;
  await db.shop.upsert({
    where: { shop },
    create: { shop, currencyCode: data.currencyCode },
    update: { currencyCode: data.currencyCode },
  });
  await storeStandinShop(db, data);
  const result: SeedResult = {
    orders: data.orders.length,
    customers: new Set(data.orders.map((o) => o.customerId).filter(Boolean)).size,
    products: data.products.length,
    analyzed: false,
  };
  try {
    const mod = (await import("../../../app/jobs/analyze/run.server")) as {
      runAnalyze: (db: Db, shop: string) => Promise<unknown>;
    };
    await mod.runAnalyze(db, shop);
    result.analyzed = true;
  } catch (error) {
    result.analyzeError = (error as Error).message;
  }
  return result;
}
