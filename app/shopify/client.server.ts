/**
 * The one Admin GraphQL client of the app, on graphql-request.
 *
 * - Endpoint `${apiBaseUrl}/admin/api/${apiVersion}/graphql.json`, token in X-Shopify-Access-Token, the
 *   version from app/shopify/api-version.ts.
 * - Cost-aware pacing: every answer carries `extensions.cost.throttleStatus` (bucket size, points left,
 *   restore rate). The client keeps that bucket per client, lets it refill at the restore rate, and waits
 *   BEFORE sending when the points left would not cover the next request's expected cost (the last
 *   requested cost of the same document, else the last cost seen), instead of waiting to be throttled.
 * - Retries THROTTLED answers, HTTP 429, 5xx, INTERNAL_SERVER_ERROR and network errors with exponential
 *   back-off and jitter, at most `maxRetries` tries in all; then a clear error naming the operation.
 * - Other GraphQL errors become AdminApiError (not retried: the document or input is wrong);
 *   `assertNoUserErrors` turns a mutation's userErrors into UserErrorsError.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import { ADMIN_API_VERSION } from "./api-version";
import { AdminApiError, ThrottledError, UserErrorsError, type GraphqlErrorInfo } from "./errors";
import type { AdminGraphql, UserError } from "./types";

export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  /** Where the shop's Admin API lives; `https://${shop}` for a real shop, the stand-in's URL in tests. */
  apiBaseUrl?: string;
  apiVersion?: string;
  /** Tries in all (the first one included) before giving up. */
  maxRetries?: number;
  /** First back-off delay; doubles on every retry, with jitter. */
  baseDelayMs?: number;
  /** Upper bound of one back-off delay. */
  maxDelayMs?: number;
  /** One HTTP request is abandoned (and retried) after this long. */
  timeoutMs?: number;
  /** Cost assumed for a document never sent before, until Shopify tells the real one. */
  defaultExpectedCost?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

export interface AdminClient extends AdminGraphql {
  readonly endpoint: string;
  /** The bucket as the client believes it is now (null before the first answer). */
  throttleStatus(): ThrottleStatus | null;
  /** Milliseconds spent waiting for the bucket before sending (pacing), and in back-off. */
  readonly waits: { pacingMs: number; backoffMs: number };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `query Name` / `mutation Name` of a document, for messages and logs. */
export function operationName(document: string): string {
  const m = /\b(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (m) return m[2];
  const kind = /^\s*(?:#[^\n]*\n\s*)*(mutation|subscription)\b/.exec(document)?.[1] ?? "query";
  return `anonymous ${kind}`;
}

type Failure =
  | { kind: "throttled"; errors: GraphqlErrorInfo[]; cost?: CostExtension; status?: number; retryAfterMs?: number }
  | { kind: "http"; status: number; errors: GraphqlErrorInfo[]; retryAfterMs?: number }
  | { kind: "network"; error: Error }
  | { kind: "internal"; errors: GraphqlErrorInfo[] };

function retryAfter(headers: Headers | undefined): number | undefined {
  const v = headers?.get("retry-after");
  if (!v) return undefined;
  const s = Number(v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

function errorsOf(value: unknown): GraphqlErrorInfo[] {
  return Array.isArray(value)
    ? value.map((e) => ({
        message: String((e as { message?: unknown })?.message ?? "unknown error"),
        extensions: (e as { extensions?: Record<string, unknown> })?.extensions,
        path: (e as { path?: Array<string | number> })?.path,
      }))
    : [];
}

const codeOf = (e: GraphqlErrorInfo) => (typeof e.extensions?.code === "string" ? e.extensions.code : undefined);

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const {
    shop,
    accessToken,
    apiBaseUrl = `https://${shop}`,
    apiVersion = ADMIN_API_VERSION,
    maxRetries = 6,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    timeoutMs = 60_000,
    defaultExpectedCost = 50,
    sleep = defaultSleep,
    random = Math.random,
    now = Date.now,
  } = options;
  if (!shop) throw new Error("createAdminClient: shop is required");
  if (!accessToken) throw new Error(`createAdminClient: no access token for ${shop}`);
  const endpoint = `${apiBaseUrl.replace(/\/+$/, "")}/admin/api/${apiVersion}/graphql.json`;
  const client = new GraphQLClient(endpoint, {
    headers: { "X-Shopify-Access-Token": accessToken },
    errorPolicy: "all",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const stats = { calls: 0, costPoints: 0, retries: 0 };
  const waits = { pacingMs: 0, backoffMs: 0 };
  const costByDocument = new Map<string, number>();
  let lastCost: number | undefined;
  let bucket: (ThrottleStatus & { at: number }) | null = null;

  const available = (): number | null => {
    if (!bucket) return null;
    const elapsed = Math.max(0, now() - bucket.at) / 1000;
    return Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + elapsed * bucket.restoreRate);
  };

  /** Waits until the bucket covers `cost`, then reserves it (so concurrent requests pace too). */
  async function pace(cost: number): Promise<void> {
    if (!bucket || bucket.restoreRate <= 0) return;
    const need = Math.min(cost, bucket.maximumAvailable);
    let have = available()!;
    if (have < need) {
      const ms = Math.ceil(((need - have) / bucket.restoreRate) * 1000);
      waits.pacingMs += ms;
      await sleep(ms);
      have = available()!;
    }
    bucket = { ...bucket, currentlyAvailable: Math.max(0, have) - need, at: now() };
  }

  function learn(document: string, cost: CostExtension | undefined): void {
    if (!cost) return;
    if (typeof cost.requestedQueryCost === "number") {
      costByDocument.set(document, cost.requestedQueryCost);
      lastCost = cost.requestedQueryCost;
    }
    const points = typeof cost.actualQueryCost === "number" ? cost.actualQueryCost : 0;
    stats.costPoints += points;
    const t = cost.throttleStatus;
    if (t && Number.isFinite(t.currentlyAvailable) && Number.isFinite(t.restoreRate)) {
      bucket = {
        maximumAvailable: t.maximumAvailable,
        currentlyAvailable: t.currentlyAvailable,
        restoreRate: t.restoreRate,
        at: now(),
      };
    }
  }

  function backoff(attempt: number): number {
    const base = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(base * (0.5 + random() * 0.5));
  }

  async function sendOnce<T>(
    document: string,
    variables: Record<string, unknown> | undefined,
  ): Promise<{ ok: true; data: T } | { ok: false; failure: Failure }> {
    stats.calls++;
    const signal = AbortSignal.timeout(timeoutMs);
    let response;
    try {
      response = await client.rawRequest<T>({ query: document, variables, signal } as Parameters<
        typeof client.rawRequest
      >[0]);
    } catch (error) {
      if (error instanceof ClientError) {
        const status = error.response.status;
        const errors = errorsOf(error.response.errors);
        const headers = error.response.headers as Headers | undefined;
        learn(document, (error.response.extensions as { cost?: CostExtension } | undefined)?.cost);
        if (status === 429)
          return { ok: false, failure: { kind: "throttled", errors, status, retryAfterMs: retryAfter(headers) } };
        return { ok: false, failure: { kind: "http", status, errors, retryAfterMs: retryAfter(headers) } };
      }
      return { ok: false, failure: { kind: "network", error: error as Error } };
    }
    const cost = (response.extensions as { cost?: CostExtension } | undefined)?.cost;
    learn(document, cost);
    const errors = errorsOf(response.errors);
    if (errors.length) {
      if (errors.some((e) => codeOf(e) === "THROTTLED"))
        return { ok: false, failure: { kind: "throttled", errors, cost } };
      if (errors.some((e) => codeOf(e) === "INTERNAL_SERVER_ERROR"))
        return { ok: false, failure: { kind: "internal", errors } };
      const op = operationName(document);
      throw new AdminApiError(`Shopify rejected ${op}: ${errors.map((e) => e.message).join("; ")}`, {
        operation: op,
        status: response.status,
        errors,
      });
    }
    if (response.data === undefined || response.data === null) {
      const op = operationName(document);
      throw new AdminApiError(`Shopify answered ${op} without data`, { operation: op, status: response.status });
    }
    return { ok: true, data: response.data };
  }

  function finalError(op: string, failure: Failure, tries: number): Error {
    const times = `after ${tries} ${tries === 1 ? "try" : "tries"}`;
    switch (failure.kind) {
      case "throttled":
        return new ThrottledError(
          `Shopify kept throttling ${op} (${failure.status === 429 ? "429 Too Many Requests" : "THROTTLED"}) ${times}`,
          {
            operation: op,
            status: failure.status,
            errors: failure.errors,
            attempts: tries,
          },
        );
      case "http":
        return new AdminApiError(
          `Shopify kept answering ${failure.status} ${times} for ${op}${failure.errors.length ? `: ${failure.errors.map((e) => e.message).join("; ")}` : ""}`,
          { operation: op, status: failure.status, errors: failure.errors, attempts: tries },
        );
      case "internal":
        return new AdminApiError(
          `Shopify kept answering an internal error ${times} for ${op}: ${failure.errors.map((e) => e.message).join("; ")}`,
          {
            operation: op,
            errors: failure.errors,
            attempts: tries,
          },
        );
      case "network":
        return new AdminApiError(
          `Could not reach Shopify at ${endpoint} ${times} for ${op}: ${failure.error.message}`,
          {
            operation: op,
            attempts: tries,
            cause: failure.error,
          },
        );
    }
  }

  async function request<T = Record<string, unknown>>(
    document: string,
    variables?: Record<string, unknown>,
  ): Promise<T> {
    const op = operationName(document);
    const tries = Math.max(1, maxRetries);
    for (let attempt = 1; ; attempt++) {
      await pace(costByDocument.get(document) ?? lastCost ?? defaultExpectedCost);
      const result = await sendOnce<T>(document, variables);
      if (result.ok) return result.data;
      const { failure } = result;
      if (failure.kind === "http" && failure.status < 500) {
        const why =
          failure.status === 401 || failure.status === 403
            ? " (the access token was refused: reinstall the app or check the token)"
            : "";
        throw new AdminApiError(
          `Shopify answered ${failure.status} for ${op}${why}${failure.errors.length ? `: ${failure.errors.map((e) => e.message).join("; ")}` : ""}`,
          { operation: op, status: failure.status, errors: failure.errors },
        );
      }
      if (attempt >= tries) throw finalError(op, failure, attempt);
      let delay = backoff(attempt);
      if (failure.kind === "throttled") {
        const requested =
          failure.cost?.requestedQueryCost ?? costByDocument.get(document) ?? lastCost ?? defaultExpectedCost;
        const t = failure.cost?.throttleStatus ?? bucket;
        if (t && t.restoreRate > 0)
          delay = Math.max(delay, Math.ceil(((requested - t.currentlyAvailable) / t.restoreRate) * 1000));
      }
      if ("retryAfterMs" in failure && failure.retryAfterMs !== undefined)
        delay = Math.max(delay, failure.retryAfterMs);
      stats.retries++;
      waits.backoffMs += delay;
      await sleep(delay);
    }
  }

  return {
    shop,
    endpoint,
    stats,
    waits,
    request,
    throttleStatus: () => {
      const a = available();
      return bucket && a !== null
        ? { maximumAvailable: bucket.maximumAvailable, currentlyAvailable: a, restoreRate: bucket.restoreRate }
        : null;
    },
  };
}

/**
 * Throws UserErrorsError when a mutation payload carries userErrors; returns the payload otherwise.
 * `payload` is the mutation's field (e.g. `data.tagsAdd`); a missing payload is an error too.
 */
export function assertNoUserErrors<P extends { userErrors?: UserError[] | null } | null | undefined>(
  payload: P,
  opName: string,
): NonNullable<P> {
  if (payload === null || payload === undefined)
    throw new AdminApiError(`Shopify answered ${opName} without a result`, { operation: opName });
  const errors = payload.userErrors ?? [];
  if (errors.length) throw new UserErrorsError(opName, errors);
  return payload as NonNullable<P>;
}
