/** Pure helpers of app/models/recommendations.server.ts: reading recommendedJson and product ids. */
import { describe, expect, it } from "vitest";
import { readRecommended } from "../../app/models/json-columns.server";
import { toProductGid } from "../../app/models/recommendations.server";

describe("recommendedJson", () => {
  it("reads a list of GIDs, in order; objects are not a shape the app writes (read as none)", () => {
    expect(readRecommended('["gid://shopify/Product/1","gid://shopify/Product/2"]')).toEqual([
      "gid://shopify/Product/1",
      "gid://shopify/Product/2",
    ]);
    expect(
      readRecommended(
        '[{"productId":"gid://shopify/Product/3","score":0.9},{"id":"gid://shopify/Product/4"},{"score":1},7]',
      ),
    ).toEqual([]);
  });

  it("gives nothing for empty, malformed or non-list JSON", () => {
    for (const bad of ["", "[]", "{not json", '{"a":1}', "null", '"x"']) expect(readRecommended(bad)).toEqual([]);
    expect(readRecommended(null)).toEqual([]);
  });
});

describe("storefront product ids", () => {
  it("accepts Liquid's numeric product.id and product GIDs, nothing else", () => {
    expect(toProductGid("7012345678")).toBe("gid://shopify/Product/7012345678");
    expect(toProductGid(" gid://shopify/Product/5 ")).toBe("gid://shopify/Product/5");
    for (const bad of [
      "0",
      "-1",
      "1.5",
      "abc",
      "gid://shopify/Customer/5",
      "gid://shopify/Product/5/x",
      "1".repeat(21),
    ]) {
      expect(toProductGid(bad)).toBeNull();
    }
  });
});
