import { describe, expect, it } from "vitest";
import {
  buildCoPurchase,
  buildRecommender,
  buildRepurchase,
  coPurchaseScore,
  toBaskets,
} from "../../../app/analytics/recommendations";
import type { OrderInput, ProductInfo } from "../../../app/analytics/types";
import { basket, customerGid, productGid } from "../../helpers/orders";

const P = productGid;
const C = customerGid;
const product = (id: string, productType: string, extra: Partial<ProductInfo> = {}): ProductInfo => ({
  id: P(id),
  handle: id,
  productType,
  status: "ACTIVE",
  inStock: true,
  ...extra,
});

describe("order cleaning", () => {
  it("drops test, cancelled, refunded, zero-value and emptied orders, uses currentQuantity, keeps guests", () => {
    const orders = [
      basket("1", 0, ["a", "b"]),
      basket("1", 1, ["a"], { test: true }),
      basket("1", 2, ["a"], { cancelledAt: new Date() }),
      basket("1", 3, ["a"], { financialStatus: "REFUNDED", refunded: 10, total: 0 }),
      basket("1", 4, ["c"], { refunded: 10, total: 0 }),
      basket(null, 5, ["b", "c"]),
      // A free order (100% discount) is no purchase, for the recommendations as for churn.
      basket("1", 5, ["d"], { total: 0 }),
      {
        ...basket("2", 6, []),
        total: 5,
        lineItems: [
          { productId: P("a"), variantId: null, quantity: 2, currentQuantity: 0, unitPrice: 5 },
          { productId: P("d"), variantId: null, quantity: 1, unitPrice: 5 },
          { productId: null, variantId: null, quantity: 1, unitPrice: 5 },
        ],
      },
      basket("3", 7, [], {
        lineItems: [{ productId: P("a"), variantId: null, quantity: 1, currentQuantity: 0, unitPrice: 5 }],
      }),
    ];
    const t = toBaskets(orders);
    expect(t.size).toBe(3);
    expect(t.products.ids).toEqual([P("a"), P("b"), P("c"), P("d")]);
    const basketAt = (b: number) =>
      Array.from(t.items.subarray(t.offset[b], t.offset[b + 1])).map((p) => t.products.ids[p]);
    expect([0, 1, 2].map(basketAt)).toEqual([[P("a"), P("b")], [P("b"), P("c")], [P("d")]]);
    expect(Array.from(t.customer)).toEqual([0, -1, 1]);
    expect(t.customers).toEqual([C("1"), C("2")]);
  });
});

describe("co-purchase", () => {
  // Baskets {a,b} {a,b} (guest) {a,c} {b}: n_a = 3, n_b = 3, n_c = 1, c_ab = 2, c_ac = 1, c_bc = 0.
  const orders = [
    basket("1", 0, ["a", "b"]),
    basket(null, 1, ["a", "b"]),
    basket("2", 2, ["a", "c"]),
    basket("3", 3, ["b"]),
  ];

  it("scores shrunk cosine by hand, symmetric, guest baskets included", () => {
    const t = toBaskets(orders);
    const cp = buildCoPurchase(t, { shrinkage: 5 });
    const [a, b, c] = [0, 1, 2];
    expect(Array.from(cp.basketCount)).toEqual([3, 3, 1]);
    expect(coPurchaseScore(cp, a, b)).toBeCloseTo((2 / 3) * (2 / 7), 6);
    expect(coPurchaseScore(cp, b, a)).toBeCloseTo((2 / 3) * (2 / 7), 6);
    expect(coPurchaseScore(cp, a, c)).toBeCloseTo((1 / Math.sqrt(3)) * (1 / 6), 6);
    expect(coPurchaseScore(cp, b, c)).toBe(0);
    // Neighbours best first.
    expect(Array.from(cp.neighbour.subarray(cp.offset[a], cp.offset[a + 1]))).toEqual([b, c]);
    // Without the guest basket c_ab = 1 and n_a = n_b = 2: the guest order did count.
    const noGuest = buildCoPurchase(toBaskets(orders.filter((o) => o.customerId !== null)), { shrinkage: 5 });
    expect(coPurchaseScore(noGuest, a, b)).toBeCloseTo((1 / 2) * (1 / 6), 6);
  });

  it("counts at most maxPairsPerBasket pairs, most common products first", () => {
    // {a,b,c,d} once, a twice more, b once more: counts a 3, b 2, c 1, d 1; one pair allowed = (a, b).
    const t = toBaskets([
      basket("1", 0, ["d", "c", "b", "a"]),
      basket("2", 1, ["a"]),
      basket("3", 2, ["a"]),
      basket("4", 3, ["b"]),
    ]);
    const capped = buildCoPurchase(t, { maxPairsPerBasket: 1, shrinkage: 0 });
    expect(coPurchaseScore(capped, 0, 1)).toBeCloseTo(1 / Math.sqrt(6), 6);
    expect(coPurchaseScore(capped, 0, 2)).toBe(0);
    expect(coPurchaseScore(capped, 2, 3)).toBe(0);
    const full = buildCoPurchase(t, { shrinkage: 0 });
    expect(coPurchaseScore(full, 2, 3)).toBeCloseTo(1, 6);
    expect(full.neighbour.length).toBe(12); // 6 pairs, both directions
  });

  it("drops pairs seen once when the distinct-pair budget is exceeded, keeping steady pairs", () => {
    const t = toBaskets([
      basket("1", 0, ["a", "b"]),
      basket("2", 1, ["a", "b"]),
      basket("3", 2, ["c", "d"]),
      basket("4", 3, ["e", "f"]),
    ]);
    const cp = buildCoPurchase(t, { shrinkage: 0, maxDistinctPairs: 1, chunkSize: 1 });
    expect(coPurchaseScore(cp, 0, 1)).toBeCloseTo(1, 6);
    expect(coPurchaseScore(cp, 2, 3)).toBe(0);
    expect(coPurchaseScore(cp, 4, 5)).toBe(0);
  });
});

describe("repurchase rates", () => {
  it("matches the hand-computed shrunk rates and ignores guests", () => {
    // Customer 1 buys a on two orders and b once; customer 2 buys a once; a guest buys a and b twice.
    const orders = [
      basket("1", 0, ["a", "b"]),
      basket("1", 5, ["a"]),
      basket("2", 1, ["a"]),
      basket(null, 2, ["a", "b"]),
      basket(null, 3, ["a", "b"]),
    ];
    const r = buildRepurchase(toBaskets(orders), 5);
    expect(Array.from(r.buyers)).toEqual([2, 1]);
    expect(Array.from(r.repeaters)).toEqual([1, 0]);
    expect(r.globalRate).toBeCloseTo(1 / 3, 12);
    expect(r.rate[0]).toBeCloseTo((1 + 5 / 3) / 7, 12);
    expect(r.rate[1]).toBeCloseTo(5 / 3 / 6, 12);
  });
});

/** A shop where coffee is bought again and again, a sofa once per customer, tea is popular. */
function staplesShop(): OrderInput[] {
  const orders: OrderInput[] = [];
  for (let c = 0; c < 10; c++) {
    orders.push(basket(`s${c}`, c, ["sofa", "coffee"]));
    orders.push(basket(`s${c}`, 20 + c, ["coffee"]));
    orders.push(basket(`s${c}`, 40 + c, ["coffee", "tea"]));
  }
  for (let c = 0; c < 12; c++) orders.push(basket(`t${c}`, 60 + c, ["tea"]));
  orders.push(basket("x", 80, ["sofa"]));
  orders.push(basket("x", 81, ["mug"]));
  return orders;
}

describe("personal recommendations", () => {
  it("weights buy-again by the repurchase rate: a durable bought once is not pushed again", () => {
    const rec = buildRecommender(staplesShop(), { coPurchaseWeight: 0 });
    // Sofa: 11 buyers, no repeat -> rate (0 + 5g) / 16; coffee: 10 buyers, 10 repeat.
    const y = buildRecommender([...staplesShop(), basket("y", 90, ["coffee", "sofa"])], { coPurchaseWeight: 0 });
    const list = y.forCustomer(C("y"), 4);
    expect(list[0]).toBe(P("coffee"));
    expect(list.indexOf(P("sofa"))).toBeGreaterThan(list.indexOf(P("tea")));
    // Customer x bought a sofa and a mug: the popular staple tea outranks the sofa.
    const x = rec.forCustomer(C("x"), 3);
    expect(x.indexOf(P("tea"))).toBeLessThan(x.indexOf(P("sofa")));
    expect(x).toHaveLength(3);
  });

  it("brings co-purchase neighbours of what the customer bought", () => {
    const orders = [
      ...Array.from({ length: 6 }, (_, i) => basket(null, i, ["pasta", "sauce"])),
      ...Array.from({ length: 8 }, (_, i) => basket(`p${i}`, 10 + i, ["bread"])),
      basket("z", 30, ["pasta"]),
    ];
    const rec = buildRecommender(orders);
    // Sauce has no customer buyer (guests only), so only co-purchase can bring it, and only to z.
    expect(rec.forCustomer(C("z"), 3)).toContain(P("sauce"));
    expect(rec.forCustomer(C("p0"), 3)).not.toContain(P("sauce"));
    expect(buildRecommender(orders, { coPurchaseWeight: 0 }).forCustomer(C("z"), 3)).not.toContain(P("sauce"));
  });

  it("uses the customer's cluster: its popular products fill first, its purchase rates weigh candidates", () => {
    const orders = [
      ...Array.from({ length: 5 }, (_, i) => basket(`a${i}`, i, ["rose"])),
      ...Array.from({ length: 3 }, (_, i) => basket(`b${i}`, i, ["cactus"])),
      basket("b0", 9, ["soil"]),
    ];
    const clusterOf = new Map<string, string>([
      ...["a0", "a1", "a2", "a3", "a4"].map((c) => [C(c), "A"] as [string, string]),
      ...["b0", "b1", "b2", "b9"].map((c) => [C(c), "B"] as [string, string]),
    ]);
    const rec = buildRecommender(orders, { clusterOf });
    expect(rec.popular(3)).toEqual([P("rose"), P("cactus"), P("soil")]);
    expect(rec.popular(2, "B")).toEqual([P("cactus"), P("soil")]);
    expect(rec.popular(2, "nope")).toEqual([P("rose"), P("cactus")]);
    expect(rec.forCustomer(C("nobody"), 2)).toEqual([P("rose"), P("cactus")]);
    // b9 is in cluster B but has no orders: cluster popularity, then the shop's.
    expect(rec.forCustomer(C("b9"), 3)).toEqual([P("cactus"), P("soil"), P("rose")]);
    // b1 bought cactus (never repurchased in this shop): cluster B's rate puts cactus (3 of 4 B orders,
    // shrunk: (3 + 10·3/9)/14) above rose ((0 + 10·5/9)/14); without clusters rose's 5/9 wins.
    expect(rec.forCustomer(C("b1"), 1)).toEqual([P("cactus")]);
    expect(buildRecommender(orders).forCustomer(C("b1"), 1)).toEqual([P("rose")]);
  });
});

describe("exclusions, variety and determinism", () => {
  const orders = [
    ...Array.from({ length: 9 }, (_, i) => basket(`c${i}`, i, ["old", "draft", "gone", "ok1"])),
    ...Array.from({ length: 5 }, (_, i) => basket(`d${i}`, 20 + i, ["ok2", "unlisted"])),
  ];
  const products = [
    product("old", "t", { status: "ARCHIVED" }),
    product("draft", "t", { status: "DRAFT" }),
    product("gone", "t", { inStock: false }),
    product("ok1", "t"),
    product("ok2", "u"),
    product("never-sold", "t"),
  ];

  it("never returns archived, draft, out-of-stock or unknown products when the catalogue is given", () => {
    const rec = buildRecommender(orders, { products });
    const banned = [P("old"), P("draft"), P("gone"), P("unlisted")];
    for (const list of [
      rec.forCustomer(C("c0"), 10),
      rec.forProducts([P("ok1")], 10),
      rec.popular(10),
      rec.forCustomer(C("d0"), 10),
    ]) {
      for (const id of banned) expect(list).not.toContain(id);
    }
    expect(rec.popular(10)).toEqual([P("ok1"), P("ok2")]);
    // Without a catalogue everything sold is eligible.
    expect(buildRecommender(orders).popular(10)).toHaveLength(6);
  });

  it("fills product pages with co-purchase neighbours, then popular products of the same type", () => {
    const rec = buildRecommender(orders, { products });
    // ok2's only neighbour is unlisted (not in the catalogue); its type u has no other product: ok1 fills.
    expect(rec.forProducts([P("ok2")], 2)).toEqual([P("ok1")]);
    const same = buildRecommender(
      [...orders, ...Array.from({ length: 3 }, (_, i) => basket(`e${i}`, 40 + i, ["ok3"]))],
      { products: [...products, product("ok3", "u")] },
    );
    // ok2 has no eligible neighbour; the popular product of its type (u) comes before type t.
    expect(same.forProducts([P("ok2")], 2)).toEqual([P("ok3"), P("ok1")]);
    expect(same.forProducts([P("ok2")], 2, { exclude: [P("ok3")] })).toEqual([P("ok1")]);
    expect(same.forProducts([P("ok1")], 5)).not.toContain(P("ok1"));
  });

  it("caps one productType to maxTypeShare of the list, but still fills the list", () => {
    const teaOrders = [
      ...["t1", "t2", "t3", "t4"].flatMap((t, k) =>
        Array.from({ length: 10 - k }, (_, i) => basket(`k${k}${i}`, i, [t])),
      ),
      ...Array.from({ length: 2 }, (_, i) => basket(`m${i}`, 30 + i, ["mug"])),
    ];
    const catalogue = [...["t1", "t2", "t3", "t4"].map((t) => product(t, "tea")), product("mug", "ware")];
    const rec = buildRecommender(teaOrders, { products: catalogue, maxTypeShare: 0.5 });
    expect(rec.popular(3)).toEqual([P("t1"), P("t2"), P("mug")]);
    // limit 5: at most max(2, ceil(2.5)) = 3 teas before the mug, the fourth tea after it.
    expect(rec.popular(5)).toEqual([P("t1"), P("t2"), P("t3"), P("mug"), P("t4")]);
    expect(buildRecommender(teaOrders, { products: catalogue, maxTypeShare: 1 }).popular(3)).toEqual([
      P("t1"),
      P("t2"),
      P("t3"),
    ]);
  });

  it("answers the same whatever the input order, breaking ties by product id", () => {
    const shop = staplesShop();
    const a = buildRecommender(shop);
    const b = buildRecommender([...shop].reverse());
    for (const c of ["s0", "s5", "t3", "x", "nobody"]) expect(b.forCustomer(C(c), 5)).toEqual(a.forCustomer(C(c), 5));
    expect(b.forProducts([P("coffee")], 5)).toEqual(a.forProducts([P("coffee")], 5));
    const tie = buildRecommender([basket("1", 0, ["zz"]), basket("2", 1, ["aa"]), basket("3", 2, ["mm"])]);
    expect(tie.popular(3)).toEqual([P("aa"), P("mm"), P("zz")]);
    const frozen = Object.freeze(shop.map((o) => Object.freeze(o)));
    expect(() => buildRecommender(frozen)).not.toThrow();
  });

  it("guest orders feed co-purchase, not popularity or profiles", () => {
    const rec = buildRecommender([
      ...Array.from({ length: 4 }, (_, i) => basket(null, i, ["gin", "tonic"])),
      basket("1", 10, ["gin"]),
      basket("2", 11, ["lime"]),
    ]);
    expect(rec.popular(5)).toEqual([P("gin"), P("lime")]);
    expect(rec.forProducts([P("gin")], 1)).toEqual([P("tonic")]);
  });

  it("rejects bad options with a clear message and returns nothing for limit 0", () => {
    expect(() => buildRecommender([], { recencyDecay: 0 })).toThrow(/requires 0 < recencyDecay/);
    expect(() => buildRecommender([], { maxPairsPerBasket: -1 })).toThrow(/requires maxPairsPerBasket/);
    expect(buildRecommender(staplesShop()).forCustomer(C("s0"), 0)).toEqual([]);
    expect(buildRecommender([]).popular(5)).toEqual([]);
  });
});
