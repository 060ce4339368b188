/**
 * Every `#graphql` document of the app validates against the pinned Admin schema
 * (app/shopify/admin-schema/admin_<ADMIN_API_VERSION>.json.gz), the way Shopify would check it.
 */
import { describe, expect, it } from "vitest";
import { documentsInText, findGraphqlDocuments } from "../../app/shopify/documents";
import { validateDocument } from "../../packages/shopify-standin/src/schema";

const documents = findGraphqlDocuments();

describe("the app's GraphQL documents", () => {
  it("are found across app/ (the sync's own ones included)", () => {
    const names = documents.map((d) => /\b(?:query|mutation)\s+(\w+)/.exec(d.source)?.[1]);
    for (const name of [
      "OrdersExport",
      "OrdersPage",
      "OrderLineItemsPage",
      "BulkRunQuery",
      "BulkOperationStatus",
      "BulkOperationsInFlight",
      "AccessScopes",
      "ProductsPage",
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(documents.map((d) => [`${d.file}:${d.line}`, d] as const))(
    "%s validates against the pinned schema",
    (_where, doc) => {
      expect(doc.unresolved, `interpolations that cannot be checked statically: ${doc.unresolved.join(", ")}`).toEqual(
        [],
      );
      const result = validateDocument(doc.source);
      expect(result.errors.map((e) => e.message)).toEqual([]);
    },
  );

  it("the walker resolves same-file constants and reports the rest", () => {
    const text = [
      'const FIELDS = "id handle";',
      "export const A = `#graphql",
      "  query A { products(first: 1) { nodes { ${FIELDS} } } }`;",
      "const B = `#graphql query B { shop { ${other} } }`;",
    ].join("\n");
    const [a, b] = documentsInText(text);
    expect(a.source).toContain("nodes { id handle }");
    expect(a.unresolved).toEqual([]);
    expect(a.line).toBe(2);
    expect(b.unresolved).toEqual(["other"]);
  });

  it("an invalid document is caught", () => {
    const [doc] = documentsInText("const X = `#graphql\n query X { orders(first: 1) { nodes { nope } } }`;");
    expect(validateDocument(doc.source).ok).toBe(false);
  });
});
