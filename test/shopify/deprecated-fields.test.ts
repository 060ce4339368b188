/**
 * No document the app sends selects a field, argument or enum value that the pinned schema deprecates
 * (Shopify answers them with an X-Shopify-API-Deprecated-Reason header, then removes them in a later
 * version: `currentBulkOperation` was one). Checked on every `#graphql` document of app/ with the same
 * detection the stand-in uses for that header (packages/shopify-standin/src/deprecations.ts).
 */
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { findGraphqlDocuments } from "../../app/shopify/documents";
import { deprecatedUses } from "../../packages/shopify-standin/src/deprecations";
import { readSchema, validateDocument } from "../../packages/shopify-standin/src/schema";

describe("deprecated fields", () => {
  const schema = readSchema();

  it("the detection finds what the pinned schema deprecates", () => {
    expect(
      deprecatedUses(schema, parse(`{ currentBulkOperation { id } customer(id: "x") { email displayName } }`)),
    ).toEqual(["Customer.email", "QueryRoot.currentBulkOperation"]);
  });

  it("no #graphql document of the app uses one", () => {
    const documents = findGraphqlDocuments();
    expect(documents.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const d of documents) {
      const v = validateDocument(d.source);
      if (!v.ok) continue; // reported by documents.test.ts
      for (const use of deprecatedUses(schema, v.document)) found.push(`${d.file}:${d.line} ${use}`);
    }
    expect(found).toEqual([]);
  });
});
