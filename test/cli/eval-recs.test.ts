import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { formatEvaluation, main, parseEvalRecsArgs } from "../../app/cli/eval-recs";
import { evaluateRecommendations, holdOutLastOrders, scoreList } from "../../app/analytics/recommendations";
import { basket, productGid } from "../helpers/orders";

const P = productGid;

describe("metrics", () => {
  it("computes HR, recall and NDCG by hand", () => {
    const acc = { hitRate: 0, recall: 0, ndcg: 0 };
    scoreList(["x", "a", "y"], new Set(["a", "b"]), 3, acc);
    expect(acc.hitRate).toBe(1);
    expect(acc.recall).toBe(0.5);
    expect(acc.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    scoreList(["x", "y", "a"], new Set(["a"]), 2, acc); // a is at rank 3 > k: a miss
    expect(acc).toEqual({
      hitRate: 1,
      recall: 0.5,
      ndcg: expect.closeTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12),
    });
    scoreList(["a"], new Set(["a"]), 10, acc);
    expect(acc.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)) + 1, 12);
  });

  it("holds out each repeat customer's last order and never trains on it", () => {
    const orders = [
      basket("1", 0, ["a"]),
      basket("1", 5, ["b"]),
      basket("1", 3, ["c"]),
      basket("2", 0, ["a"]),
      basket(null, 9, ["b"]),
    ];
    const held = holdOutLastOrders(orders);
    expect([...held.keys()]).toEqual(["gid://shopify/Customer/1"]);
    expect(held.get("gid://shopify/Customer/1")!.lineItems[0].productId).toBe(P("b"));
    const r = evaluateRecommendations(orders, { k: 1 });
    expect(r.customers).toBe(1);
    expect(r.trainingOrders).toBe(4);
    // Training popularity: a (2 buyers) first, so popularity@1 misses b; b was bought only by the guest
    // in training and by customer 1 in the held-out order, which must not leak.
    expect(r.popularity.hitRate).toBe(0);
    expect(r.engine.hitRate).toBe(0);
  });

  it("rejects a bad k", () => {
    expect(() => evaluateRecommendations([], { k: 0 })).toThrow(/requires k to be a positive integer/);
    expect(evaluateRecommendations([]).customers).toBe(0);
  });
});

describe("eval:recs CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "eval-recs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parses its arguments and explains mistakes", () => {
    expect(parseEvalRecsArgs(["--input", "x.jsonl", "--k", "5"])).toEqual({ input: "x.jsonl", k: 5, json: false });
    expect(() => parseEvalRecsArgs([])).toThrow(/requires exactly one of --input/);
    expect(() => parseEvalRecsArgs(["--input", "x", "--k", "0"])).toThrow(/--k requires a positive integer/);
    expect(() => parseEvalRecsArgs(["--input"])).toThrow(/--input requires a value/);
    expect(() => parseEvalRecsArgs(["--input", "x", "--bogus"])).toThrow(/unknown argument --bogus/);
  });

  it("reads a bulk-operation JSONL file and prints the three methods", async () => {
    // Three customers re-buy their staple; the held-out order repeats it, so buy-again methods hit.
    const lines: string[] = [];
    let li = 0;
    const add = (id: number, customer: string | null, day: number, products: string[]) => {
      lines.push(
        JSON.stringify({
          id: `gid://shopify/Order/${id}`,
          processedAt: new Date(Date.UTC(2025, 0, 1 + day)).toISOString(),
          customer: customer ? { id: `gid://shopify/Customer/${customer}` } : null,
          test: false,
          cancelledAt: null,
          currentTotalPriceSet: { shopMoney: { amount: "10.00", currencyCode: "EUR" } },
          totalRefundedSet: { shopMoney: { amount: "0.00", currencyCode: "EUR" } },
        }),
      );
      for (const p of products) {
        lines.push(
          JSON.stringify({
            id: `gid://shopify/LineItem/${++li}`,
            __parentId: `gid://shopify/Order/${id}`,
            quantity: 1,
            currentQuantity: 1,
            product: { id: P(p) },
            variant: null,
            originalUnitPriceSet: { shopMoney: { amount: "10.00", currencyCode: "EUR" } },
          }),
        );
      }
    };
    let id = 0;
    for (const [c, staple] of [
      ["1", "tea"],
      ["2", "soap"],
      ["3", "rice"],
    ]) {
      add(++id, c, 0, [staple]);
      add(++id, c, 10, [staple, "bag"]);
      add(++id, c, 20, [staple]);
    }
    for (let g = 0; g < 5; g++) add(++id, null, 30 + g, ["bag"]);
    const file = join(dir, "orders.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n{not json\n`);

    const out: string[] = [];
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    try {
      expect(await main(["--input", file, "--k", "1", "--json"])).toBe(0);
      expect(await main(["--k", "0"])).toBe(2);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const result = JSON.parse(out[0]);
    expect(result.customers).toBe(3);
    expect(result.trainingOrders).toBe(11);
    expect(result.engine.hitRate).toBe(1);
    expect(result.topFrequency.hitRate).toBe(1);
    expect(result.popularity.hitRate).toBe(0); // bag (3 customers) is the popular one
    expect(err.join("")).toMatch(/skipped 1 malformed line/);
    const table = formatEvaluation(result);
    expect(table).toMatch(/^engine\s+1\.0000\s+1\.0000\s+1\.0000$/m);
    expect(table).toMatch(/^popularity\s+0\.0000/m);
  });
});
