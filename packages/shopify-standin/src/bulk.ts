import { createWriteStream, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { ExecContext } from "./context";
import { executeBulkQuery } from "./bulk-exec";
import { malformedLine } from "./faults";
import { bulkOperationView } from "./resolvers";
import { readSchema, validateDocument } from "./schema";
import { gidNumber, type BulkOperationRecord, type ShopState } from "./store";

/**
 * Bulk operations like Shopify's: `bulkOperationRunQuery` runs the inner query over the whole store in
 * chunks of root objects and writes a real JSONL file (one object a line; connection children on their
 * own lines with `__parentId`, right after their parent), served over HTTP; `bulkOperationRunMutation`
 * runs the mutation once per line of the staged JSONL variables file and writes
 * `{"data":...,"__lineNumber":N}` lines. Status goes CREATED -> RUNNING -> COMPLETED (at least
 * `bulkMinMs` after creation). Up to five operations (queries and mutations together) per shop at a time,
 * as Shopify allows since 2026-01 (changelog "Faster bulk operations"); one more gets userError code
 * LIMIT_REACHED ("Bulk operations limit reached. Please try again later.", the enum's description).
 *
 * Faults (Faults.bulkOutcome for the next Faults.bulkFailures operations):
 * - FAILED: status FAILED, errorCode INTERNAL_SERVER_ERROR, url null (a bulk mutation has run only the
 *   first half of its lines, whose results are at partialDataUrl);
 * - EXPIRED / CANCELED: that status, url null (bulk mutation: first half of the lines ran);
 * - PARTIAL: status COMPLETED, url null, partialDataUrl = the first half of the lines;
 * - Faults.malformedLines garbage lines are inserted into the next result file;
 * - Faults.shuffleBulkLines shuffles lines within each chunk (children may precede their parent).
 */

const CHUNK = 1000;
const FINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

/** Read through a function so TypeScript does not narrow: bulkOperationCancel changes it meanwhile. */
function cancelRequested(op: BulkOperationRecord): boolean {
  return op.status === "CANCELING";
}

export function isFinal(op: BulkOperationRecord): boolean {
  return FINAL.has(op.status);
}

interface UserErrorOut {
  field: string[] | null;
  message: string;
  code: string | null;
}

function fail(
  message: string,
  code: string,
  field: string[] | null = ["query"],
): { bulkOperation: null; userErrors: UserErrorOut[] } {
  return { bulkOperation: null, userErrors: [{ field, message, code }] };
}

function connectionCount(
  schema: GraphQLSchema,
  document: DocumentNode,
): { top: boolean; count: number; depth: number } {
  const op = getOperationAST(document);
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  let count = 0;
  let maxDepth = 0;
  const walk = (set: SelectionSetNode, typeName: string, depth: number): void => {
    const type = schema.getType(typeName);
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition?.name.value ?? typeName, depth);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet, f.typeCondition.name.value, depth);
        continue;
      }
      if (!sel.selectionSet || !type || !("getFields" in type)) continue;
      const field = type.getFields()[sel.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      const isConn = isObjectType(named) && named.name.endsWith("Connection") && !!named.getFields().edges;
      if (isConn) {
        count += 1;
        maxDepth = Math.max(maxDepth, depth + 1);
      }
      walk(sel.selectionSet, named.name, isConn ? depth + 1 : depth);
    }
  };
  let top = false;
  if (op) {
    const root = schema.getQueryType()!;
    for (const sel of op.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD) continue;
      const named = getNamedType(root.getFields()[sel.name.value]?.type);
      if (named && isObjectType(named) && named.name.endsWith("Connection")) top = true;
    }
    walk(op.selectionSet, root.name, 0);
  }
  return { top, count, depth: maxDepth };
}

/** LIMIT_REACHED when the shop already runs as many operations as allowed, else null. */
function atLimit(ctx: ExecContext): { bulkOperation: null; userErrors: UserErrorOut[] } | null {
  const running = ctx.state.bulkOperations.filter((b) => !isFinal(b)).length;
  return running >= ctx.runtime.maxBulkOperations
    ? fail("Bulk operations limit reached. Please try again later.", "LIMIT_REACHED", null)
    : null;
}

function newRecord(state: ShopState, type: "QUERY" | "MUTATION", query: string): BulkOperationRecord {
  const record: BulkOperationRecord = {
    id: `gid://shopify/BulkOperation/${state.nextId()}`,
    type,
    status: "CREATED",
    query,
    createdAt: state.nowIso(),
    completedAt: null,
    errorCode: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    url: null,
    partialDataUrl: null,
    filePath: null,
  };
  state.bulkOperations.push(record);
  return record;
}

export function bulkFileName(state: ShopState, op: BulkOperationRecord, suffix = ""): string {
  return `${state.shop.replace(/[^A-Za-z0-9.-]/g, "_")}-${gidNumber(op.id)}${suffix}.jsonl`;
}

export function startBulkQuery(ctx: ExecContext, query: string, _groupObjects: boolean): unknown {
  const { state } = ctx;
  const limited = atLimit(ctx);
  if (limited) return limited;
  const result = validateDocument(query, ctx.runtime.apiVersion);
  if (!result.ok) return fail(`Invalid bulk query: ${result.errors[0].message}`, "INVALID");
  const op = getOperationAST(result.document);
  if (!op || op.operation !== "query")
    return fail("Invalid bulk query: the bulk query must be a query operation.", "INVALID");
  const shape = connectionCount(readSchema(ctx.runtime.apiVersion), result.document);
  if (!shape.top) return fail("Invalid bulk query: Bulk queries must contain at least one connection.", "INVALID");
  if (shape.count > 5)
    return fail("Invalid bulk query: Bulk queries cannot contain more than 5 connections.", "INVALID");
  if (shape.depth > 2)
    return fail(
      "Invalid bulk query: Bulk queries cannot contain connections with a nesting depth greater than 2.",
      "INVALID",
    );
  const record = newRecord(state, "QUERY", query);
  void guarded(ctx, record, () => runBulkQuery(ctx, record, result.document));
  return { bulkOperation: bulkOperationView(record), userErrors: [] };
}

export function startBulkMutation(ctx: ExecContext, mutation: string, stagedUploadPath: string): unknown {
  const { state } = ctx;
  const limited = atLimit(ctx);
  if (limited) return limited;
  const upload = state.stagedUploads.get(stagedUploadPath);
  if (!upload || !upload.content) {
    return fail(
      "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.",
      "NO_SUCH_FILE",
      ["stagedUploadPath"],
    );
  }
  const result = validateDocument(mutation, ctx.runtime.apiVersion);
  if (!result.ok) return fail(`Invalid mutation: ${result.errors[0].message}`, "INVALID_MUTATION", ["mutation"]);
  const op = getOperationAST(result.document);
  if (!op || op.operation !== "mutation" || op.selectionSet.selections.length !== 1) {
    return fail(
      "Invalid mutation: a bulk mutation must be one mutation operation with exactly one root field.",
      "INVALID_MUTATION",
      ["mutation"],
    );
  }
  const lines = upload.content
    .toString("utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0);
  const variables: Record<string, unknown>[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      const parsed = JSON.parse(lines[i]) as unknown;
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      variables.push(parsed as Record<string, unknown>);
    } catch {
      return fail(
        `Failed to parse the JSONL variables file: line ${i + 1} is not a JSON object.`,
        "INVALID_STAGED_UPLOAD_FILE",
        ["stagedUploadPath"],
      );
    }
  }
  const record = newRecord(state, "MUTATION", mutation);
  record.stagedUploadPath = stagedUploadPath;
  void guarded(ctx, record, () => runBulkMutation(ctx, record, result.document, variables));
  return { bulkOperation: bulkOperationView(record), userErrors: [] };
}

export function cancelBulkOperation(ctx: ExecContext, id: string): unknown {
  const op = ctx.state.bulkOperations.find((b) => b.id === id);
  if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
  if (isFinal(op)) {
    return {
      bulkOperation: bulkOperationView(op),
      userErrors: [
        { field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` },
      ],
    };
  }
  op.status = "CANCELING";
  return { bulkOperation: bulkOperationView(op), userErrors: [] };
}

/** Splits one answered node into its JSONL lines: the node without its connections, then each child. */
export function flattenNode(node: Record<string, unknown>, parentId: string | null, out: string[]): number {
  const own: Record<string, unknown> = {};
  const children: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === "object" && !Array.isArray(value) && ("edges" in value || "nodes" in value)) {
      const conn = value as { edges?: { node: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] };
      for (const e of conn.edges ?? []) children.push(e.node);
      for (const n of conn.nodes ?? []) children.push(n);
    } else own[key] = value;
  }
  if (parentId) own.__parentId = parentId;
  out.push(JSON.stringify(own));
  let count = 1;
  const id = typeof node.id === "string" ? node.id : null;
  for (const child of children) count += flattenNode(child, id, out);
  return count;
}

/** A crash inside a run ends the operation FAILED instead of leaving it RUNNING forever. */
async function guarded(ctx: ExecContext, op: BulkOperationRecord, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (ctx.runtime.isClosed()) return;
    console.error(`standin: bulk operation ${op.id} crashed:`, error);
    op.status = "FAILED";
    op.errorCode = "INTERNAL_SERVER_ERROR";
    op.completedAt = ctx.state.nowIso();
    ctx.runtime.onBulkFinished(ctx.state, op);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Draws this operation's outcome from the shop's faults (consuming one of `bulkFailures`). */
function drawOutcome(state: ShopState): "COMPLETED" | "FAILED" | "EXPIRED" | "CANCELED" | "PARTIAL" {
  if (state.faults.bulkFailures > 0 && state.faults.bulkOutcome !== "COMPLETED") {
    state.faults.bulkFailures -= 1;
    return state.faults.bulkOutcome;
  }
  return "COMPLETED";
}

class JsonlWriter {
  private readonly stream;
  private pendingMalformed: number;
  /** A failed open or write (e.g. the result directory removed by close()) surfaces here, not as an uncaught 'error' event. */
  private failure: Error | null = null;
  lines = 0;
  constructor(
    readonly path: string,
    private readonly state: ShopState,
  ) {
    this.stream = createWriteStream(path);
    this.stream.on("error", (error) => {
      this.failure = error;
    });
    this.pendingMalformed = state.faults.malformedLines;
    state.faults.malformedLines = 0;
  }
  async write(lines: string[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.state.faults.shuffleBulkLines) {
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(this.state.random() * (i + 1));
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
    }
    let text = "";
    for (const line of lines) {
      if (this.pendingMalformed > 0 && this.state.random() < 0.5) {
        text += `${malformedLine(this.pendingMalformed)}\n`;
        this.pendingMalformed -= 1;
      }
      text += `${line}\n`;
    }
    this.lines += lines.length;
    // events.once rejects on "error" and removes both listeners when either comes (a listener per drain,
    // left behind, had piled up past Node's warning limit on a large export).
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }
  async close(): Promise<number> {
    if (this.failure) throw this.failure;
    while (this.pendingMalformed > 0) {
      this.stream.write(`${malformedLine(this.pendingMalformed)}\n`);
      this.pendingMalformed -= 1;
    }
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    return statSync(this.path).size;
  }
}

async function finish(
  ctx: ExecContext,
  op: BulkOperationRecord,
  outcome: ReturnType<typeof drawOutcome>,
  written: { path: string; size: number; lines: number } | null,
  partial: { path: string; size: number } | null,
): Promise<void> {
  const { state, runtime } = ctx;
  const wait = Date.parse(op.createdAt) + runtime.bulkMinMs - state.now();
  if (wait > 0) await sleep(wait);
  const url = (path: string): string => `${runtime.baseUrl()}/bulk-results/${path.split(/[\\/]/).pop()}`;
  op.completedAt = state.nowIso();
  if (op.status === "CANCELING" || outcome === "CANCELED") {
    op.status = "CANCELED";
  } else if (outcome === "FAILED") {
    op.status = "FAILED";
    op.errorCode = "INTERNAL_SERVER_ERROR";
    if (partial && op.type === "MUTATION") op.partialDataUrl = url(partial.path);
  } else if (outcome === "EXPIRED") {
    op.status = "EXPIRED";
  } else if (outcome === "PARTIAL") {
    op.status = "COMPLETED";
    if (partial) {
      op.partialDataUrl = url(partial.path);
      op.fileSize = partial.size;
      op.filePath = partial.path;
    }
  } else {
    op.status = "COMPLETED";
    if (written && written.lines > 0) {
      op.url = url(written.path);
      op.fileSize = written.size;
      op.filePath = written.path;
    }
  }
  runtime.onBulkFinished(state, op);
}

function writePartial(ctx: ExecContext, op: BulkOperationRecord, lines: string[]): { path: string; size: number } {
  const path = join(ctx.runtime.fileDir, bulkFileName(ctx.state, op, "-partial"));
  const text = lines.map((l) => `${l}\n`).join("");
  writeFileSync(path, text);
  return { path, size: Buffer.byteLength(text) };
}

async function runBulkQuery(ctx: ExecContext, op: BulkOperationRecord, document: DocumentNode): Promise<void> {
  const { state } = ctx;
  await sleep(Math.min(20, ctx.runtime.bulkMinMs / 4));
  if (op.status === "CANCELING") return finish(ctx, op, "CANCELED", null, null);
  op.status = "RUNNING";
  const outcome = drawOutcome(state);
  const path = join(ctx.runtime.fileDir, bulkFileName(state, op));
  const writer = new JsonlWriter(path, state);
  const firstLines: string[] = [];
  const bulk: NonNullable<ExecContext["bulk"]> = { rootSlice: null };
  const schema = readSchema(ctx.runtime.apiVersion);
  for (let from = 0; ; from += CHUNK) {
    bulk.rootSlice = [from, from + CHUNK];
    let data: Record<string, unknown>;
    try {
      data = executeBulkQuery({ state, runtime: ctx.runtime, bulk }, schema, document);
    } catch (error) {
      const denied = error instanceof GraphQLError && error.extensions?.code === "ACCESS_DENIED";
      await writer.close();
      op.status = "FAILED";
      op.errorCode = denied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR";
      op.completedAt = state.nowIso();
      ctx.runtime.onBulkFinished(state, op);
      return;
    }
    const root = Object.values(data)[0] as {
      edges?: { node: Record<string, unknown> }[];
      nodes?: Record<string, unknown>[];
    } | null;
    const nodes = [...(root?.edges ?? []).map((e) => e.node), ...(root?.nodes ?? [])];
    const lines: string[] = [];
    for (const node of nodes) op.objectCount += flattenNode(node, null, lines);
    op.rootObjectCount += nodes.length;
    if (firstLines.length < 100_000) firstLines.push(...lines.slice(0, 100_000 - firstLines.length));
    await writer.write(lines);
    if (nodes.length < CHUNK) break;
    await tick();
    if (cancelRequested(op)) break;
  }
  const size = await writer.close();
  const partial =
    outcome === "PARTIAL" ? writePartial(ctx, op, firstLines.slice(0, Math.ceil(firstLines.length / 2))) : null;
  await finish(ctx, op, outcome, { path, size, lines: writer.lines }, partial);
}

async function runBulkMutation(
  ctx: ExecContext,
  op: BulkOperationRecord,
  document: DocumentNode,
  variables: Record<string, unknown>[],
): Promise<void> {
  const { state } = ctx;
  await sleep(Math.min(20, ctx.runtime.bulkMinMs / 4));
  if (op.status === "CANCELING") return finish(ctx, op, "CANCELED", null, null);
  op.status = "RUNNING";
  const outcome = drawOutcome(state);
  const limit = outcome === "COMPLETED" ? variables.length : Math.ceil(variables.length / 2);
  const path = join(ctx.runtime.fileDir, bulkFileName(state, op));
  const writer = new JsonlWriter(path, state);
  const done: string[] = [];
  for (let i = 0; i < limit; i++) {
    if (cancelRequested(op)) break;
    const result = await ctx.runtime.executeDocument({ state, runtime: ctx.runtime }, document, variables[i]);
    const line: Record<string, unknown> = {};
    if (result.data) line.data = result.data;
    if (result.errors?.length) line.errors = result.errors.map((e) => ({ message: e.message, path: e.path }));
    line.__lineNumber = i;
    const text = JSON.stringify(line);
    done.push(text);
    op.objectCount += 1;
    op.rootObjectCount += 1;
    await writer.write([text]);
    if (i % CHUNK === CHUNK - 1) await tick();
  }
  const size = await writer.close();
  const partial = outcome === "COMPLETED" ? null : writePartial(ctx, op, done);
  await finish(ctx, op, outcome, { path, size, lines: writer.lines }, partial);
}
