/**
 * The customer list's URL through its zod schema: what is valid is kept, each invalid field is dropped
 * with a message for it, so the page shows the rest instead of an error page.
 */
import { describe, expect, it } from "vitest";
import { readCustomerQuery } from "../../../app/routes/app.customers._index/query";
import { DEFAULT_SORT } from "../../../app/routes/app/customer-list.server";

const read = (qs: string) => readCustomerQuery(new URLSearchParams(qs));

describe("readCustomerQuery", () => {
  it("keeps a valid query as it is, and fills the defaults", () => {
    expect(read("")).toEqual({ query: { page: 1, sort: DEFAULT_SORT, direction: "desc" }, errors: {} });
    expect(
      read("sort=orders&direction=asc&page=3&risk=high&segment=rfm:champions&clvMin=10&clvMax=20&q=%20ann%20"),
    ).toEqual({
      query: {
        page: 3,
        sort: "orders",
        direction: "asc",
        risk: "high",
        segment: "rfm:champions",
        clvMin: 10,
        clvMax: 20,
        q: "ann",
      },
      errors: {},
    });
  });

  it("drops each invalid field with its message and keeps the others", () => {
    const r = read(`q=${"x".repeat(201)}&sort=nope&risk=extreme&page=0&segment=../etc&clvMin=abc&direction=up`);
    expect(r.query).toEqual({ page: 1, sort: DEFAULT_SORT, direction: "desc" });
    expect(Object.keys(r.errors).sort()).toEqual(["clvMin", "direction", "page", "q", "risk", "segment", "sort"]);
    expect(r.errors.q).toMatch(/at most 200 characters/);
    expect(r.errors.sort).toMatch(/^Sort by one of: valueAtRisk/);
    const kept = read("risk=high&sort=nope");
    expect(kept.query.risk).toBe("high");
    expect(kept.errors).toEqual({ sort: expect.stringMatching(/^Sort by/) });
  });

  it("a lowest value above the highest drops the highest, with a message", () => {
    const r = read("clvMin=50&clvMax=10");
    expect(r.query).toMatchObject({ clvMin: 50 });
    expect(r.query.clvMax).toBeUndefined();
    expect(r.errors.clvMax).toMatch(/above the highest/);
  });
});
