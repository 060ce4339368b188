import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Query cost, after Shopify's published rules (shopify.dev "GraphQL Admin API rate limits"):
 * - scalar and enum fields cost 0, an object field costs 1;
 * - a connection (a type named `...Connection`) costs 2 plus, per object it returns, the cost of one
 *   node's selection (+1 for the node itself); the requested cost sizes it by `first`/`last`, the actual
 *   cost by the edges/nodes really returned; `pageInfo` and cursors are free;
 * - interfaces and unions: fragments on the field's possible types are added (an upper bound, where
 *   Shopify takes the maximum of the possible selections);
 * - a list of objects that is not a connection costs its selection once per element in the actual
 *   cost and once in the requested cost;
 * - each mutation root field costs 10, whatever its selection.
 * The requested cost is computed before executing; the bucket must hold it. The actual cost is charged.
 */

export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function isConnection(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && !!named.getFields().edges;
}

function argInt(
  walk: Walk,
  field: { arguments?: readonly { name: { value: string }; value: import("graphql").ValueNode }[] },
  name: string,
): number | null {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.VARIABLE) {
    const v = walk.variables[arg.value.name.value];
    return typeof v === "number" ? v : null;
  }
  const v = valueFromAST(arg.value, getNamedType(walk.schema.getType("Int")!) as import("graphql").GraphQLInputType);
  return typeof v === "number" ? v : null;
}

/** Cost of a selection set on `parent`; with `data` (the answer at this point) it is the actual cost. */
function selectionCost(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  data: unknown,
  actual: boolean,
): number {
  let total = 0;
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT || sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : walk.fragments.get(sel.name.value);
      if (!frag) continue;
      const condName = frag.typeCondition?.name.value;
      const condType = condName ? walk.schema.getType(condName) : parent;
      if (!condType || !isCompositeType(condType)) continue;
      if (actual && data && typeof data === "object" && condName) {
        const typename = (data as Record<string, unknown>).__typename;
        if (typeof typename === "string" && typename !== condName && !isAbstractMatch(walk, condName, typename))
          continue;
      }
      total += selectionCost(walk, frag.selectionSet, condType, data, actual);
      continue;
    }
    if (sel.name.value.startsWith("__")) continue;
    if (!("getFields" in parent)) continue;
    const fieldDef = parent.getFields()[sel.name.value];
    if (!fieldDef || !sel.selectionSet) continue; // scalars and enums: 0
    const named = getNamedType(fieldDef.type) as GraphQLCompositeType;
    const key = sel.alias?.value ?? sel.name.value;
    const value = actual && data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;
    if (actual && (value === null || value === undefined)) continue;
    if (isConnection(fieldDef.type)) {
      total +=
        2 +
        connectionItemsCost(
          walk,
          sel.selectionSet,
          named,
          value,
          actual,
          argInt(walk, sel, "first") ?? argInt(walk, sel, "last") ?? 0,
        );
      continue;
    }
    const unwrapped = isNonNullType(fieldDef.type) ? fieldDef.type.ofType : fieldDef.type;
    if (isListType(unwrapped) && actual && Array.isArray(value)) {
      for (const item of value)
        if (item !== null) total += 1 + selectionCost(walk, sel.selectionSet, named, item, actual);
      continue;
    }
    total += 1 + selectionCost(walk, sel.selectionSet, named, value, actual);
  }
  return total;
}

function isAbstractMatch(walk: Walk, condName: string, typename: string): boolean {
  const cond = walk.schema.getType(condName);
  const concrete = walk.schema.getType(typename);
  if (!cond || !concrete || !isObjectType(concrete)) return false;
  if (isInterfaceType(cond)) return concrete.getInterfaces().some((i) => i.name === condName);
  return walk.schema.isSubType(cond as import("graphql").GraphQLAbstractType, concrete);
}

/** The per-item cost of a connection's `edges { node }` / `nodes` selections, times the item count. */
function connectionItemsCost(
  walk: Walk,
  selectionSet: SelectionSetNode,
  conn: GraphQLCompositeType,
  value: unknown,
  actual: boolean,
  size: number,
): number {
  if (!isObjectType(conn)) return 0;
  const fields = conn.getFields();
  let total = 0;
  const visit = (set: SelectionSetNode, data: unknown): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, data);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = walk.fragments.get(sel.name.value);
        if (frag) visit(frag.selectionSet, data);
        continue;
      }
      const key = sel.alias?.value ?? sel.name.value;
      const dataObj = data && typeof data === "object" ? (data as Record<string, unknown>) : null;
      if (sel.name.value === "nodes" && sel.selectionSet) {
        const nodeType = getNamedType(fields.nodes.type) as GraphQLCompositeType;
        if (actual) {
          for (const item of (dataObj?.[key] as unknown[] | undefined) ?? [])
            total += 1 + selectionCost(walk, sel.selectionSet, nodeType, item, true);
        } else total += size * (1 + selectionCost(walk, sel.selectionSet, nodeType, undefined, false));
      } else if (sel.name.value === "edges" && sel.selectionSet) {
        const edgeType = getNamedType(fields.edges.type);
        if (!isObjectType(edgeType)) continue;
        const nodeField = edgeType.getFields().node;
        const nodeType = getNamedType(nodeField.type) as GraphQLCompositeType;
        const edges = actual ? ((dataObj?.[key] as unknown[] | undefined) ?? []) : [];
        const perEdge = (edge: unknown): number => {
          let c = 0;
          const walkEdge = (es: SelectionSetNode): void => {
            for (const s of es.selections) {
              if (s.kind === Kind.FIELD && s.name.value === "node" && s.selectionSet) {
                const nodeKey = s.alias?.value ?? "node";
                const nodeData =
                  edge && typeof edge === "object" ? (edge as Record<string, unknown>)[nodeKey] : undefined;
                c += 1 + selectionCost(walk, s.selectionSet, nodeType, nodeData, actual);
              } else if (s.kind === Kind.INLINE_FRAGMENT) walkEdge(s.selectionSet);
              else if (s.kind === Kind.FRAGMENT_SPREAD) {
                const frag = walk.fragments.get(s.name.value);
                if (frag) walkEdge(frag.selectionSet);
              }
            }
          };
          walkEdge(sel.selectionSet!);
          return c;
        };
        if (actual) for (const e of edges) total += perEdge(e);
        else total += size * perEdge(undefined);
      }
    }
  };
  visit(selectionSet, value);
  return total;
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: FragmentDefinitionNode[];
  variables: Record<string, unknown>;
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLCompositeType | null {
  if (operation.operation === "query") return schema.getQueryType() ?? null;
  if (operation.operation === "mutation") return schema.getMutationType() ?? null;
  return null;
}

function countMutationFields(input: CostInput): number {
  let n = 0;
  for (const sel of input.operation.selectionSet.selections)
    if (sel.kind === Kind.FIELD && !sel.name.value.startsWith("__")) n += 1;
  return n;
}

export function requestedCost(input: CostInput): number {
  if (input.operation.operation === "mutation") return MUTATION_COST * countMutationFields(input);
  const root = rootType(input.schema, input.operation);
  if (!root) return 0;
  const walk: Walk = {
    schema: input.schema,
    fragments: new Map(input.fragments.map((f) => [f.name.value, f])),
    variables: input.variables,
  };
  return selectionCost(walk, input.operation.selectionSet, root, undefined, false);
}

export function actualCost(input: CostInput, data: unknown): number {
  if (input.operation.operation === "mutation") return MUTATION_COST * countMutationFields(input);
  const root = rootType(input.schema, input.operation);
  if (!root || !data) return 0;
  const walk: Walk = {
    schema: input.schema,
    fragments: new Map(input.fragments.map((f) => [f.name.value, f])),
    variables: input.variables,
  };
  return selectionCost(walk, input.operation.selectionSet, root, data, true);
}
