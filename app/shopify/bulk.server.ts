/**
 * Bulk query operations: start one, learn when it finished (from the `bulk_operations/finish` webhook,
 * with polling `bulkOperation(id)` as the backstop), retry one that ended FAILED / EXPIRED / CANCELED a
 * bounded number of times, and stream its JSONL result line by line.
 *
 * Since API 2026-01 an app may run up to five bulk operations (queries and mutations together) per shop
 * at once (shopify.dev changelog "Faster bulk operations"); a sixth is refused with userError code
 * LIMIT_REACHED. The app's in-flight operations are read with `bulkOperations` and a status filter (the
 * deprecated `currentBulkOperation` only knew "the" one operation of each type). So the app no longer
 * waits for another of its operations to end before starting one: an export of the same query that is
 * already running is reused, and only LIMIT_REACHED makes it wait for its oldest in-flight operation.
 */
import { splitLines } from "./bulk-orders";
import { assertNoUserErrors } from "./client.server";
import { BulkOperationError, UserErrorsError } from "./errors";
import type { AdminGraphql, UserError } from "./types";

export type BulkStatus = "CREATED" | "RUNNING" | "CANCELING" | "CANCELED" | "COMPLETED" | "EXPIRED" | "FAILED";

export interface BulkOperationInfo {
  id: string;
  type?: "QUERY" | "MUTATION";
  status: BulkStatus;
  errorCode: string | null;
  url: string | null;
  partialDataUrl: string | null;
  objectCount: number;
  rootObjectCount: number;
  query: string | null;
}

const BULK_FIELDS = `id type status errorCode url partialDataUrl objectCount rootObjectCount query`;

/** Bulk operations an app may run at once per shop (queries and mutations together), since API 2026-01. */
export const MAX_CONCURRENT_BULK_OPERATIONS = 5;

export const BULK_RUN_QUERY = `#graphql
  mutation BulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { ${BULK_FIELDS} }
      userErrors { field message code }
    }
  }`;

export const BULK_OPERATION_STATUS = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) { ${BULK_FIELDS} }
  }`;

/** The app's operations that have not ended yet, newest first (Shopify's default order). */
export const BULK_OPERATIONS_IN_FLIGHT = `#graphql
  query BulkOperationsInFlight {
    bulkOperations(first: 10, query: "status:created OR status:running OR status:canceling") {
      nodes { ${BULK_FIELDS} }
    }
  }`;

export const BULK_CANCEL = `#graphql
  mutation BulkCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation { id status }
      userErrors { field message }
    }
  }`;

type RawBulk = Omit<BulkOperationInfo, "objectCount" | "rootObjectCount"> & {
  objectCount: string | number;
  rootObjectCount: string | number;
};

function normalise(raw: RawBulk): BulkOperationInfo {
  return { ...raw, objectCount: Number(raw.objectCount ?? 0), rootObjectCount: Number(raw.rootObjectCount ?? 0) };
}

const TERMINAL: ReadonlySet<BulkStatus> = new Set(["COMPLETED", "FAILED", "EXPIRED", "CANCELED"]);
/** Whether a bulk operation runs `query` (Shopify echoes it back with its own whitespace). */
export const sameQuery = (a: string | null, b: string) =>
  !!a && a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();

// ---- completion signal from the bulk_operations/finish webhook (same process) ----

const finishWaiters = new Map<string, Set<() => void>>();

/**
 * Called by the bulk_operations/finish webhook route: wakes whoever waits for this operation so it reads
 * the result at once instead of at its next poll. Returns whether anyone was waiting.
 */
export function notifyBulkOperationFinished(id: string): boolean {
  const set = finishWaiters.get(id);
  if (!set || !set.size) return false;
  for (const wake of [...set]) wake();
  return true;
}

/** Resolves after `ms`, or earlier when the webhook says operation `id` finished. */
function waitForSignal(id: string, ms: number): Promise<"webhook" | "timer"> {
  return new Promise((resolve) => {
    const set = finishWaiters.get(id) ?? new Set<() => void>();
    finishWaiters.set(id, set);
    const done = (how: "webhook" | "timer") => {
      clearTimeout(timer);
      set.delete(wake);
      if (!set.size) finishWaiters.delete(id);
      resolve(how);
    };
    const wake = () => done("webhook");
    const timer = setTimeout(() => done("timer"), ms);
    set.add(wake);
  });
}

export interface BulkRunOptions {
  /** First poll interval (the webhook usually comes first); grows by half up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up waiting for one operation after this long. */
  timeoutMs?: number;
  /** Starts in all when operations end FAILED / EXPIRED / CANCELED. */
  attempts?: number;
  /** Back-off before starting again after a failed operation (doubles each time). */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Progress while Shopify exports (objectCount grows). */
  onStatus?: (op: BulkOperationInfo) => void | Promise<void>;
}

export interface BulkRunResult {
  operation: BulkOperationInfo;
  /** Where to download from: url, else partialDataUrl, else null (no data: an empty shop). */
  downloadUrl: string | null;
  partial: boolean;
  attempts: number;
  /** An operation with the same query was already running and was reused. */
  reused: boolean;
  /** Failed attempts, for the run details. */
  failures: string[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function getBulkOperation(admin: AdminGraphql, id: string): Promise<BulkOperationInfo | null> {
  const data = await admin.request<{ bulkOperation: RawBulk | null }>(BULK_OPERATION_STATUS, { id });
  return data.bulkOperation ? normalise(data.bulkOperation) : null;
}

/** The app's bulk operations on this shop that have not ended (CREATED, RUNNING, CANCELING), oldest first. */
export async function inFlightBulkOperations(
  admin: AdminGraphql,
  type?: "QUERY" | "MUTATION",
): Promise<BulkOperationInfo[]> {
  const data = await admin.request<{ bulkOperations: { nodes: RawBulk[] } }>(BULK_OPERATIONS_IN_FLIGHT);
  return data.bulkOperations.nodes
    .map(normalise)
    .filter((op) => !TERMINAL.has(op.status) && (!type || op.type === type))
    .reverse();
}

/** Whether userErrors say the shop's bulk operations are at their limit (or, before 2026-01, one is running). */
export function isBulkLimitError(errors: readonly UserError[]): boolean {
  return errors.some(
    (e) =>
      e.code === "LIMIT_REACHED" ||
      e.code === "OPERATION_IN_PROGRESS" ||
      /limit reached|already in progress/i.test(e.message),
  );
}

/**
 * After LIMIT_REACHED: waits until the oldest of the app's in-flight operations on the shop has ended
 * (one slot is then free). Returns false when nothing is in flight any more (try again at once).
 */
export async function waitForBulkSlot(admin: AdminGraphql, opts: BulkRunOptions = {}): Promise<boolean> {
  const [oldest] = await inFlightBulkOperations(admin);
  if (!oldest) return false;
  await waitForBulkOperation(admin, oldest.id, opts);
  return true;
}

/** Starts in all after LIMIT_REACHED before giving up (each waits for an in-flight operation to end). */
const LIMIT_WAITS = 10;

/** Why Shopify refused a bulk export with ACCESS_DENIED, in the merchant's terms. */
export function accessDeniedMessage(what: string): string {
  return (
    `Shopify refused ${what} (ACCESS_DENIED): the app is missing an access scope or its approval for protected customer data. ` +
    `Orders and customers need protected customer data Level 1 (Partner Dashboard > API access requests) and the ` +
    `read_orders, read_customers scopes; reinstall or approve, then sync again. Nothing was changed.`
  );
}

/** Polls (and listens for the webhook) until the operation reaches a final status. */
export async function waitForBulkOperation(
  admin: AdminGraphql,
  id: string,
  opts: BulkRunOptions = {},
): Promise<BulkOperationInfo> {
  const { pollIntervalMs = 2000, maxPollIntervalMs = 15_000, timeoutMs = 6 * 3600_000, onStatus } = opts;
  const deadline = Date.now() + timeoutMs;
  let interval = pollIntervalMs;
  for (;;) {
    const op = await getBulkOperation(admin, id);
    if (!op) throw new BulkOperationError(`Shopify no longer knows bulk operation ${id}`, { bulkOperationId: id });
    await onStatus?.(op);
    if (TERMINAL.has(op.status)) return op;
    if (Date.now() > deadline) {
      throw new BulkOperationError(
        `Bulk operation ${id} was still ${op.status} after ${Math.round(timeoutMs / 60000)} minutes`,
        {
          bulkOperationId: id,
          status: op.status,
        },
      );
    }
    await waitForSignal(id, interval);
    interval = Math.min(maxPollIntervalMs, Math.round(interval * 1.5));
  }
}

/** Starts the bulk query, or says the shop's bulk operations are at their limit. */
async function start(
  admin: AdminGraphql,
  query: string,
): Promise<{ op: BulkOperationInfo } | { limited: UserError[] }> {
  const data = await admin.request<{
    bulkOperationRunQuery: { bulkOperation: RawBulk | null; userErrors: UserError[] } | null;
  }>(BULK_RUN_QUERY, { query });
  const payload = data.bulkOperationRunQuery;
  const errors = payload?.userErrors ?? [];
  if (isBulkLimitError(errors)) return { limited: errors };
  const ok = assertNoUserErrors(payload, "bulkOperationRunQuery");
  if (!ok.bulkOperation)
    throw new BulkOperationError("Shopify did not start the bulk operation (no operation in its answer)");
  return { op: normalise(ok.bulkOperation) };
}

/**
 * Runs one bulk query to completion. A running operation with the same query is reused; other in-flight
 * operations do not block it (up to five run at once); at the limit (LIMIT_REACHED) it waits for the
 * oldest to end and starts again. FAILED / EXPIRED / CANCELED operations are started again with back-off
 * up to `attempts` times; then a BulkOperationError says what happened. ACCESS_DENIED is not retried.
 */
export async function runBulkQuery(
  admin: AdminGraphql,
  query: string,
  opts: BulkRunOptions = {},
): Promise<BulkRunResult> {
  const { attempts = 3, retryDelayMs = 5000, sleep = defaultSleep } = opts;
  const failures: string[] = [];
  let reused = false;
  let last: BulkOperationInfo | null = null;

  // An export of the same query left running (a crashed or concurrent run): wait for it and reuse it.
  const sameRunning = async () =>
    (await inFlightBulkOperations(admin, "QUERY")).find((r) => sameQuery(r.query, query)) ?? null;
  let op: BulkOperationInfo | null = await sameRunning();
  if (op) reused = true;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (!op) {
      let limitWaits = 0;
      for (;;) {
        const started = await start(admin, query);
        if ("op" in started) {
          op = started.op;
          break;
        }
        const same = await sameRunning();
        if (same) {
          op = same;
          reused = true;
          break;
        }
        if (++limitWaits > LIMIT_WAITS) throw new UserErrorsError("bulkOperationRunQuery", started.limited);
        // Five of the app's operations run on this shop: wait for the oldest to end, then start ours.
        await waitForBulkSlot(admin, opts);
      }
    }
    const done = await waitForBulkOperation(admin, op.id, opts);
    last = done;
    if (done.status === "FAILED" && done.errorCode === "ACCESS_DENIED") {
      throw new BulkOperationError(accessDeniedMessage("the bulk export"), {
        bulkOperationId: done.id,
        status: done.status,
        errorCode: done.errorCode,
      });
    }
    if (done.status === "COMPLETED") {
      const downloadUrl = done.url ?? done.partialDataUrl ?? null;
      return {
        operation: done,
        downloadUrl,
        partial: !done.url && !!done.partialDataUrl,
        attempts: attempt,
        reused,
        failures,
      };
    }
    failures.push(
      `attempt ${attempt}: bulk operation ${done.id} ended ${done.status}${done.errorCode ? ` (${done.errorCode})` : ""}`,
    );
    op = null;
    if (attempt < attempts) await sleep(retryDelayMs * 2 ** (attempt - 1));
  }
  throw new BulkOperationError(
    `Shopify's bulk export ended ${last?.status ?? "without a result"}${last?.errorCode ? ` (${last.errorCode})` : ""} ${attempts} times in a row; ` +
      `nothing was changed, the data and scores of the last good sync are kept`,
    { bulkOperationId: last?.id, status: last?.status, errorCode: last?.errorCode },
  );
}

/** Streams the raw body of a bulk result file (for ChunkLines / OrderIngest.addChunks). */
export async function* downloadChunks(url: string, fetchImpl: typeof fetch = fetch): AsyncGenerator<Uint8Array> {
  const response = await fetchImpl(url);
  if (!response.ok || !response.body) {
    throw new BulkOperationError(
      `Downloading the bulk export failed: HTTP ${response.status} from ${new URL(url).host}`,
    );
  }
  yield* response.body as unknown as AsyncIterable<Uint8Array>;
}

/**
 * Streams the lines of a bulk result file. A dropped connection mid-way throws; callers may download
 * again (the writes are idempotent).
 */
export async function* downloadLines(url: string, fetchImpl: typeof fetch = fetch): AsyncGenerator<string> {
  yield* splitLines(downloadChunks(url, fetchImpl));
}
