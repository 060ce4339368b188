import { GraphQLError } from "graphql";

/**
 * Shopify's search syntax (the `query:` argument of connections) and Relay cursor pagination, as far as
 * the stand-in needs them.
 *
 * Search: terms separated by spaces (or `AND`) are ANDed; `OR` separates alternatives (AND binds tighter;
 * no parentheses);
 * `field:value`, `field:>value`, `field:>=value`, `field:<value`, `field:<=value`; values may be quoted
 * with ' or "; `-field:value` or `NOT field:value` negates; a bare word is a text search on the
 * collection's text fields. Filters on unknown fields are ignored, like Shopify does. Dates compare as instants (a date-only value is midnight UTC of that day; `field:DATE` with
 * `:` matches that whole UTC day).
 */

export interface SearchTerm {
  /** null: a bare word (text search); "|": the OR separator. */
  field: string | null;
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
  negated: boolean;
}

export function parseSearch(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const terms: SearchTerm[] = [];
  const re = /(-)?(?:([A-Za-z_][A-Za-z0-9_.]*):(>=|<=|>|<)?)?("([^"]*)"|'([^']*)'|[^\s]+)/g;
  let negateNext = false;
  for (let m = re.exec(query); m; m = re.exec(query)) {
    const raw = m[4];
    const field = m[2] ?? null;
    if (!field && (raw === "AND" || raw === "and")) continue;
    if (!field && raw === "OR") {
      terms.push({ field: "|", op: ":", value: "", negated: false });
      continue;
    }
    if (!field && raw === "NOT") {
      negateNext = true;
      continue;
    }
    const value = m[5] ?? m[6] ?? raw;
    const op = (m[3] as SearchTerm["op"] | undefined) ?? ":";
    terms.push({ field: field ? field.toLowerCase() : null, op, value, negated: !!m[1] || negateNext });
    negateNext = false;
  }
  return terms;
}

export type FieldGetter<T> = (item: T) => string | number | boolean | null | string[] | undefined;

export interface SearchSchema<T> {
  fields: Record<string, { kind: "date" | "number" | "string" | "boolean" | "list"; get: FieldGetter<T> }>;
  text: (item: T) => string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchTerm<T>(item: T, term: SearchTerm, schema: SearchSchema<T>): boolean {
  if (term.field === null) return schema.text(item).toLowerCase().includes(term.value.toLowerCase());
  const spec = schema.fields[term.field];
  if (!spec) return true; // Shopify ignores unknown filters (with a search warning)
  const raw = spec.get(item);
  if (raw === null || raw === undefined) return false;
  switch (spec.kind) {
    case "date": {
      const v = Date.parse(String(raw));
      const t = Date.parse(DATE_ONLY.test(term.value) ? `${term.value}T00:00:00Z` : term.value);
      if (!Number.isFinite(t)) return false;
      if (term.op === ":") return DATE_ONLY.test(term.value) ? v >= t && v < t + 86_400_000 : v === t;
      return opHolds(compare(v, t), term.op);
    }
    case "number": {
      const v = Number(raw);
      const t = Number(/\d+$/.exec(term.value)?.[0] ?? term.value);
      return term.op === ":" ? v === t : opHolds(compare(v, t), term.op);
    }
    case "boolean":
      return String(raw) === term.value.toLowerCase();
    case "list":
      return (raw as string[]).some((x) => x.toLowerCase() === term.value.toLowerCase());
    case "string": {
      const v = String(raw).toLowerCase();
      const t = term.value.toLowerCase();
      if (term.op === ":") return t.endsWith("*") ? v.startsWith(t.slice(0, -1)) : v === t;
      return opHolds(compare(v, t), term.op);
    }
  }
}

function opHolds(c: number, op: SearchTerm["op"]): boolean {
  switch (op) {
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ":":
      return c === 0;
  }
}

export function filterItems<T>(items: T[], query: string | null | undefined, schema: SearchSchema<T>): T[] {
  const terms = parseSearch(query);
  if (terms.length === 0) return items;
  const groups: SearchTerm[][] = [[]];
  for (const term of terms) {
    if (term.field === "|") groups.push([]);
    else groups[groups.length - 1].push(term);
  }
  const alternatives = groups.filter((g) => g.length > 0);
  return items.filter((item) =>
    alternatives.some((group) => group.every((term) => matchTerm(item, term, schema) !== term.negated)),
  );
}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<V> {
  edges: { cursor: string; node: V }[];
  nodes: V[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Sort key of an item: a value and the numeric id as tie-breaker; encoded into the cursor. */
export type SortKeyOf<T> = (item: T) => [string | number, number];

export const MAX_PAGE_SIZE = 250;

export function encodeCursor(key: [string | number, number]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string): [string | number, number] {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(key) && key.length === 2 && typeof key[1] === "number") return key as [string | number, number];
  } catch (error) {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
      extensions: { code: "BAD_REQUEST" },
      originalError: error as Error,
    });
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function compareKeys(a: [string | number, number], b: [string | number, number]): number {
  return compare(a[0], b[0]) || compare(a[1], b[1]);
}

/**
 * Relay pagination over `items` sorted ascending by `keyOf`. `all` (bulk operations) returns every
 * item and does not require first/last, like bulk queries.
 */
export function paginate<T, V>(
  items: T[],
  args: ConnectionArgs,
  keyOf: SortKeyOf<T>,
  view: (item: T) => V,
  all = false,
): Connection<V> {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (!all) {
    if (first === null && last === null) {
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    if ((first ?? 0) > MAX_PAGE_SIZE || (last ?? 0) > MAX_PAGE_SIZE) {
      throw new GraphQLError(`The maximum number of records per page is ${MAX_PAGE_SIZE}.`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
  }
  const ordered = args.reverse ? [...items].reverse() : items;
  const dir = args.reverse ? -1 : 1;
  let start = 0;
  let end = ordered.length;
  if (args.after) {
    const key = decodeCursor(args.after);
    const i = ordered.findIndex((item) => dir * compareKeys(keyOf(item), key) > 0);
    start = i < 0 ? ordered.length : i;
  }
  if (args.before) {
    const key = decodeCursor(args.before);
    const i = ordered.findIndex((item) => dir * compareKeys(keyOf(item), key) >= 0);
    end = i < 0 ? ordered.length : i;
  }
  if (end < start) end = start;
  let from = start;
  let to = end;
  if (!all && first !== null) to = Math.min(end, start + first);
  if (!all && last !== null) from = Math.max(from, to - last);
  const page = ordered.slice(from, to);
  // cursors are encoded only when asked for (bulk queries read thousands of edges without them)
  const edges = page.map((item) => ({
    get cursor() {
      return encodeCursor(keyOf(item));
    },
    node: view(item),
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: to < ordered.length,
      hasPreviousPage: from > 0,
      startCursor: page.length > 0 ? encodeCursor(keyOf(page[0])) : null,
      endCursor: page.length > 0 ? encodeCursor(keyOf(page[page.length - 1])) : null,
    },
  };
}
