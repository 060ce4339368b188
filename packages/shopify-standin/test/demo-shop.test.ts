import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBulkOrdersText } from "../../../app/shopify/bulk-orders";
import { toBulkJsonlLines, writeBulkJsonl } from "../src/bulk-jsonl";
import { demoAsOf, generateDemoShop, generateDemoShopStream } from "../src/demo-shop";
import type { StandinOrder, StandinShopData } from "../src/types";

const DAY = 86_400_000;
const AS_OF = demoAsOf().getTime(); // the default: the start of today (UTC)
const cents = (s: string) => Math.round(Number(s) * 100);

const shop = generateDemoShop();
const productById = new Map(shop.products.map((p) => [p.id, p]));

/** customer -> their orders that are purchases (not test, not cancelled, something kept), oldest first. */
function purchasesByCustomer(data: StandinShopData): Map<string, StandinOrder[]> {
  const out = new Map<string, StandinOrder[]>();
  for (const o of data.orders) {
    if (!o.customerId || o.test || o.cancelledAt || cents(o.totalPrice) === 0) continue;
    const list = out.get(o.customerId) ?? [];
    list.push(o);
    out.set(o.customerId, list);
  }
  return out;
}

describe("demo shop generator", () => {
  it("is deterministic: same options give deep-equal shops, another seed another shop", () => {
    const a = generateDemoShop({ orders: 1500, seed: 7 });
    const b = generateDemoShop({ orders: 1500, seed: 7 });
    expect(b).toEqual(a);
    const c = generateDemoShop({ orders: 1500, seed: 8 });
    expect(c.orders.map((o) => o.createdAt)).not.toEqual(a.orders.map((o) => o.createdAt));
  });

  it("produces exactly the number of orders asked for, from a handful up", () => {
    for (const n of [0, 5, 37, 1234]) {
      const data = generateDemoShop({ orders: n, seed: n + 1 });
      expect(data.orders).toHaveLength(n);
      const ids = new Set(data.customers.map((c) => c.id));
      for (const o of data.orders) if (o.customerId) expect(ids.has(o.customerId)).toBe(true);
    }
    expect(() => generateDemoShop({ orders: -1 })).toThrow(/orders must be a non-negative integer/);
    expect(() => generateDemoShop({ asOf: new Date("nope") })).toThrow(/asOf must be a valid Date/);
  });

  it("streams the same orders it materialises, and scales to tens of thousands of orders", () => {
    const opts = {
      orders: 3000,
      seed: 3,
      asOf: new Date("2025-06-30T00:00:00Z"),
      currencyCode: "EUR",
      shop: "x.myshopify.com",
    };
    const full = generateDemoShop(opts);
    const stream = generateDemoShopStream(opts);
    expect(stream.orderCount).toBe(3000);
    expect([...stream.orders()]).toEqual(full.orders);
    expect(stream.orderAt(17)).toEqual(full.orders[17]);
    expect(() => stream.orderAt(3000)).toThrow(/no order at position 3000/);
    expect(full.shop).toBe("x.myshopify.com");
    expect(full.scopes).toContain("read_all_orders");
    expect(generateDemoShop({ orders: 5, scopes: ["read_orders"] }).scopes).toEqual(["read_orders"]);
    expect(
      full.orders.every(
        (o) => o.currencyCode === "EUR" && Date.parse(o.createdAt) <= Date.parse("2025-06-30T00:00:00Z"),
      ),
    ).toBe(true);

    const big = generateDemoShopStream({ orders: 50_000 });
    let lines = 0;
    let last = "";
    let outOfOrder = 0;
    for (const o of big.orders()) {
      if (o.createdAt < last) outOfOrder++;
      last = o.createdAt;
      lines += o.lineItems.length;
    }
    expect(outOfOrder).toBe(0);
    expect(big.orderCount).toBe(50_000);
    expect(lines / 50_000).toBeGreaterThan(1.5);
  });

  it("has a catalogue of product types with variants, stock, sold-out, archived and draft products", () => {
    expect(shop.products.length).toBeGreaterThanOrEqual(60);
    expect(shop.products.length).toBeLessThanOrEqual(150);
    const types = new Set(shop.products.map((p) => p.productType));
    expect(types.size).toBeGreaterThanOrEqual(10);
    expect(shop.products.filter((p) => p.status === "ARCHIVED").length).toBeGreaterThanOrEqual(2);
    expect(shop.products.filter((p) => p.status === "DRAFT").length).toBeGreaterThanOrEqual(1);
    const soldOut = shop.products.filter(
      (p) => p.status === "ACTIVE" && p.variants.every((v) => v.inventoryQuantity === 0),
    );
    expect(soldOut.length).toBeGreaterThanOrEqual(2);
    expect(shop.products.some((p) => p.variants.length > 1)).toBe(true);
    for (const p of shop.products) {
      expect(p.id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
      expect(p.handle).toMatch(/^[a-z0-9-]+$/);
      for (const v of p.variants) {
        expect(v.id).toMatch(/^gid:\/\/shopify\/ProductVariant\/\d+$/);
        expect(v.price).toMatch(/^\d+\.\d{2}$/);
      }
    }
    const all = [...shop.products.map((p) => p.id), ...shop.products.flatMap((p) => p.variants.map((v) => v.id))];
    expect(new Set(all).size).toBe(all.length);
  });

  it("sells products only while they are on sale, at their variant's price", () => {
    const variantPrice = new Map(shop.products.flatMap((p) => p.variants.map((v) => [v.id, v.price] as const)));
    const variantProduct = new Map(shop.products.flatMap((p) => p.variants.map((v) => [v.id, p.id] as const)));
    const bad: string[] = [];
    for (const o of shop.orders) {
      for (const l of o.lineItems) {
        const p = productById.get(l.productId!)!;
        if (p.status === "DRAFT") bad.push(`${o.id} sells draft ${p.handle}`);
        if (o.createdAt < p.createdAt) bad.push(`${o.id} sells ${p.handle} before it exists`);
        if (p.status === "ARCHIVED" && o.createdAt > p.updatedAt)
          bad.push(`${o.id} sells ${p.handle} after it was archived`);
        if (variantProduct.get(l.variantId!) !== p.id) bad.push(`${o.id}: variant not of ${p.handle}`);
        if (l.unitPrice !== variantPrice.get(l.variantId!)) bad.push(`${o.id}: price ${l.unitPrice} of ${p.handle}`);
      }
    }
    expect(bad).toEqual([]);
    expect(shop.orders.some((o) => o.lineItems.some((l) => productById.get(l.productId!)!.status === "ARCHIVED"))).toBe(
      true,
    );
  });

  it("writes orders with GIDs, 2+ years of history in time order, ~10% guests", () => {
    const n = shop.orders.length;
    expect(n).toBe(6000);
    const ids = shop.orders.map((o) => o.id);
    const lineIds = shop.orders.flatMap((o) => o.lineItems.map((l) => l.id));
    expect(new Set(ids).size).toBe(n);
    expect(new Set(lineIds).size).toBe(lineIds.length);
    for (const id of ids) expect(id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    for (const id of lineIds) expect(id).toMatch(/^gid:\/\/shopify\/LineItem\/\d+$/);
    const times = shop.orders.map((o) => Date.parse(o.processedAt));
    for (let i = 1; i < n; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect(times[n - 1]).toBeLessThanOrEqual(AS_OF);
    expect(AS_OF - times[n - 1]).toBeLessThan(3 * DAY);
    expect((times[n - 1] - times[0]) / DAY).toBeGreaterThan(730);
    expect(shop.orders.filter((o) => o.customerId === null)).toHaveLength(600);
    expect(shop.orders[0].name).toBe("#1001");
  });

  it("keeps money consistent: total = Σ currentQuantity · price, refunds = what was returned", () => {
    const byStatus = new Map<string, StandinOrder[]>();
    let goodwill = 0;
    for (const o of shop.orders) {
      const key = o.test ? "TEST" : o.cancelledAt ? `CANCELLED_${o.displayFinancialStatus}` : o.displayFinancialStatus;
      byStatus.set(key, [...(byStatus.get(key) ?? []), o]);
      const current = o.lineItems.reduce((s, l) => s + l.currentQuantity * cents(l.unitPrice), 0);
      const original = o.lineItems.reduce((s, l) => s + l.quantity * cents(l.unitPrice), 0);
      expect(cents(o.totalPrice)).toBe(current);
      const returned = original - current;
      if (o.displayFinancialStatus === "VOIDED") expect(cents(o.totalRefunded)).toBe(0);
      else if (o.displayFinancialStatus === "PARTIALLY_REFUNDED" && returned === 0) {
        // A money-only (goodwill) refund: nothing returned, part of the money back.
        goodwill++;
        expect(cents(o.totalRefunded)).toBeGreaterThanOrEqual(Math.round(0.1 * current) - 1);
        expect(cents(o.totalRefunded)).toBeLessThanOrEqual(Math.round(0.3 * current) + 1);
      } else expect(cents(o.totalRefunded)).toBe(returned);
      for (const l of o.lineItems) {
        expect(l.currentQuantity).toBeGreaterThanOrEqual(0);
        expect(l.currentQuantity).toBeLessThanOrEqual(l.quantity);
      }
      expect(o.updatedAt >= o.createdAt).toBe(true);
    }
    for (const key of ["TEST", "CANCELLED_VOIDED", "CANCELLED_REFUNDED", "REFUNDED", "PARTIALLY_REFUNDED", "PENDING"]) {
      expect(byStatus.get(key)?.length ?? 0, key).toBeGreaterThan(0);
    }
    for (const o of byStatus.get("REFUNDED")!) {
      expect(cents(o.totalPrice)).toBe(0);
      expect(cents(o.totalRefunded)).toBeGreaterThan(0);
    }
    for (const o of byStatus.get("PARTIALLY_REFUNDED")!) {
      expect(cents(o.totalPrice)).toBeGreaterThan(0);
      expect(cents(o.totalRefunded)).toBeGreaterThan(0);
    }
    for (const o of [...byStatus.get("CANCELLED_VOIDED")!, ...byStatus.get("CANCELLED_REFUNDED")!]) {
      expect(o.cancelledAt! >= o.createdAt).toBe(true);
      expect(o.lineItems.every((l) => l.currentQuantity === 0)).toBe(true);
    }
    expect(byStatus.get("TEST")!.length).toBeLessThan(30);
    expect(goodwill).toBeGreaterThan(0);
    expect(goodwill).toBeLessThan(byStatus.get("PARTIALLY_REFUNDED")!.length);
  });

  it("has customers with fake names, merchant tags, dates and sometimes an rfmGroup", () => {
    const ids = shop.customers.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(shop.customers.map((c) => c.email)).size).toBe(ids.length);
    const firstOrder = new Map<string, string>();
    for (const o of shop.orders)
      if (o.customerId && !firstOrder.has(o.customerId)) firstOrder.set(o.customerId, o.createdAt);
    for (const c of shop.customers) {
      expect(c.id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
      expect(c.email).toMatch(/^[a-z]+\.[a-z]+\.\d+@example\.com$/);
      expect(c.firstName.length).toBeGreaterThan(0);
      expect(c.updatedAt >= c.createdAt).toBe(true);
      const first = firstOrder.get(c.id);
      if (first) expect(c.createdAt <= first).toBe(true);
    }
    const tags = shop.customers.flatMap((c) => c.tags);
    expect(tags).toContain("vip");
    expect(tags).toContain("wholesale");
    const groups = shop.customers.map((c) => c.rfmGroup);
    expect(groups.filter((g) => g === null || g === undefined).length).toBeGreaterThan(0.2 * groups.length);
    const valid = [
      "ACTIVE",
      "ALMOST_LOST",
      "AT_RISK",
      "CHAMPIONS",
      "DORMANT",
      "LOYAL",
      "NEEDS_ATTENTION",
      "NEW",
      "PREVIOUSLY_LOYAL",
      "PROMISING",
      "PROSPECTS",
    ];
    for (const g of groups) if (g) expect(valid).toContain(g);
    // Accounts that never ordered exist too (sign-ups).
    expect(shop.customers.some((c) => !firstOrder.has(c.id))).toBe(true);
  });

  it("shows the recognisable customer groups of a purchase-and-dropout process", () => {
    const byCustomer = purchasesByCustomer(shop);
    const counts = [...byCustomer.values()].map((l) => l.length);
    const share = (f: (l: StandinOrder[]) => boolean) => [...byCustomer.values()].filter(f).length / byCustomer.size;
    // One-time buyers and regulars.
    expect(share((l) => l.length === 1)).toBeGreaterThan(0.3);
    expect(share((l) => l.length >= 8)).toBeGreaterThan(0.05);
    expect(Math.max(...counts)).toBeGreaterThan(20);
    // New customers: first purchase in the last 90 days.
    expect(share((l) => AS_OF - Date.parse(l[0].createdAt) < 90 * DAY)).toBeGreaterThan(0.08);
    // Lapsed big spenders: top-decile spend, nothing in the last 6 months.
    const spend = (l: StandinOrder[]) => l.reduce((s, o) => s + Number(o.totalPrice), 0);
    const spends = [...byCustomer.values()].map(spend).sort((a, b) => a - b);
    const top = spends[Math.floor(spends.length * 0.9)];
    const lapsedBig = [...byCustomer.values()].filter(
      (l) => spend(l) >= top && AS_OF - Date.parse(l[l.length - 1].createdAt) > 180 * DAY,
    );
    expect(lapsedBig.length).toBeGreaterThan(0.015 * byCustomer.size);
    // Heterogeneous rates: repeat buyers' mean gaps spread over more than an order of magnitude.
    const gaps = [...byCustomer.values()]
      .filter((l) => l.length >= 3)
      .map((l) => (Date.parse(l[l.length - 1].createdAt) - Date.parse(l[0].createdAt)) / DAY / (l.length - 1))
      .sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length * 0.9)] / gaps[Math.floor(gaps.length * 0.1)]).toBeGreaterThan(4);
  });

  it("has co-purchase structure: consumables re-bought, durables bought once, complements after the main product", () => {
    const byCustomer = purchasesByCustomer(shop);
    const kind = (pid: string) => {
      const type = productById.get(pid)!.productType;
      if (["Coffee Beans", "Ground Coffee", "Tea", "Filters"].includes(type)) return "consumable";
      if (["Espresso Machines", "Grinders", "Brewers", "Kettles", "Scales"].includes(type)) return "durable";
      return "other";
    };
    const pairs = { consumable: [0, 0], durable: [0, 0] };
    for (const list of byCustomer.values()) {
      const n = new Map<string, number>();
      for (const o of list)
        for (const pid of new Set(o.lineItems.filter((l) => l.currentQuantity > 0).map((l) => l.productId!)))
          n.set(pid, (n.get(pid) ?? 0) + 1);
      for (const [pid, k] of n) {
        const kd = kind(pid);
        if (kd === "other") continue;
        pairs[kd][0]++;
        if (k >= 2) pairs[kd][1]++;
      }
    }
    const rate = (p: number[]) => p[1] / p[0];
    expect(rate(pairs.consumable)).toBeGreaterThan(0.3);
    expect(rate(pairs.durable)).toBeLessThan(0.02);

    // Espresso-machine owners buy grinders and tampers with or after the machine, rarely before.
    const machine = (o: StandinOrder) =>
      o.lineItems.some((l) => productById.get(l.productId!)!.productType === "Espresso Machines");
    const tamper = shop.products.find((p) => p.handle === "calibrated-tamper")!.id;
    let owners = 0;
    let withOrAfter = 0;
    let before = 0;
    for (const list of byCustomer.values()) {
      const at = list.findIndex(machine);
      if (at < 0) continue;
      owners++;
      const k = list.findIndex((o) => o.lineItems.some((l) => l.productId === tamper));
      if (k >= at) withOrAfter++;
      else if (k >= 0) before++;
    }
    expect(owners).toBeGreaterThan(50);
    expect(withOrAfter / owners).toBeGreaterThan(0.3);
    expect(before).toBeLessThan(withOrAfter / 5);
  });
});

describe("bulk JSONL of the demo shop", () => {
  const small = generateDemoShop({ orders: 400, seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), "demo-jsonl-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes Shopify's bulk shape, parent then children with __parentId, fields in query order", () => {
    const lines = [...toBulkJsonlLines(small)];
    expect(lines).toHaveLength(small.orders.length + small.orders.reduce((s, o) => s + o.lineItems.length, 0));
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([
      "id",
      "createdAt",
      "processedAt",
      "updatedAt",
      "cancelledAt",
      "test",
      "displayFinancialStatus",
      "customer",
      "currentTotalPriceSet",
      "totalRefundedSet",
    ]);
    const child = JSON.parse(lines[1]) as Record<string, unknown>;
    expect(Object.keys(child)).toEqual([
      "id",
      "quantity",
      "currentQuantity",
      "product",
      "variant",
      "originalUnitPriceSet",
      "__parentId",
    ]);
    expect(child.__parentId).toBe(small.orders[0].id);
    expect(child.originalUnitPriceSet).toEqual({
      shopMoney: { amount: small.orders[0].lineItems[0].unitPrice, currencyCode: "USD" },
    });
    const guest = small.orders.findIndex((o) => o.customerId === null);
    const guestLine = lines.find((l) => l.startsWith(`{"id":"${small.orders[guest].id}"`))!;
    expect(JSON.parse(guestLine).customer).toBeNull();
  });

  it("builds every line exactly as JSON.stringify of the query's objects would, __typename when asked", () => {
    const odd: StandinOrder = {
      ...small.orders[0],
      id: 'gid://shopify/Order/1"\\x',
      customerId: null,
      cancelledAt: "2026-01-01T00:00:00Z",
      test: true,
    };
    for (const o of [...small.orders.slice(0, 50), odd]) {
      const money = (amount: string) => ({ shopMoney: { amount, currencyCode: o.currencyCode } });
      const expected = [
        {
          __typename: "Order",
          id: o.id,
          createdAt: o.createdAt,
          processedAt: o.processedAt,
          updatedAt: o.updatedAt,
          cancelledAt: o.cancelledAt,
          test: o.test,
          displayFinancialStatus: o.displayFinancialStatus,
          customer: o.customerId === null ? null : { id: o.customerId },
          currentTotalPriceSet: money(o.totalPrice),
          totalRefundedSet: money(o.totalRefunded),
        },
        ...o.lineItems.map((l) => ({
          __typename: "LineItem",
          id: l.id,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          product: l.productId === null ? null : { id: l.productId },
          variant: l.variantId === null ? null : { id: l.variantId },
          originalUnitPriceSet: money(l.unitPrice),
          __parentId: o.id,
        })),
      ];
      expect([...toBulkJsonlLines({ orders: [o] }, { typename: true })]).toEqual(
        expected.map((e) => JSON.stringify(e)),
      );
    }
  });

  it("reads back through the app's parser as the same orders", () => {
    const { orders, stats } = parseBulkOrdersText([...toBulkJsonlLines(small)].join("\n"));
    expect(stats.skipped).toBe(0);
    expect(orders).toHaveLength(small.orders.length);
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const o of small.orders) {
      const got = byId.get(o.id)!;
      expect(got.customerId).toBe(o.customerId);
      expect(got.processedAt.toISOString().replace(".000Z", "Z")).toBe(o.processedAt);
      expect(got.updatedAt?.toISOString().replace(".000Z", "Z")).toBe(o.updatedAt);
      expect(got.cancelledAt ? got.cancelledAt.toISOString().replace(".000Z", "Z") : null).toBe(o.cancelledAt);
      expect(got.test).toBe(o.test);
      expect(got.financialStatus).toBe(o.displayFinancialStatus);
      expect(got.total).toBe(Number(o.totalPrice));
      expect(got.refunded).toBe(Number(o.totalRefunded));
      expect(got.currency).toBe("USD");
      expect(got.lineItems).toEqual(
        o.lineItems.map((l) => ({
          id: l.id,
          productId: l.productId,
          variantId: l.variantId,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          unitPrice: Number(l.unitPrice),
        })),
      );
    }
  });

  it("streams to a file (also from the on-demand stream) and filters like the query's updated_at", async () => {
    const path = join(dir, "orders.jsonl");
    const result = await writeBulkJsonl(small, path);
    const text = readFileSync(path, "utf8");
    expect(text).toBe([...toBulkJsonlLines(small)].join("\n") + "\n");
    expect(result).toEqual({
      orders: small.orders.length,
      lineItems: small.orders.reduce((s, o) => s + o.lineItems.length, 0),
      bytes: Buffer.byteLength(text),
    });
    const streamPath = join(dir, "stream.jsonl");
    await writeBulkJsonl(generateDemoShopStream({ orders: 400, seed: 11 }), streamPath);
    expect(readFileSync(streamPath, "utf8")).toBe(text);

    const since = small.orders[300].updatedAt;
    const filtered = await writeBulkJsonl(small, join(dir, "delta.jsonl"), { filter: (o) => o.updatedAt > since });
    expect(filtered.orders).toBe(small.orders.filter((o) => o.updatedAt > since).length);
    expect(filtered.orders).toBeGreaterThan(0);
    await expect(writeBulkJsonl(small, join(dir, "missing-dir", "x.jsonl"))).rejects.toThrow(/cannot write/);
  });
});
