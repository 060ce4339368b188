import {
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { ExecContext } from "./context";
import { queryRoot } from "./resolvers";

/**
 * A lean executor for bulk queries: walks the (already validated) document over the same views
 * graphql-js uses for ordinary requests, without graphql-js's per-field bookkeeping, so a bulk export
 * of a large shop runs several times faster. Same rules as graphql-js's default resolver: a property
 * is read, a function is called with (args, context, info); abstract types resolve by `__typename`.
 * Only the `info.path.prev === undefined` test (root field or not) is supported in `info`.
 */

interface Walk {
  ctx: ExecContext;
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

const ROOT_INFO = { path: { prev: undefined, key: "root", typename: undefined } } as unknown as GraphQLResolveInfo;
const NESTED_INFO = {
  path: { prev: { prev: undefined, key: "root", typename: undefined }, key: "nested", typename: undefined },
} as unknown as GraphQLResolveInfo;

function argsOf(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const arg of field.arguments ?? []) args[arg.name.value] = valueFromASTUntyped(arg.value, variables);
  return args;
}

function typeMatches(walk: Walk, typename: unknown, condition: string): boolean {
  if (typename === condition) return true;
  if (typeof typename !== "string") return false;
  const cond = walk.schema.getType(condition);
  const concrete = walk.schema.getType(typename);
  if (!cond || !concrete || !isAbstractType(cond) || !isObjectType(concrete)) return false;
  return walk.schema.isSubType(cond, concrete);
}

function complete(walk: Walk, value: unknown, set: SelectionSetNode | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (!set) return value;
  if (Array.isArray(value)) return value.map((item) => complete(walk, item, set));
  const out: Record<string, unknown> = {};
  select(walk, value as Record<string, unknown>, set, out, false);
  return out;
}

function select(
  walk: Walk,
  source: Record<string, unknown>,
  set: SelectionSetNode,
  out: Record<string, unknown>,
  root: boolean,
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      if (sel.name.value === "__typename") {
        out[key] = source.__typename ?? null;
        continue;
      }
      const prop = source[sel.name.value];
      const raw =
        typeof prop === "function"
          ? (prop as (a: Record<string, unknown>, c: ExecContext, i: GraphQLResolveInfo) => unknown).call(
              source,
              argsOf(sel, walk.variables),
              walk.ctx,
              root ? ROOT_INFO : NESTED_INFO,
            )
          : prop;
      const value = complete(walk, raw, sel.selectionSet);
      const existing = out[key];
      if (existing && typeof existing === "object" && value && typeof value === "object" && !Array.isArray(value))
        Object.assign(existing, value);
      else out[key] = value;
      continue;
    }
    const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : walk.fragments.get(sel.name.value);
    if (!frag) continue;
    const cond = frag.typeCondition?.name.value;
    if (cond && !root && !typeMatches(walk, source.__typename, cond)) continue;
    select(walk, source, frag.selectionSet, out, root);
  }
}

/** Runs a query document for a bulk operation; throws what a resolver throws (e.g. ACCESS_DENIED). */
export function executeBulkQuery(
  ctx: ExecContext,
  schema: GraphQLSchema,
  document: DocumentNode,
): Record<string, unknown> {
  const operation = getOperationAST(document);
  if (!operation) throw new Error("bulk query without an operation");
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const walk: Walk = { ctx, schema, fragments, variables: {} };
  const out: Record<string, unknown> = {};
  select(walk, queryRoot(ctx), operation.selectionSet, out, true);
  return out;
}
