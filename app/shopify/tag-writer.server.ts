/**
 * Customer tags in and out of Shopify.
 *
 * - `readCustomers`: every customer's id, tags and the app's metafields, paged through the Admin client
 *   (which paces by cost).
 * - `writeTagsSmall`: one `tagsAdd` / `tagsRemove` per customer and action, paced by the client.
 * - `writeTagsBulk`: above BULK_THRESHOLD customer writes, bulk mutations per action: staged upload of
 *   the JSONL variables (`stagedUploadsCreate`, resource BULK_MUTATION_VARIABLES, then the multipart
 *   upload; one file per operation, each under Shopify's 100 MB cap, so a large plan runs as several
 *   operations one after the other), `bulkOperationRunMutation`, polling until it ends, and the result
 *   JSONL parsed line by line for `userErrors`. Lines without a result (a FAILED operation, a partial
 *   file) are reported as `missing`, so the caller can send them the small way.
 */
import {
  downloadLines,
  isBulkLimitError,
  runBulkQuery,
  sameQuery,
  waitForBulkOperation,
  waitForBulkSlot,
  type BulkRunOptions,
} from "./bulk.server";
import { BulkOperationError } from "./errors";
import type { AdminGraphql, UserError } from "./types";

/**
 * Mutation calls (tagsAdd / tagsRemove per customer and action, or metafieldsSet batches of 25) above
 * which a publish sends them as one bulk mutation. Each call costs 10 points: the 1,000-point bucket of a
 * standard shop absorbs the first ~100, after which 50 points/s allow 5 calls a second, so 250 calls
 * already wait about 30 s, longer than a small bulk operation takes, and 10,000 would wait over half an hour.
 */
export const BULK_THRESHOLD = 250;

export type TagAction = "add" | "remove";

export interface TagWrite {
  customerId: string;
  action: TagAction;
  tags: string[];
}

export interface TagWriteResult {
  write: TagWrite;
  ok: boolean;
  error?: string;
  /** Shopify refused because the customer would exceed its tag limit. */
  limit?: boolean;
}

const TAGS_ADD = `#graphql
  mutation tagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) { userErrors { field message } }
  }`;

const TAGS_REMOVE = `#graphql
  mutation tagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) { userErrors { field message } }
  }`;

const DOCUMENT: Record<TagAction, { document: string; field: "tagsAdd" | "tagsRemove" }> = {
  add: { document: TAGS_ADD, field: "tagsAdd" },
  remove: { document: TAGS_REMOVE, field: "tagsRemove" },
};

type TagsPayload = { userErrors: UserError[] } | null;

function resultOf(write: TagWrite, userErrors: UserError[] | undefined | null, missingPayload = false): TagWriteResult {
  if (missingPayload) return { write, ok: false, error: "Shopify answered without a result" };
  if (!userErrors || userErrors.length === 0) return { write, ok: true };
  const error = userErrors.map((e) => e.message).join("; ");
  return { write, ok: false, error, limit: /\b250\b|limit|too many tags/i.test(error) };
}

/**
 * Sends each write as its own tagsAdd / tagsRemove, `concurrency` at a time (the client paces them by
 * cost). `onResult` runs after each answer (the publish marks its journal there); a request that fails
 * after the client's retries rejects the whole call, leaving the remaining writes pending.
 */
export async function writeTagsSmall(
  admin: AdminGraphql,
  writes: readonly TagWrite[],
  onResult: (result: TagWriteResult) => Promise<void>,
  options: { concurrency?: number } = {},
): Promise<void> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const write = writes[next++];
      const { document, field } = DOCUMENT[write.action];
      const data = await admin.request<Record<string, TagsPayload>>(document, {
        id: write.customerId,
        tags: write.tags,
      });
      const payload = data[field];
      await onResult(resultOf(write, payload?.userErrors, !payload));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, writes.length) }, worker));
}

// ---------------------------------------------------------------------------------------------------
// Bulk path

const STAGED_UPLOADS_CREATE = `#graphql
  mutation stagedUploadsCreate($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets { url resourceUrl parameters { name value } }
      userErrors { field message }
    }
  }`;

const BULK_RUN_MUTATION = `#graphql
  mutation bulkOperationRunMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

/**
 * The largest staged upload of bulk mutation variables Shopify accepts since 2026-01 is 100 MB (changelog
 * "Faster bulk operations"); the app keeps each file under 100,000,000 bytes, below the cap whether Shopify
 * counts MB as 10^6 or 2^20 bytes. A file refused as too large (EntityTooLarge) is split in two and sent again.
 */
export const MAX_BULK_UPLOAD_BYTES = 100_000_000;

/** The staged upload refused the file as larger than its policy allows (Google Cloud Storage's EntityTooLarge). */
export class UploadTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    detail: string,
  ) {
    super(`The bulk variables file (${bytes} bytes) is larger than Shopify's staged upload accepts: ${detail}`);
    this.name = "UploadTooLargeError";
  }
}

export interface BulkOptions {
  /** Between two status polls. */
  pollIntervalMs?: number;
  /** Give up waiting for one bulk operation after this long. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Called with the bulk operation's id as soon as it exists (the publish records it on its run). */
  onStarted?: (bulkOperationId: string) => Promise<void> | void;
  /** Largest variables file per bulk mutation (default MAX_BULK_UPLOAD_BYTES); larger inputs run as several operations. */
  maxUploadBytes?: number;
}

export interface BulkWriteOutcome {
  bulkOperationIds: string[];
  /** Writes the bulk operation gave no answer for (send them the small way). */
  missing: TagWrite[];
}

/** Uploads a JSONL file of mutation variables and returns its stagedUploadPath. */
export async function stageJsonl(
  admin: AdminGraphql,
  filename: string,
  jsonl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const data = await admin.request<{
    stagedUploadsCreate: {
      stagedTargets: Array<{ url: string | null; parameters: Array<{ name: string; value: string }> }> | null;
      userErrors: UserError[];
    };
  }>(STAGED_UPLOADS_CREATE, {
    input: [{ resource: "BULK_MUTATION_VARIABLES", filename, mimeType: "text/jsonl", httpMethod: "POST" }],
  });
  const payload = data.stagedUploadsCreate;
  if (payload.userErrors.length)
    throw new Error(`stagedUploadsCreate was refused: ${payload.userErrors.map((e) => e.message).join("; ")}`);
  const target = payload.stagedTargets?.[0];
  if (!target?.url) throw new Error("stagedUploadsCreate returned no upload target");
  const key = target.parameters.find((p) => p.name === "key")?.value;
  if (!key) throw new Error("stagedUploadsCreate returned no `key` parameter (the stagedUploadPath)");
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([jsonl], { type: "text/jsonl" }), filename);
  const res = await fetchImpl(target.url, { method: "POST", body: form });
  if (!res.ok) {
    const body = await res.text().catch((error: unknown) => `(body unreadable: ${String(error)})`);
    if (res.status === 400 && /EntityTooLarge/.test(body))
      throw new UploadTooLargeError(
        Buffer.byteLength(jsonl),
        body
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      );
    throw new Error(`Uploading the bulk variables failed: HTTP ${res.status} ${body}`.trim());
  }
  return key;
}

export interface JsonlPart {
  /** Index of the part's first variables object in the whole input. */
  offset: number;
  count: number;
  jsonl: string;
  bytes: number;
}

/** Splits variables into consecutive JSONL files of at most `maxBytes` each (one object a line). */
export function splitJsonl(variables: readonly Record<string, unknown>[], maxBytes: number, offset = 0): JsonlPart[] {
  const parts: JsonlPart[] = [];
  let lines: string[] = [];
  let bytes = 0;
  let start = offset;
  for (let i = 0; i < variables.length; i++) {
    const line = `${JSON.stringify(variables[i])}\n`;
    const size = Buffer.byteLength(line);
    if (size > maxBytes) {
      throw new BulkOperationError(
        `One bulk mutation input (line ${offset + i + 1}, ${size} bytes) is larger than the ${maxBytes}-byte upload cap`,
      );
    }
    if (bytes + size > maxBytes && lines.length) {
      parts.push({ offset: start, count: lines.length, jsonl: lines.join(""), bytes });
      lines = [];
      bytes = 0;
      start = offset + i;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length) parts.push({ offset: start, count: lines.length, jsonl: lines.join(""), bytes });
  return parts;
}

/** Starts after LIMIT_REACHED before a bulk mutation gives up (each waits for an in-flight operation to end). */
const LIMIT_WAITS = 10;

/** The shared waiter's options (polling from pollIntervalMs, woken early by the finish webhook) for a BulkOptions. */
function waitOptions(options: BulkOptions): BulkRunOptions {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return {
    pollIntervalMs,
    maxPollIntervalMs: Math.max(pollIntervalMs, Math.min(15_000, pollIntervalMs * 4)),
    timeoutMs: options.timeoutMs ?? 60 * 60_000,
    sleep: options.sleep,
  };
}

/**
 * Parses a bulk mutation result file: one JSON object per line, `__lineNumber` pointing at the input line
 * (falling back to the line's position). Returns the userErrors per input line; malformed lines are
 * skipped (their input lines count as missing).
 */
export function parseBulkMutationResult(
  jsonl: string,
  field: string,
): Map<number, { userErrors: UserError[]; error?: string }> {
  const reader = mutationResultReader(field);
  for (const line of jsonl.split("\n")) reader.add(line);
  return reader.results;
}

/** The line-by-line reader behind parseBulkMutationResult, for a result file read as a stream. */
function mutationResultReader(field: string) {
  const results = new Map<number, { userErrors: UserError[]; error?: string }>();
  let position = 0;
  const add = (line: string) => {
    if (!line.trim()) return;
    const index = position++;
    let row: {
      __lineNumber?: number;
      data?: Record<string, { userErrors?: UserError[] } | null>;
      errors?: Array<{ message: string }>;
    };
    try {
      row = JSON.parse(line);
    } catch (error) {
      // A damaged result line answers nothing: its write counts as unanswered and is sent the small way.
      console.warn(`[tags] bulk ${field} result line ${index + 1} is not JSON (${(error as Error).message}); resent`);
      return;
    }
    const lineNumber = typeof row.__lineNumber === "number" ? row.__lineNumber : index;
    if (row.errors?.length)
      results.set(lineNumber, { userErrors: [], error: row.errors.map((e) => e.message).join("; ") });
    else if (!row.data?.[field]) results.set(lineNumber, { userErrors: [], error: "no result for this line" });
    else results.set(lineNumber, { userErrors: row.data[field]!.userErrors ?? [] });
  };
  return { results, add };
}

export interface BulkMutationOutcome {
  /** The first operation (the only one unless the input needed several files). */
  bulkOperationId: string;
  /** Every operation, one per uploaded file, in input order. */
  bulkOperationIds: string[];
  /** COMPLETED, or the status of the first operation that did not complete. */
  status: string;
  /** Per input line (0-based): its userErrors, or an error when the line failed as a whole. */
  results: Map<number, { userErrors: UserError[]; error?: string }>;
  /** Input lines with no result (FAILED / EXPIRED / partial operation, malformed result lines). */
  missing: number[];
}

/** Starts one bulk mutation over a staged file; at the shop's limit (LIMIT_REACHED) waits for a slot first. */
async function startBulkMutation(
  admin: AdminGraphql,
  document: string,
  field: string,
  stagedUploadPath: string,
  name: string,
  wait: BulkRunOptions,
): Promise<string> {
  for (let waits = 0; ; waits++) {
    const started = await admin.request<{
      bulkOperationRunMutation: { bulkOperation: { id: string; status: string } | null; userErrors: UserError[] };
    }>(BULK_RUN_MUTATION, { mutation: document.replace(/^#graphql\s*/, ""), stagedUploadPath, clientIdentifier: name });
    const run = started.bulkOperationRunMutation;
    if (run.bulkOperation && !run.userErrors.length) return run.bulkOperation.id;
    if (isBulkLimitError(run.userErrors) && waits < LIMIT_WAITS) {
      // Five of the app's bulk operations run on this shop (a sync's export, another file of this plan...).
      await waitForBulkSlot(admin, wait);
      continue;
    }
    throw new BulkOperationError(
      `bulkOperationRunMutation (${field}) was refused: ${run.userErrors.map((e) => e.message).join("; ") || "no operation returned"}`,
    );
  }
}

/**
 * Runs `document` (one mutation with one root field, `field`) once per variables object, as bulk
 * mutations: the JSONL input split into files under the upload cap, each staged, run and read in turn
 * (other operations of the app on the shop are not waited for; only LIMIT_REACHED waits for a slot).
 * Results are keyed by the index in `variables`, whichever file carried it.
 */
export async function runBulkMutation(
  admin: AdminGraphql,
  document: string,
  field: string,
  variables: readonly Record<string, unknown>[],
  options: BulkOptions & { name: string },
): Promise<BulkMutationOutcome> {
  const wait = waitOptions(options);
  const fetchImpl = options.fetch ?? fetch;
  let maxBytes = options.maxUploadBytes ?? MAX_BULK_UPLOAD_BYTES;
  const queue = splitJsonl(variables, maxBytes);
  const results = new Map<number, { userErrors: UserError[]; error?: string }>();
  const ids: string[] = [];
  let status = "COMPLETED";
  for (let part = queue.shift(); part; part = queue.shift()) {
    const filename = `${options.name}${ids.length || queue.length ? `-${part.offset}` : ""}.jsonl`;
    let stagedUploadPath: string;
    try {
      stagedUploadPath = await stageJsonl(admin, filename, part.jsonl, fetchImpl);
    } catch (error) {
      if (!(error instanceof UploadTooLargeError) || part.count < 2) throw error;
      // Shopify's cap is lower than we assumed: remember it, split this file in two and go on.
      maxBytes = Math.min(maxBytes, part.bytes - 1);
      const half = Math.ceil(part.count / 2);
      const slice = variables.slice(part.offset, part.offset + part.count);
      queue.unshift(
        ...splitJsonl(slice.slice(0, half), maxBytes, part.offset),
        ...splitJsonl(slice.slice(half), maxBytes, part.offset + half),
      );
      continue;
    }
    const id = await startBulkMutation(admin, document, field, stagedUploadPath, options.name, wait);
    ids.push(id);
    await options.onStarted?.(id);
    const op = await waitForBulkOperation(admin, id, wait);
    if (op.status !== "COMPLETED" && status === "COMPLETED") status = op.status;
    const fileUrl = op.status === "COMPLETED" ? (op.url ?? op.partialDataUrl) : op.partialDataUrl;
    const reader = mutationResultReader(field);
    if (fileUrl) for await (const line of downloadLines(fileUrl, fetchImpl)) reader.add(line);
    for (const [line, result] of reader.results) if (line < part.count) results.set(part.offset + line, result);
  }
  const missing: number[] = [];
  for (let i = 0; i < variables.length; i++) if (!results.has(i)) missing.push(i);
  return { bulkOperationId: ids[0] ?? "", bulkOperationIds: ids, status, results, missing };
}

/**
 * Sends the writes of each action as one bulk mutation (removes first, so they free room under the
 * 250-tag limit before adds). Reports each write with a result through `onResult`; writes without a
 * result come back as `missing`.
 */
export async function writeTagsBulk(
  admin: AdminGraphql,
  writes: readonly TagWrite[],
  onResult: (result: TagWriteResult) => Promise<void>,
  options: BulkOptions = {},
): Promise<BulkWriteOutcome> {
  const outcome: BulkWriteOutcome = { bulkOperationIds: [], missing: [] };
  for (const action of ["remove", "add"] as const) {
    const group = writes.filter((w) => w.action === action);
    if (!group.length) continue;
    const { document, field } = DOCUMENT[action];
    const out = await runBulkMutation(
      admin,
      document,
      field,
      group.map((w) => ({ id: w.customerId, tags: w.tags })),
      { ...options, name: `churnless-tags-${action}` },
    );
    outcome.bulkOperationIds.push(...out.bulkOperationIds);
    for (let i = 0; i < group.length; i++) {
      const r = out.results.get(i);
      if (!r) outcome.missing.push(group[i]);
      else if (r.error) await onResult({ write: group[i], ok: false, error: r.error });
      else await onResult(resultOf(group[i], r.userErrors));
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------------
// The shop's customer tags (for the prefix check in the settings)

const SHOP_CUSTOMER_TAGS = `#graphql
  query shopCustomerTags($first: Int!) {
    shop { customerTags(first: $first) { nodes pageInfo { hasNextPage } } }
  }`;

const CUSTOMER_TAGS_PAGE = `#graphql
  query customerTagsPage($first: Int!, $after: String) {
    customers(first: $first, after: $after, sortKey: ID) {
      nodes { tags }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export interface ShopCustomerTags {
  tags: string[];
  /** True when every tag of every customer was read; false when the reading stopped at its budget. */
  complete: boolean;
  /** How the tags were read: Shop.customerTags alone, or every customer's tags page by page. */
  source: "shop" | "customers";
}

export interface ReadShopTagsOptions {
  /** Page size of Shop.customerTags and of the customers pages (the Admin API's maximum is 250). */
  first?: number;
  /** At most this many customers pages (of `first`) are read; past it the result is incomplete. */
  maxPages?: number;
  /** Reading stops (incomplete) once this much time has passed. */
  deadlineMs?: number;
}

/**
 * Every tag used on the shop's customers. Shop.customerTags takes only `first` (no cursor: its pageInfo
 * says whether there are more, but no page after the first can be asked for), so when the shop has more
 * tags than one page holds, the tags are read from the customers themselves, page by page with
 * `after` = `endCursor` as the Admin API paginates connections. That reading is bounded (`maxPages`,
 * `deadlineMs`); when it stops early the answer says `complete: false`, and the caller must not act as
 * if it knew every tag.
 */
export async function readShopCustomerTags(
  admin: AdminGraphql,
  opts: ReadShopTagsOptions = {},
): Promise<ShopCustomerTags> {
  const first = opts.first ?? 250;
  const data = await admin.request<{ shop: { customerTags: { nodes: string[]; pageInfo: { hasNextPage: boolean } } } }>(
    SHOP_CUSTOMER_TAGS,
    { first },
  );
  if (!data.shop.customerTags.pageInfo.hasNextPage)
    return { tags: data.shop.customerTags.nodes, complete: true, source: "shop" };
  const seen = new Map<string, string>();
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  const maxPages = opts.maxPages ?? 400;
  let after: string | null = null;
  for (let page = 0; page < maxPages && Date.now() < deadline; page++) {
    const res: {
      customers: { nodes: Array<{ tags: string[] }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await admin.request(CUSTOMER_TAGS_PAGE, { first, after });
    for (const c of res.customers.nodes)
      for (const tag of c.tags) if (!seen.has(tag.trim().toLowerCase())) seen.set(tag.trim().toLowerCase(), tag.trim());
    if (!res.customers.pageInfo.hasNextPage) return { tags: [...seen.values()], complete: true, source: "customers" };
    after = res.customers.pageInfo.endCursor;
  }
  return { tags: [...seen.values()], complete: false, source: "customers" };
}

// ---------------------------------------------------------------------------------------------------
// Reading customers

/** The app-owned customer metafields the publish reads back, by key. */
export const APP_METAFIELD_KEYS = [
  "churn_probability",
  "risk_band",
  "segment",
  "predicted_clv",
  "recommended_products",
  "due_products",
] as const;
export type AppMetafieldKey = (typeof APP_METAFIELD_KEYS)[number];

export interface CustomerState {
  id: string;
  tags: string[];
  /** Current values of the app's metafields (absent keys are not set). */
  metafields: Partial<Record<AppMetafieldKey, string>>;
  /** Shopify's own RFM group (Customer.statistics.rfmGroup), kept beside ours. */
  rfmGroup?: string | null;
}

const CUSTOMERS_PAGE = `#graphql
  query publishCustomers($first: Int!, $after: String) {
    customers(first: $first, after: $after, sortKey: ID) {
      nodes {
        id
        tags
        statistics { rfmGroup }
        churn_probability: metafield(namespace: "$app", key: "churn_probability") { value }
        risk_band: metafield(namespace: "$app", key: "risk_band") { value }
        segment: metafield(namespace: "$app", key: "segment") { value }
        predicted_clv: metafield(namespace: "$app", key: "predicted_clv") { value }
        recommended_products: metafield(namespace: "$app", key: "recommended_products") { value }
        due_products: metafield(namespace: "$app", key: "due_products") { value }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

type CustomerNode = { id: string; tags: string[]; statistics?: { rfmGroup?: string | null } | null } & Partial<
  Record<AppMetafieldKey, { value: string } | null>
>;

/**
 * Every customer of the shop with tags and the app's metafields, page by page (100 a page keeps each
 * request under Shopify's 1,000-point query limit: 100 customers x 6 objects).
 */
export async function* readCustomers(
  admin: AdminGraphql,
  options: { pageSize?: number } = {},
): AsyncGenerator<CustomerState[]> {
  const first = Math.min(250, Math.max(1, options.pageSize ?? 100));
  let after: string | null = null;
  for (;;) {
    const data: { customers: { nodes: CustomerNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
      await admin.request(CUSTOMERS_PAGE, { first, after });
    yield data.customers.nodes.map((n) => {
      const metafields: CustomerState["metafields"] = {};
      for (const key of APP_METAFIELD_KEYS) {
        const v = n[key];
        if (v && typeof v.value === "string") metafields[key] = v.value;
      }
      return { id: n.id, tags: n.tags, metafields, rfmGroup: n.statistics?.rfmGroup ?? null };
    });
    if (!data.customers.pageInfo.hasNextPage || !data.customers.pageInfo.endCursor) return;
    after = data.customers.pageInfo.endCursor;
  }
}

/**
 * Above this many scored customers the publish reads them with one bulk query instead of pages: a page of
 * 100 customers with the app's metafields costs about 600 points (12 s of a standard shop's 50 points/s),
 * so 500 customers already cost about a minute of waiting, while a bulk query costs about 10 points.
 */
export const READ_BULK_THRESHOLD = 500;

const CUSTOMERS_BULK = `{
  customers {
    edges {
      node {
        id
        tags
        statistics { rfmGroup }
        metafields(namespace: "$app", first: 10) { edges { node { key value } } }
      }
    }
  }
}`;

export interface BulkReadStats {
  bulkOperationId: string | null;
  skippedLines: number;
}

/**
 * Every customer with tags and the app's metafields through one bulk query (JSONL: customers, then their
 * metafields as child lines with `__parentId`, in any order). Malformed lines are counted and skipped.
 */
export async function readCustomersBulk(
  admin: AdminGraphql,
  options: BulkOptions = {},
  stats?: BulkReadStats,
): Promise<CustomerState[]> {
  const wait = waitOptions(options);
  let announced: string | null = null;
  // The sync's runner: waits for another app export to end, reuses one of the same query, retries a FAILED one.
  const run = await runBulkQuery(admin, CUSTOMERS_BULK, {
    ...wait,
    retryDelayMs: wait.pollIntervalMs,
    onStatus: async (op) => {
      if (op.id === announced || !sameQuery(op.query, CUSTOMERS_BULK)) return;
      announced = op.id;
      if (stats) stats.bulkOperationId = op.id;
      await options.onStarted?.(op.id);
    },
  });
  const op = run.operation;
  if (stats) stats.bulkOperationId = op.id;
  if (run.partial) {
    // Reading everyone is required for a correct diff: a partial file is not good enough.
    throw new BulkOperationError(
      `The customers bulk query ${op.id} ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""} without a complete result`,
      {
        bulkOperationId: op.id,
        status: op.status,
        errorCode: op.errorCode,
      },
    );
  }
  if (!run.downloadUrl) return [];
  const customers = new Map<string, CustomerState>();
  const orphans: Array<{ parent: string; key: string; value: string }> = [];
  let skipped = 0;
  // Streamed: a large shop's file is never held whole, only the customers' tags and the app's values.
  for await (const line of downloadLines(run.downloadUrl, options.fetch)) {
    if (!line.trim()) continue;
    let row: {
      id?: unknown;
      tags?: unknown;
      key?: unknown;
      value?: unknown;
      __parentId?: unknown;
      statistics?: { rfmGroup?: unknown } | null;
    };
    try {
      row = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (typeof row.__parentId === "string") {
      if (
        typeof row.key === "string" &&
        typeof row.value === "string" &&
        (APP_METAFIELD_KEYS as readonly string[]).includes(row.key)
      ) {
        orphans.push({ parent: row.__parentId, key: row.key, value: row.value });
      } else if (typeof row.key !== "string" || typeof row.value !== "string") skipped++;
    } else if (typeof row.id === "string" && Array.isArray(row.tags)) {
      const rfmGroup = typeof row.statistics?.rfmGroup === "string" ? row.statistics.rfmGroup : null;
      customers.set(row.id, { id: row.id, tags: row.tags.map(String), metafields: {}, rfmGroup });
    } else skipped++;
  }
  for (const m of orphans) {
    const c = customers.get(m.parent);
    if (c) c.metafields[m.key as AppMetafieldKey] = m.value;
  }
  if (stats) stats.skippedLines = skipped;
  return [...customers.values()];
}
