/**
 * Test databases for the sync tests. Other test runs on the same machine may be re-creating the SQLite
 * template (test/setup/global-setup.ts) while this one copies it, so a copy without the schema is
 * dropped and taken again.
 */
import { createTestDb, type DbKind, type TestDb } from "../../helpers/db";
import type { StandinOrder } from "../../../packages/shopify-standin/src/types";

export async function freshTestDb(kind: DbKind): Promise<TestDb> {
  for (let i = 0; ; i++) {
    try {
      const t = await createTestDb(kind);
      try {
        await t.db.syncRun.count();
      } catch (error) {
        await t.cleanup();
        throw error;
      }
      return t;
    } catch (error) {
      if (i >= 20 || !/ENOENT|does not exist/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The same order as the bulk export would write it (order line + line item lines). */
export function bulkLinesOf(o: StandinOrder): string {
  const money = (amount: string) => ({ shopMoney: { amount, currencyCode: o.currencyCode } });
  const lines = [
    JSON.stringify({
      id: o.id,
      createdAt: o.createdAt,
      processedAt: o.processedAt,
      updatedAt: o.updatedAt,
      cancelledAt: o.cancelledAt,
      test: o.test,
      displayFinancialStatus: o.displayFinancialStatus,
      customer: o.customerId ? { id: o.customerId } : null,
      currentTotalPriceSet: money(o.totalPrice),
      totalRefundedSet: money(o.totalRefunded),
    }),
    ...o.lineItems.map((l) =>
      JSON.stringify({
        id: l.id,
        quantity: l.quantity,
        currentQuantity: l.currentQuantity,
        product: l.productId ? { id: l.productId } : null,
        variant: l.variantId ? { id: l.variantId } : null,
        originalUnitPriceSet: { shopMoney: { amount: l.unitPrice } },
        __parentId: o.id,
      }),
    ),
  ];
  return lines.join("\n");
}
