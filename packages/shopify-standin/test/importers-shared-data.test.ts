/**
 * Reads ../shared/data (/work/shared/data): the Complete Journey transactions sample with products.csv.gz,
 * and the full CDNOW master file. Skipped with a message only when the files are absent and CI is not
 * set; in CI a missing file fails the test.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeJourneyToOrders } from "../../../app/cli/complete-journey";
import { needSharedData } from "../../../test/helpers/shared-data";
import { importCdnow, importCompleteJourney } from "../src/importers";

const need = needSharedData("importers on ../shared data", [
  "completejourney/transactions_sample.csv",
  "completejourney/products.csv.gz",
  "cdnow/CDNOW_master.txt",
]);
const [TRANSACTIONS, PRODUCTS, MASTER] = need.files;
const { skip, title } = need;

/** Splits a CSV row of the transactions file (quoted fields, no embedded commas in this file). */
const fields = (line: string) => line.split(",").map((f) => f.replace(/^"|"$/g, ""));

describe.skipIf(skip)(title, () => {
  it("reads ../shared: Complete Journey baskets become orders, households customers, categories product types", () => {
    const csv = readFileSync(TRANSACTIONS, "utf8");
    const data = importCompleteJourney(csv, readFileSync(PRODUCTS));
    // Independent counts from the raw rows.
    const rows = csv
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .slice(1)
      .map(fields);
    expect(rows).toHaveLength(75_000);
    const baskets = new Set(rows.map((r) => r[2]));
    const households = new Set(rows.map((r) => r[0]));
    const productIds = new Set(rows.map((r) => r[3]));
    expect(households.size).toBe(2377);
    expect(data.customers).toHaveLength(2377);
    expect(data.orders).toHaveLength(baskets.size);
    expect(data.products).toHaveLength(productIds.size);
    expect(productIds.size).toBe(20_902);
    const salesCents = rows.reduce((s, r) => s + Math.round(Number(r[5]) * 100), 0);
    const totalCents = data.orders.reduce((s, o) => s + Math.round(Number(o.totalPrice) * 100), 0);
    expect(Math.abs(totalCents - salesCents)).toBeLessThanOrEqual(data.orders.length); // per-order rounding only
    const quantity = rows.reduce((s, r) => s + Number(r[4]), 0);
    expect(data.orders.reduce((s, o) => s + o.lineItems.reduce((t, l) => t + l.quantity, 0), 0)).toBe(quantity);
    const typed = data.products.filter((p) => p.productType !== "").length;
    expect(typed / data.products.length).toBeGreaterThan(0.95);
    expect(new Set(data.products.map((p) => p.productType)).size).toBeGreaterThan(100);
    // Same baskets, customers, days and products as the engine's own converter.
    const engine = new Map(completeJourneyToOrders(csv).map((o) => [o.id, o]));
    const key = (customerId: string | null, t: number, lines: Array<[string | null, number]>) =>
      `${customerId}|${t}|${lines.join(";")}`;
    let different = 0;
    for (const o of data.orders) {
      const e = engine.get(o.id);
      const mine = key(
        o.customerId,
        Date.parse(o.processedAt),
        o.lineItems.map((l) => [l.productId, l.quantity]),
      );
      if (
        !e ||
        mine !==
          key(
            e.customerId,
            e.processedAt.getTime(),
            e.lineItems.map((l) => [l.productId, l.quantity]),
          )
      )
        different++;
    }
    expect(different).toBe(0);
  });

  it("reads ../shared: the CDNOW master file, 23,570 customers and 69,659 orders", () => {
    const text = readFileSync(MASTER, "utf8");
    const data = importCdnow(text);
    expect(data.customers).toHaveLength(23_570);
    expect(data.orders).toHaveLength(69_659);
    const fileCents = text
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim())
      .reduce((s, l) => s + Math.round(Number(l.trim().split(/\s+/)[3]) * 100), 0);
    expect(data.orders.reduce((s, o) => s + Math.round(Number(o.totalPrice) * 100), 0)).toBe(fileCents);
  });
});
