/**
 * Seeds an app database with the demo shop's real numbers: the generated demo shop's products, orders
 * and line items inserted as the sync would store them (GIDs, amounts, dates; no names or emails), then
 * the real analysis (app/jobs/analyze.server.ts runAnalyze) over them.
 */
import type { Db } from "../../../app/db.server";
import type { StandinShopData } from "../../standin/types";

export interface SeedResult {
  orders: number;
  customers: number;
  products: number;
  /** Whether runAnalyze ran (false while app/jobs/analyze.server.ts does not exist yet). */
  analyzed: boolean;
  analyzeError?: string;
}

/** `data` is the generated demo shop (test/standin/demo-shop.ts generateDemoShop), the same the stand-in serves. */
export async function seedDemoShop(db: Db, data: StandinShopData): Promise<SeedResult> {
  const shop = data.shop;
  await db.shop.upsert({ where: { shop }, create: { shop, currencyCode: data.currencyCode }, update: { currencyCode: data.currencyCode } });
  await db.product.createMany({
    data: data.products.map((p) => ({
      shop,
      id: p.id,
      handle: p.handle,
      productType: p.productType,
      status: p.status,
      inStock: p.variants.some((v) => v.inventoryQuantity > 0),
      price: Number(p.variants[0]?.price ?? 0),
      imageUrl: p.imageUrl ?? null,
    })),
  });
  for (let i = 0; i < data.orders.length; i += 500) {
    const batch = data.orders.slice(i, i + 500);
    await db.order.createMany({
      data: batch.map((o) => ({
        shop,
        id: o.id,
        customerId: o.customerId,
        createdAt: new Date(o.createdAt),
        processedAt: new Date(o.processedAt),
        cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
        test: o.test,
        financialStatus: o.displayFinancialStatus,
        totalAmount: Number(o.totalPrice),
        refundedAmount: Number(o.totalRefunded),
        currencyCode: o.currencyCode,
        sourceUpdatedAt: new Date(o.updatedAt),
      })),
    });
    await db.lineItem.createMany({
      data: batch.flatMap((o) =>
        o.lineItems.map((l) => ({
          shop,
          id: l.id,
          orderId: o.id,
          productId: l.productId,
          variantId: l.variantId,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          unitPrice: Number(l.unitPrice),
        })),
      ),
    });
  }
  const result: SeedResult = {
    orders: data.orders.length,
    customers: new Set(data.orders.map((o) => o.customerId).filter(Boolean)).size,
    products: data.products.length,
    analyzed: false,
  };
  try {
    const mod = (await import("../../../app/jobs/analyze.server")) as { runAnalyze: (db: Db, shop: string) => Promise<unknown> };
    await mod.runAnalyze(db, shop);
    result.analyzed = true;
  } catch (error) {
    result.analyzeError = (error as Error).message;
  }
  return result;
}
