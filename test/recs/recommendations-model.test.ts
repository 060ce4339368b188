/** Pure helpers of app/models/recommendations.server.ts: reading recommendedJson and product ids. */
import { describe, expect, it } from "vitest";
import { parseRecommendedJson, toProductGid } from "../../app/models/recommendations.server";

describe("recommendedJson", () => {
  it("reads a list of GIDs or of { productId } / { id } objects, in order", () => {
    expect(parseRecommendedJson('["gid://shopify/Product/1","gid://shopify/Product/2"]')).toEqual([
      "gid://shopify/Product/1",
      "gid://shopify/Product/2",
    ]);
    expect(
      parseRecommendedJson('[{"productId":"gid://shopify/Product/3","score":0.9},{"id":"gid://shopify/Product/4"},{"score":1},7]'),
    ).toEqual(["gid://shopify/Product/3", "gid://shopify/Product/4"]);
  });

  it("gives nothing for empty, malformed or non-list JSON", () => {
    for (const bad of ["", "[]", "{not json", '{"a":1}', "null", '"x"']) expect(parseRecommendedJson(bad)).toEqual([]);
    expect(parseRecommendedJson(null)).toEqual([]);
  });
});

describe("storefront product ids", () => {
  it("accepts Liquid's numeric product.id and product GIDs, nothing else", () => {
    expect(toProductGid("7012345678")).toBe("gid://shopify/Product/7012345678");
    expect(toProductGid(" gid://shopify/Product/5 ")).toBe("gid://shopify/Product/5");
    for (const bad of ["0", "-1", "1.5", "abc", "gid://shopify/Customer/5", "gid://shopify/Product/5/x", "1".repeat(21)]) {
      expect(toProductGid(bad)).toBeNull();
    }
  });
});
