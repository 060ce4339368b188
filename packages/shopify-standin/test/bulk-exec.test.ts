import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../../app/shopify/api-version";
import { executeBulkQuery } from "../src/bulk-exec";
import type { ExecContext } from "../src/context";
import { executeDocument } from "../src/execute";
import { tinyShop } from "../src/fixture";
import { readSchema } from "../src/schema";
import { ShopState } from "../src/store";

const NOW = Date.parse("2026-11-20T12:00:00Z");

function context(scopes?: string[]): ExecContext {
  const data = { ...tinyShop("tiny-shop.myshopify.com", NOW), ...(scopes ? { scopes } : {}) };
  return {
    state: new ShopState(data, 1000, 50, () => NOW, 1),
    runtime: {
      baseUrl: () => "http://127.0.0.1:1",
      apiVersion: ADMIN_API_VERSION,
      fileDir: "/tmp",
      bulkMinMs: 0,
      flowTriggerHandles: null,
      onBulkFinished: () => undefined,
      isClosed: () => false,
      executeDocument,
      maxBulkOperations: 5,
      maxStagedUploadBytes: 100 * 1024 * 1024,
    },
    bulk: { rootSlice: null },
  };
}

describe("the lean bulk executor", () => {
  it("answers exactly what graphql-js answers (aliases, fragments, __typename, nested connections)", async () => {
    const document = parse(`
      query Export {
        orders(sortKey: UPDATED_AT, reverse: true) {
          edges { node {
            __typename id
            placed: createdAt
            ...Money
            customer { id tags ... on Customer { statistics { rfmGroup } } }
            lineItems { nodes { id quantity variant { id price product { handle } } } }
          } }
        }
      }
      fragment Money on Order { currentTotalPriceSet { shopMoney { amount currencyCode } } }
    `);
    const viaGraphqlJs = await executeDocument(context(), document, {});
    expect(viaGraphqlJs.errors).toBeUndefined();
    const lean = executeBulkQuery(context(), readSchema(), document);
    expect(lean).toEqual(viaGraphqlJs.data);
    expect(JSON.stringify(lean)).toBe(JSON.stringify(viaGraphqlJs.data));
  });

  it("throws ACCESS_DENIED without the scope", () => {
    const document = parse(`{ orders { edges { node { id } } } }`);
    expect(() => executeBulkQuery(context(["read_products"]), readSchema(), document)).toThrow(/read_orders/);
  });
});
