import { getNamedType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

/**
 * The deprecated fields, arguments and enum values a document uses, named as Shopify's
 * `X-Shopify-API-Deprecated-Reason` header lists them since 2025-04 ("Shop.products, Shop.productVariants",
 * shopify.dev changelog "graphql-return-actual-deprecation-reasons"). The stand-in sends that header and
 * records the list on the call, so a test can require that the app uses nothing the pinned schema deprecates.
 */
const cache = new WeakMap<DocumentNode, string[]>();

export function deprecatedUses(schema: GraphQLSchema, document: DocumentNode): string[] {
  const hit = cache.get(document);
  if (hit) return hit;
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field?.deprecationReason && parent) found.add(`${parent.name}.${field.name}`);
      },
      Argument() {
        const arg = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        if (arg?.deprecationReason && field) found.add(`${field.name}(${arg.name})`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type ? getNamedType(type) : null;
        const value = named && "getValue" in named ? named.getValue(node.value) : null;
        if (value?.deprecationReason && named) found.add(`${named.name}.${value.name}`);
      },
    }),
  );
  const list = [...found].sort();
  cache.set(document, list);
  return list;
}
