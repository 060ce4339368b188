import { describe, expect, it } from "vitest";
import { parseBulkMutationResult } from "../../app/shopify/tag-writer.server";
import { metafieldChanges, metafieldValues, recommendedProductIds } from "../../app/shopify/metafields.server";

describe("parseBulkMutationResult", () => {
  it("maps result lines to input lines by __lineNumber, with userErrors, whole-line errors and damaged lines", () => {
    const jsonl = [
      '{"data":{"tagsAdd":{"userErrors":[]}},"__lineNumber":2}',
      '{"data":{"tagsAdd":{"userErrors":[{"field":["tags"],"message":"Tags cannot exceed 250 per customer"}]}},"__lineNumber":0}',
      "not json at all",
      '{"errors":[{"message":"Internal error"}],"__lineNumber":3}',
      '{"data":{"tagsAdd":null},"__lineNumber":4}',
      "",
    ].join("\n");
    const out = parseBulkMutationResult(jsonl, "tagsAdd");
    expect(out.get(2)).toEqual({ userErrors: [] });
    expect(out.get(0)?.userErrors[0].message).toMatch(/250/);
    expect(out.has(1)).toBe(false); // the damaged line answered nothing: line 1 counts as missing
    expect(out.get(3)).toEqual({ userErrors: [], error: "Internal error" });
    expect(out.get(4)?.error).toMatch(/no result/);
  });
});

describe("metafield values", () => {
  const score = {
    churnProbability: 0.123456,
    riskBand: "high",
    rfmSegment: "at-risk",
    clv12m: 42.005,
    recommended: [] as string[],
  };
  it("rounds numbers and reads the recommended product GIDs (anything else in the list is left out)", () => {
    expect(
      metafieldValues({ ...score, recommended: ["gid://shopify/Product/1", "gid://shopify/Product/2", "junk"] }),
    ).toEqual({
      churn_probability: "0.1235",
      risk_band: "high",
      segment: "at-risk",
      predicted_clv: "42.01",
      recommended_products: '["gid://shopify/Product/1","gid://shopify/Product/2"]',
      // No products due to reorder for this customer (the due-products metafield).
      due_products: "[]",
    });
    // Duplicates and anything but a product GID are left out (the column's parsing is json-columns.test.ts's).
    expect(
      recommendedProductIds(["gid://shopify/Product/2", "x", "gid://shopify/Product/2", "gid://shopify/Product/3"], 5),
    ).toEqual(["gid://shopify/Product/2", "gid://shopify/Product/3"]);
    expect(
      metafieldValues({ ...score, recommended: ["gid://shopify/Product/1"] }, { recsEnabled: false })
        .recommended_products,
    ).toBe("[]");
  });
  it("writes only what differs, comparing numbers as numbers, and skips an empty list never stored", () => {
    const next = metafieldValues(score);
    expect(
      metafieldChanges(
        "gid://shopify/Customer/1",
        { churn_probability: "0.12350", risk_band: "high", segment: "at-risk", predicted_clv: "42.01" },
        next,
      ),
    ).toEqual([]);
    expect(
      metafieldChanges(
        "gid://shopify/Customer/1",
        { churn_probability: "0.2", risk_band: "low", segment: "at-risk", predicted_clv: "42.01" },
        next,
      ).map((w) => w.key),
    ).toEqual(["churn_probability", "risk_band"]);
    expect(
      metafieldChanges("gid://shopify/Customer/1", { recommended_products: '["gid://shopify/Product/9"]' }, next).map(
        (w) => w.key,
      ),
    ).toContain("recommended_products");
  });
});
