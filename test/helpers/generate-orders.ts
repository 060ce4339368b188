/**
 * A small deterministic shop generator for tests and benchmarks: customers with a personal purchase
 * rate and lifetime, products with types, some guest, test, cancelled and refunded orders.
 * `toBulkJsonl` writes the orders as Shopify's bulk-operation JSONL (Order lines, then LineItem lines).
 */
import type { OrderInput } from "../../app/analytics/types";
import { lineItemGid, lineItemInput, orderGid, orderInput } from "./orders";

export interface GeneratedShop {
  orders: OrderInput[];
  products: Array<{
    id: string;
    handle: string;
    productType: string;
    status: "ACTIVE";
    inStock: boolean;
    price: number;
  }>;
}

export function generateShop(opts: {
  customers: number;
  ordersPerCustomer?: number;
  products?: number;
  seed?: number;
  start?: Date;
  end?: Date;
}): GeneratedShop {
  let s = opts.seed ?? 7;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const nProducts = opts.products ?? 50;
  const types = ["Coffee", "Tea", "Mugs", "Gifts", "Snacks"];
  const products = Array.from({ length: nProducts }, (_, i) => ({
    id: `gid://shopify/Product/${1000 + i}`,
    handle: `product-${i}`,
    productType: types[i % types.length],
    status: "ACTIVE" as const,
    inStock: true,
    price: 5 + (i % 10) * 3,
  }));
  const start = (opts.start ?? new Date("2023-01-01T00:00:00Z")).getTime();
  const end = (opts.end ?? new Date("2024-12-31T00:00:00Z")).getTime();
  const span = (end - start) / 86_400_000;
  const mean = opts.ordersPerCustomer ?? 3;
  const orders: OrderInput[] = [];
  let orderNo = 1;
  let lineNo = 1;
  const makeOrder = (customerId: string | null, day: number): OrderInput => {
    const lines = 1 + Math.floor(rnd() * 3);
    const lineItems = Array.from({ length: lines }, () => {
      const p = products[Math.floor(rnd() ** 2 * nProducts)];
      const quantity = 1 + Math.floor(rnd() * 2);
      return lineItemInput(p.id, {
        id: lineItemGid(lineNo++),
        variantId: p.id.replace("Product", "ProductVariant"),
        quantity,
        currentQuantity: quantity,
        unitPrice: p.price,
      });
    });
    const total = Math.round(lineItems.reduce((t, l) => t + l.quantity * l.unitPrice, 0) * 100) / 100;
    const roll = rnd();
    return orderInput({
      id: orderGid(orderNo++),
      customerId,
      processedAt: new Date(start + day * 86_400_000 + Math.floor(rnd() * 86_400_000)),
      cancelledAt: roll < 0.01 ? new Date(start + (day + 1) * 86_400_000) : null,
      test: roll > 0.995,
      total,
      refunded: roll > 0.97 && roll <= 0.985 ? total : roll > 0.985 && roll <= 0.995 ? Math.round(total * 30) / 100 : 0,
      lineItems,
    });
  };
  for (let c = 1; c <= opts.customers; c++) {
    const customerId = `gid://shopify/Customer/${c}`;
    const first = rnd() * span * 0.9;
    const gap = 10 + rnd() * 80 * (3 / mean);
    const lifetime = rnd() < 0.4 ? 0 : rnd() * span;
    let day = first;
    do {
      orders.push(makeOrder(customerId, Math.floor(day)));
      day += gap * (0.5 + rnd());
    } while (day < Math.min(span, first + lifetime));
    if (rnd() < 0.1) orders.push(makeOrder(null, Math.floor(rnd() * span)));
  }
  return { orders, products };
}

/** Shopify bulk-operation JSONL of the orders (Order line followed by its LineItem lines). */
export function toBulkJsonl(orders: readonly OrderInput[]): string {
  const out: string[] = [];
  for (const o of orders) {
    out.push(
      JSON.stringify({
        id: o.id,
        processedAt: o.processedAt.toISOString(),
        createdAt: o.processedAt.toISOString(),
        cancelledAt: o.cancelledAt?.toISOString() ?? null,
        test: o.test,
        customer: o.customerId ? { id: o.customerId } : null,
        currentTotalPriceSet: { shopMoney: { amount: o.total.toFixed(2), currencyCode: o.currency } },
        totalRefundedSet: { shopMoney: { amount: o.refunded.toFixed(2) } },
      }),
    );
    for (const l of o.lineItems) {
      out.push(
        JSON.stringify({
          id: l.id,
          quantity: l.quantity,
          product: l.productId ? { id: l.productId } : null,
          variant: l.variantId ? { id: l.variantId } : null,
          originalUnitPriceSet: { shopMoney: { amount: l.unitPrice.toFixed(2) } },
          __parentId: o.id,
        }),
      );
    }
  }
  return out.join("\n") + "\n";
}
