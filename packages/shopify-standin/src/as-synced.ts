/**
 * A stand-in shop (StandinShopData) as the app holds it after a sync: the analytics input (OrderInput,
 * ProductInfo), and in the database its products and its orders (written by the sync's own
 * upsertOrders), with GIDs, amounts and dates, no names or emails. One mapping for every test that
 * seeds the app from a generated or imported shop.
 */
import type { Db } from "../../../app/db.server";
import { upsertOrders } from "../../../app/models/orders.server";
import type { LineItemInput, OrderInput, ProductInfo } from "../../../app/analytics/types";
import type { StandinLineItem, StandinOrder, StandinProduct, StandinShopData } from "./types";

export function standinProductInfo(p: StandinProduct): ProductInfo {
  return {
    id: p.id,
    handle: p.handle,
    productType: p.productType,
    status: p.status,
    inStock: p.variants.some((v) => v.inventoryQuantity > 0),
    price: Number(p.variants[0]?.price ?? 0),
  };
}

export function standinLineItem(l: StandinLineItem): LineItemInput {
  return {
    id: l.id,
    productId: l.productId,
    variantId: l.variantId,
    quantity: l.quantity,
    currentQuantity: l.currentQuantity,
    unitPrice: Number(l.unitPrice),
  };
}

export function standinOrderInput(o: StandinOrder): OrderInput {
  return {
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
    lineItems: o.lineItems.map(standinLineItem),
  };
}

/** The stand-in's orders as the sync would read them. */
export const standinOrders = (data: StandinShopData): OrderInput[] => data.orders.map(standinOrderInput);

/** The stand-in's catalogue as the recommendations read it. */
export const standinProducts = (data: StandinShopData): ProductInfo[] => data.products.map(standinProductInfo);

/** Stores a stand-in shop's products, orders and line items as the sync would. */
export async function storeStandinShop(db: Db, data: StandinShopData): Promise<void> {
  await db.product.createMany({
    data: data.products.map((p) => ({ shop: data.shop, ...standinProductInfo(p), imageUrl: p.imageUrl ?? null })),
  });
  await upsertOrders(db, data.shop, standinOrders(data));
}
