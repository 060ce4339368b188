/**
 * Due to reorder: cycles learned from repeat buyers, against a hand-made history and against the demo
 * shop's catalogue (consumables have a supply cycle, durables none).
 */
import { describe, expect, it } from "vitest";
import { learnReorder } from "../../../app/analytics/recommendations/reorder";
import { OrderTable } from "../../../app/analytics/data/order-table";
import { referenceLearnReorder } from "./reference-reorder";
import type { OrderInput } from "../../../app/analytics/types";
import { CATALOGUE } from "../../../packages/shopify-standin/src/demo-catalogue";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { standinOrders } from "../../../packages/shopify-standin/src/as-synced";
import { DAY_MS, lineItemInput, orderInput } from "../../helpers/orders";

const DAY = DAY_MS;
const asOf = new Date("2026-06-01T00:00:00Z");
/** An order by `customerId` `daysAgo` days before asOf of `quantity` units of each product, in USD. */
function purchase(
  customerId: string,
  daysAgo: number,
  lines: Array<[productId: string, quantity: number]>,
): OrderInput {
  return orderInput({
    customerId,
    processedAt: new Date(asOf.getTime() - daysAgo * DAY),
    total: 10 * lines.length,
    currency: "USD",
    lineItems: lines.map(([productId, quantity]) => lineItemInput(productId, { quantity })),
  });
}

const BEANS = "gid://shopify/Product/1";
const GRINDER = "gid://shopify/Product/2";

function history(): OrderInput[] {
  const orders: OrderInput[] = [];
  // Ten regulars buy one bag every 30 days (four times), and a grinder once.
  for (let c = 0; c < 10; c++) {
    for (let k = 0; k < 4; k++) orders.push(purchase(`gid://shopify/Customer/${c}`, 400 - c - 30 * k, [[BEANS, 1]]));
    orders.push(purchase(`gid://shopify/Customer/${c}`, 400 - c, [[GRINDER, 1]]));
  }
  // One grinder bought twice by one customer: not a consumable.
  orders.push(purchase("gid://shopify/Customer/0", 100, [[GRINDER, 1]]));
  // Customer A: one bag 29 days ago (due now); B: two bags 29 days ago (good for about 60 days: not due);
  // C: one bag 200 days ago (window long passed: moved on); D: one bag 25 days ago (window opens within a week).
  orders.push(purchase("gid://shopify/Customer/A", 29, [[BEANS, 1]]));
  orders.push(purchase("gid://shopify/Customer/B", 29, [[BEANS, 2]]));
  orders.push(purchase("gid://shopify/Customer/C", 200, [[BEANS, 1]]));
  orders.push(purchase("gid://shopify/Customer/D", 25, [[BEANS, 1]]));
  // A cancelled order and a test order never count.
  orders.push({
    ...purchase("gid://shopify/Customer/C", 3, [[BEANS, 1]]),
    cancelledAt: new Date(asOf.getTime() - 2 * DAY),
  });
  orders.push({ ...purchase("gid://shopify/Customer/C", 4, [[BEANS, 1]]), test: true });
  return orders;
}

describe("learnReorder on a hand-made history", () => {
  const result = learnReorder(history(), { asOf });

  it("learns the 30-day cycle of the beans from the ten regulars; the grinder has none", () => {
    const beans = result.cycles.get(BEANS)!;
    expect(beans.medianDays).toBe(30);
    expect(beans.lowDays).toBe(30);
    expect(beans.highDays).toBe(30);
    expect(beans.repeatBuyers).toBe(10);
    expect(beans.intervals).toBe(30);
    expect(result.cycles.has(GRINDER)).toBe(false);
  });

  it("says who is due and when: one bag 29 days ago is due around day 30; two bags are not; long gone is not", () => {
    const a = result.due.get("gid://shopify/Customer/A")!;
    expect(a.map((d) => d.productId)).toEqual([BEANS]);
    const bought = asOf.getTime() - 29 * DAY;
    expect(a[0].lastBoughtAt.getTime()).toBe(bought);
    expect(a[0].dueFrom.getTime()).toBe(bought + 30 * DAY);
    expect(a[0].dueTo.getTime()).toBe(bought + 30 * DAY);
    expect(result.due.has("gid://shopify/Customer/B")).toBe(false);
    expect(result.due.has("gid://shopify/Customer/C")).toBe(false);
    // Within the 7-day lookahead.
    expect(result.due.get("gid://shopify/Customer/D")?.[0].productId).toBe(BEANS);
    expect(learnReorder(history(), { asOf, lookaheadDays: 3 }).due.has("gid://shopify/Customer/D")).toBe(false);
  });

  it("a product with too few repeat buyers has no cycle", () => {
    expect(learnReorder(history(), { asOf, minRepeatBuyers: 11 }).cycles.size).toBe(0);
  });
});

/** Spearman's rank correlation (ties get average ranks). */
function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1].value === order[i].value) j++;
      for (let k = i; k <= j; k++) r[order[k].i] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < x.length; i++) {
    num += (rx[i] - mx) * (ry[i] - my);
    dx += (rx[i] - mx) ** 2;
    dy += (ry[i] - my) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}

describe("learnReorder on the demo shop", () => {
  const data = generateDemoShop({ orders: 6000 });
  const result = learnReorder(standinOrders(data), { asOf: new Date("2026-11-01T00:00:00Z") });
  const spec = new Map(data.products.map((p) => [p.id, CATALOGUE.find((s) => s.handle === p.handle)]));

  it("only consumables get a cycle, and most consumables that sell do", () => {
    const kinds = [...result.cycles.keys()].map((id) => spec.get(id)?.kind);
    expect(kinds.every((k) => k === "consumable")).toBe(true);
    expect(result.cycles.size).toBeGreaterThanOrEqual(30);
  });

  it("learned cycles follow the catalogue's supply cycles: long-lasting supplies learn longer cycles than short ones", () => {
    const cycles = [...result.cycles.values()];
    const rho = spearman(
      cycles.map((c) => c.medianDays),
      cycles.map((c) => spec.get(c.productId)!.cycleDays!),
    );
    // Positive, though noisy: shoppers skip cycles, buy more than one unit and vary in pace.
    expect(rho).toBeGreaterThan(0.3);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const long = cycles.filter((c) => spec.get(c.productId)!.cycleDays! >= 60).map((c) => c.medianDays);
    const short = cycles.filter((c) => spec.get(c.productId)!.cycleDays! <= 28).map((c) => c.medianDays);
    expect(long.length).toBeGreaterThanOrEqual(5);
    expect(short.length).toBeGreaterThanOrEqual(10);
    expect(mean(long)).toBeGreaterThan(1.4 * mean(short));
  });

  it("due products have a cycle, and their window holds their expected date", () => {
    expect(result.due.size).toBeGreaterThan(50);
    for (const list of result.due.values()) {
      for (const d of list) {
        expect(result.cycles.has(d.productId)).toBe(true);
        expect(d.dueFrom.getTime()).toBeLessThanOrEqual(d.expectedAt.getTime());
        expect(d.expectedAt.getTime()).toBeLessThanOrEqual(d.dueTo.getTime());
        expect(d.lastBoughtAt.getTime()).toBeLessThan(d.dueFrom.getTime());
      }
    }
  });
});

describe("learnReorder (typed arrays) agrees exactly with the first Map-per-customer version", () => {
  /** A seeded shop with what the grouping must get right: same-day lines, several units, returns, skipped orders. */
  function messyShop(seed: number): OrderInput[] {
    let x = seed;
    const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const orders: OrderInput[] = [];
    for (let i = 0; i < 4000; i++) {
      const customer = rand() < 0.05 ? null : rand() < 0.02 ? "" : `gid://shopify/Customer/${Math.floor(rand() * 300)}`;
      const lines = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => {
        const quantity = 1 + Math.floor(rand() * 3);
        return lineItemInput(rand() < 0.03 ? null : `gid://shopify/Product/${Math.floor(rand() * 12)}`, {
          quantity,
          ...(rand() < 0.1 ? { currentQuantity: Math.floor(rand() * (quantity + 1)) } : {}),
        });
      });
      orders.push(
        orderInput({
          customerId: customer,
          processedAt: new Date(asOf.getTime() - Math.floor(rand() * 500 - 20) * DAY - Math.floor(rand() * DAY)),
          total: rand() < 0.03 ? 0 : 10 * lines.length,
          refunded: rand() < 0.03 ? 10 * lines.length : 0,
          cancelledAt: rand() < 0.03 ? asOf : null,
          test: rand() < 0.02,
          financialStatus: rand() < 0.02 ? "voided" : "PAID",
          currency: "USD",
          lineItems: lines,
        }),
      );
    }
    return orders;
  }
  const cases: Array<[string, OrderInput[], Date]> = [
    ["the hand-made history", history(), asOf],
    ["a messy seeded shop (seed 1)", messyShop(1), asOf],
    ["a messy seeded shop (seed 2)", messyShop(2), asOf],
    ["the demo shop", [...standinOrders(generateDemoShop({ orders: 3000 }))], new Date("2026-11-01T00:00:00Z")],
  ];
  it.each(cases)("%s: the same cycles and due products, in the same order", (_name, orders, at) => {
    for (const options of [{ asOf: at }, { asOf: at, minRepeatBuyers: 2, minIntervals: 2, maxPerCustomer: 2 }]) {
      const expected = referenceLearnReorder(orders, options);
      const actual = learnReorder(orders, options);
      const byId = (a: { productId: string }, b: { productId: string }) => (a.productId < b.productId ? -1 : 1);
      expect([...actual.cycles.values()].sort(byId)).toEqual([...expected.cycles.values()].sort(byId));
      expect([...actual.due.entries()]).toEqual([...expected.due.entries()]);
      expect(learnReorder(OrderTable.from(orders), options)).toEqual(actual);
    }
    expect(referenceLearnReorder(orders, { asOf: at }).due.size).toBeGreaterThan(0);
  });
});
