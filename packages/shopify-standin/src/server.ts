import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Kind, getOperationAST } from "graphql";
import { ADMIN_API_VERSION } from "../../../app/shopify/api-version";
import type { ExecContext, StandinRuntime } from "./context";
import { actualCost, requestedCost } from "./cost";
import { deprecatedUses } from "./deprecations";
import { executeDocument } from "./execute";
import { isProtectedTopic, redactLevel2, type ProtectedDataLevel } from "./protected";
import type { Faults } from "./faults";
import { boundaryOf, parseMultipart } from "./multipart";
import { readSchema, schemaPath, toShopifyError, validateDocument } from "./schema";
import { ShopState, type BulkOperationRecord, type CallRecord } from "./store";
import { charge, maxQueryCost, refill, throttleStatus } from "./throttle";
import type { StandinShopData } from "./types";
import { bulkFinishPayload, postWebhook, topicToEnum } from "./webhooks";
import { StandinOAuth } from "./oauth";
import { StandinFlow } from "./flow";

export type { Faults } from "./faults";
export type { CallRecord } from "./store";
export type { ProtectedDataLevel } from "./protected";
export { ShopState } from "./store";
export { orderWebhookPayload, webhookHmac } from "./webhooks";

/**
 * The local Shopify stand-in: an HTTP server (node:http) playing the Admin GraphQL API for one or more
 * fake shops, for tests and the demo.
 *
 * Routes:
 * - POST /admin/api/<version>/graphql.json: X-Shopify-Access-Token picks the shop (401 otherwise);
 *   other versions 404. Documents are validated against the pinned schema, costed, throttled and run
 *   over the shop's in-memory store. Every answer carries `extensions.cost`.
 * - GET /bulk-results/<file>.jsonl: bulk operation result files (the `url`/`partialDataUrl`).
 * - POST /staged-uploads (multipart/form-data with the staged target's parameters and a `file` part)
 *   and PUT /staged-uploads/<key>: staged uploads of bulk mutation variables.
 *
 * Webhooks: `deliverWebhook` POSTs to `target` if given, else to the shop's subscription for the topic
 * (a relative subscription uri such as "/webhooks/orders/create" is resolved against `webhookTarget`),
 * else to `${webhookTarget}/webhooks/<topic>` with the topic's slashes kept (e.g.
 * /webhooks/orders/create, /webhooks/app/uninstalled: the Remix template's route layout). When a bulk
 * operation ends, bulk_operations/finish goes to the shop's BULK_OPERATIONS_FINISH subscription, if any.
 */

export interface StartStandinOptions {
  shops: StandinShopData[];
  /** 0 (default) picks a free port. */
  port?: number;
  apiVersion?: string;
  bucketSize?: number;
  restoreRate?: number;
  webhookSecret?: string;
  webhookTarget?: string;
  /** Minimum ms a bulk operation takes (default 300). */
  bulkMinMs?: number;
  /** Flow trigger handles the app declares; unknown handles then get a userError. Default: any. */
  flowTriggerHandles?: string[];
  /**
   * Bulk operations (queries and mutations together) allowed at once per shop: default 5, as Shopify allows
   * since 2026-01 (changelog "Faster bulk operations"); one more is refused with LIMIT_REACHED.
   */
  maxConcurrentBulkOperations?: number;
  /**
   * Largest staged upload (bulk mutation variables) accepted, in bytes: default 100 MB (104,857,600), the cap
   * since 2026-01. A larger file is refused like Google Cloud Storage refuses it: HTTP 400, EntityTooLarge.
   */
  maxStagedUploadBytes?: number;
  /** Clock for data timestamps and the 60-day window (default Date.now). Throttling uses wall time. */
  now?: () => number;
  /** The app's client id for POST /admin/oauth/access_token (default SHOPIFY_API_KEY, else "standin-api-key"). */
  apiKey?: string;
  /** Lifetime of expiring offline access tokens in seconds (default 3600, as Shopify) and of refresh tokens (90 days). */
  offlineTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Where Flow sends trigger lifecycle callbacks (default `${webhookTarget}/flow/lifecycle`). */
  flowLifecycleUrl?: string;
  /**
   * Protected customer data levels granted to the app (0, 1 or 2; default 2): see protected.ts. Applies to
   * every shop; `setProtectedDataLevel` changes it later, `state(shop).protectedDataLevel` one shop.
   */
  protectedDataLevel?: ProtectedDataLevel;
}

export interface DeliverWebhookOptions {
  shop: string;
  topic: string;
  payload: unknown;
  target?: string;
  webhookId?: string;
  forged?: boolean;
}

export interface Standin {
  url: string;
  apiVersion: string;
  /** The Admin GraphQL endpoint of this stand-in. */
  graphqlUrl: string;
  tokenFor(shop: string): string;
  state(shop: string): ShopState;
  addShop(data: StandinShopData): void;
  setFaults(shop: string, f: Partial<Faults>): void;
  /** The app's protected customer data level on every shop (and shops added later). */
  setProtectedDataLevel(level: ProtectedDataLevel): void;
  calls(shop: string): CallRecord[];
  deliverWebhook(o: DeliverWebhookOptions): Promise<{ status: number; body: string }>;
  /**
   * The merchant grants (or revokes) scopes on Shopify's grant screen: the shop's scopes become
   * `scopes`, and `app/scopes_update` is delivered (to its subscription, else webhookTarget; not when
   * there is neither) with the documented payload: id, previous, current, updated_at, shop_id.
   */
  setScopes(
    shop: string,
    scopes: string[],
  ): Promise<{ previous: string[]; current: string[]; delivery: { status: number; body: string } | null }>;
  /** Expiring offline tokens and POST /admin/oauth/access_token (oauth.ts). */
  oauth: StandinOAuth;
  /** Shopify Flow: workflows on/off per trigger (lifecycle callbacks to the app) and trigger receipts (flow.ts). */
  flow: StandinFlow;
  close(): Promise<void>;
}

const INVALID_TOKEN = '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}';
const THROTTLE_DOCS = "https://shopify.dev/api/usage/rate-limits";

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "application/json; charset=utf-8",
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function serverErrorPage(status: number): string {
  const title = status === 503 ? "503 Service Unavailable" : "502 Bad Gateway";
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>There was a problem loading this website. Please try again.</p></body></html>`;
}

export async function startStandin(opts: StartStandinOptions): Promise<Standin> {
  const apiVersion = opts.apiVersion ?? ADMIN_API_VERSION;
  if (!existsSync(schemaPath(apiVersion)))
    throw new Error(`standin: no Admin schema for API version ${apiVersion} (${schemaPath(apiVersion)})`);
  const schema = readSchema(apiVersion);
  const bucketSize = opts.bucketSize ?? 1000;
  const restoreRate = opts.restoreRate ?? 50;
  const secret = opts.webhookSecret ?? process.env.SHOPIFY_API_SECRET ?? "standin-secret";
  const now = opts.now ?? Date.now;
  const fileDir = mkdtempSync(join(tmpdir(), "churnless-standin-"));
  const shops = new Map<string, ShopState>();
  const byToken = new Map<string, ShopState>();
  let baseUrl = "";
  let closed = false;
  const pending = new Set<Promise<unknown>>();
  const flow = new StandinFlow(
    secret,
    () =>
      opts.flowLifecycleUrl ??
      (opts.webhookTarget ? `${opts.webhookTarget.replace(/\/$/, "")}/flow/lifecycle` : undefined),
  );
  const oauth = new StandinOAuth(
    {
      clientId: opts.apiKey ?? process.env.SHOPIFY_API_KEY ?? "standin-api-key",
      clientSecret: secret,
      accessTokenLifetimeSeconds: opts.offlineTokenLifetimeSeconds ?? 3600,
      refreshTokenLifetimeSeconds: opts.refreshTokenLifetimeSeconds ?? 90 * 86_400,
    },
    (shop) => {
      const state = shops.get(shop);
      return state ? { legacyToken: state.token, scopes: state.scopes } : undefined;
    },
    (token) => byToken.get(token)?.shop,
  );

  const resolveTarget = (uri: string): string => {
    if (/^https?:\/\//.test(uri)) return uri;
    if (!opts.webhookTarget) throw new Error(`standin: relative webhook uri ${uri} needs webhookTarget`);
    return `${opts.webhookTarget.replace(/\/$/, "")}${uri.startsWith("/") ? "" : "/"}${uri}`;
  };

  const deliverWebhook = async (o: DeliverWebhookOptions): Promise<{ status: number; body: string }> => {
    const state = getState(o.shop);
    let target = o.target;
    if (!target) {
      const sub = state.subscriptionFor(topicToEnum(o.topic));
      if (sub) target = resolveTarget(sub.uri);
      else if (opts.webhookTarget) target = `${opts.webhookTarget.replace(/\/$/, "")}/webhooks/${o.topic}`;
      else
        throw new Error(`standin: no target for webhook ${o.topic} of ${o.shop} (no subscription, no webhookTarget)`);
    }
    const webhookId = o.webhookId ?? `standin-${state.nextId()}`;
    const at = state.nowIso();
    const isProtected = isProtectedTopic(o.topic);
    if (isProtected && state.protectedDataLevel < 1) {
      // Shopify does not deliver a topic with protected customer data to an app without Level 1.
      const error = `not delivered: ${o.topic} needs protected customer data Level 1`;
      state.webhookDeliveries.push({ topic: o.topic, target, webhookId, status: 0, forged: !!o.forged, at, error });
      return { status: 0, body: error };
    }
    const payload = isProtected && state.protectedDataLevel < 2 ? redactLevel2(o.payload) : o.payload;
    try {
      const result = await postWebhook({
        target,
        topic: o.topic,
        shop: state.shop,
        apiVersion,
        payload,
        webhookId,
        secret,
        forged: o.forged,
        triggeredAt: at,
      });
      state.webhookDeliveries.push({
        topic: o.topic,
        target,
        webhookId,
        status: result.status,
        forged: !!o.forged,
        at,
      });
      return result;
    } catch (error) {
      state.webhookDeliveries.push({
        topic: o.topic,
        target,
        webhookId,
        status: 0,
        forged: !!o.forged,
        at,
        error: String(error),
      });
      throw error;
    }
  };

  const runtime: StandinRuntime = {
    baseUrl: () => baseUrl,
    apiVersion,
    fileDir,
    bulkMinMs: opts.bulkMinMs ?? 300,
    flowTriggerHandles: opts.flowTriggerHandles ? new Set(opts.flowTriggerHandles) : null,
    onFlowTriggerReceived: (state, handle) => flow.received(state.shop, handle, state.nowIso()),
    isClosed: () => closed,
    executeDocument,
    maxBulkOperations: opts.maxConcurrentBulkOperations ?? 5,
    maxStagedUploadBytes: opts.maxStagedUploadBytes ?? 100 * 1024 * 1024,
    onBulkFinished: (state: ShopState, op: BulkOperationRecord) => {
      if (closed) return;
      const sub = state.subscriptionFor("BULK_OPERATIONS_FINISH");
      if (!sub) return;
      let target: string;
      try {
        target = resolveTarget(sub.uri);
      } catch {
        return;
      }
      const p = deliverWebhook({
        shop: state.shop,
        topic: "bulk_operations/finish",
        payload: bulkFinishPayload(op),
        target,
      }).catch((error: unknown) =>
        console.warn(
          `[standin] ${state.shop}: bulk_operations/finish to ${target} failed: ${(error as Error)?.message ?? error}`,
        ),
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
  };

  let protectedDataLevel: ProtectedDataLevel = opts.protectedDataLevel ?? 2;

  function addShop(data: StandinShopData): void {
    if (shops.has(data.shop)) throw new Error(`standin: shop ${data.shop} already exists`);
    const state = new ShopState(data, bucketSize, restoreRate, now, shops.size + 1);
    state.protectedDataLevel = protectedDataLevel;
    shops.set(data.shop, state);
    byToken.set(state.token, state);
  }

  function getState(shop: string): ShopState {
    const state = shops.get(shop);
    if (!state) throw new Error(`standin: unknown shop ${shop} (known: ${[...shops.keys()].join(", ") || "none"})`);
    return state;
  }

  for (const data of opts.shops) addShop(data);

  function costExtension(state: ShopState, requested: number, actual: number | null): Record<string, unknown> {
    return { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(state) } };
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, version: string): Promise<void> {
    if (version !== apiVersion) return send(res, 404, '{"errors":"Not Found"}');
    res.setHeader("X-Shopify-API-Version", apiVersion);
    const token = req.headers["x-shopify-access-token"];
    let state = typeof token === "string" ? byToken.get(token) : undefined;
    const raw = await readBody(req);
    const expiring = !state && typeof token === "string" ? oauth.checkAccessToken(token) : undefined;
    if (expiring?.ok) state = shops.get(expiring.shop);
    else if (expiring) {
      // An expired or replaced expiring token: Shopify's 401, logged on the shop it belonged to.
      shops.get(expiring.shop)?.calls.push({
        at: Date.now(),
        operation: `(${expiring.reason} token)`,
        requestedCost: 0,
        actualCost: 0,
        throttled: false,
        status: 401,
      });
    }
    if (!state) return send(res, 401, INVALID_TOKEN);
    let deprecatedNow: string[] = [];
    const record = (c: Omit<CallRecord, "at">): void => {
      state.calls.push({ at: Date.now(), ...c, ...(deprecatedNow.length ? { deprecated: deprecatedNow } : {}) });
    };
    if (state.faults.slowMs > 0) await sleep(state.faults.slowMs);
    if (state.faults.connectionResetShare > 0 && state.random() < state.faults.connectionResetShare) {
      record({ operation: "(connection reset)", requestedCost: 0, actualCost: 0, throttled: false, status: 0 });
      req.socket.destroy();
      return;
    }
    if (state.faults.serverErrorShare > 0 && state.random() < state.faults.serverErrorShare) {
      const status = state.random() < 0.5 ? 502 : 503;
      record({ operation: "(server error)", requestedCost: 0, actualCost: 0, throttled: false, status });
      return send(res, status, serverErrorPage(status), "text/html; charset=utf-8");
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(raw.toString("utf8")) as typeof body;
    } catch {
      record({ operation: "(bad request)", requestedCost: 0, actualCost: 0, throttled: false, status: 400 });
      return send(res, 400, '{"errors":{"query":"Required parameter missing or invalid"}}');
    }
    if (typeof body.query !== "string" || !body.query.trim()) {
      record({ operation: "(bad request)", requestedCost: 0, actualCost: 0, throttled: false, status: 400 });
      return send(res, 400, '{"errors":{"query":"Required parameter missing or invalid"}}');
    }
    const variables =
      body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
    const operationName = typeof body.operationName === "string" ? body.operationName : null;
    const validation = validateDocument(body.query, apiVersion);
    if (!validation.ok) {
      record({ operation: "(invalid)", requestedCost: 0, actualCost: 0, throttled: false, status: 200 });
      return send(res, 200, JSON.stringify({ errors: validation.errors, extensions: costExtension(state, 0, 0) }));
    }
    const document = validation.document;
    // Shopify names deprecated fields in a header (and still answers them): the stand-in does the same and records them.
    const deprecated = deprecatedUses(schema, document);
    deprecatedNow = deprecated;
    if (deprecated.length) res.setHeader("X-Shopify-API-Deprecated-Reason", deprecated.join(", "));
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) {
      record({ operation: "(invalid)", requestedCost: 0, actualCost: 0, throttled: false, status: 200 });
      const message = operationName
        ? `No operation named "${operationName}"`
        : "An operation name is required when the document has several operations";
      return send(
        res,
        200,
        JSON.stringify({
          errors: [{ message, extensions: { code: "OPERATION_NOT_FOUND" } }],
          extensions: costExtension(state, 0, 0),
        }),
      );
    }
    const first = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
    const opName = first && first.kind === Kind.FIELD ? first.name.value : "(fragment)";
    const costInput = {
      schema,
      operation,
      fragments: document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
      variables,
    };
    const requested = requestedCost(costInput);
    if (requested > maxQueryCost(state)) {
      record({ operation: opName, requestedCost: requested, actualCost: 0, throttled: false, status: 200 });
      return send(
        res,
        200,
        JSON.stringify({
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost(state)}).`,
              extensions: {
                code: "MAX_COST_EXCEEDED",
                cost: requested,
                maxCost: maxQueryCost(state),
                documentation: THROTTLE_DOCS,
              },
            },
          ],
          extensions: costExtension(state, requested, null),
        }),
      );
    }
    const faultThrottle = state.faults.throttledShare > 0 && state.random() < state.faults.throttledShare;
    if (faultThrottle || refill(state) < requested) {
      record({ operation: opName, requestedCost: requested, actualCost: 0, throttled: true, status: 200 });
      return send(
        res,
        200,
        JSON.stringify({
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLE_DOCS } }],
          extensions: costExtension(state, requested, null),
        }),
      );
    }
    const ctx: ExecContext = { state, runtime };
    const result = await executeDocument(ctx, document, variables, operationName);
    const actual = result.data ? actualCost(costInput, result.data) : 0;
    charge(state, actual);
    record({ operation: opName, requestedCost: requested, actualCost: actual, throttled: false, status: 200 });
    const answer: Record<string, unknown> = {};
    if (result.errors?.length) answer.errors = result.errors.map(toShopifyError);
    if (result.data !== undefined) answer.data = result.data;
    answer.extensions = costExtension(state, requested, actual);
    return send(res, 200, JSON.stringify(answer));
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, keyFromPath: string | null): Promise<void> {
    const raw = await readBody(req);
    let key = keyFromPath;
    let content: Buffer;
    if (keyFromPath === null) {
      const boundary = boundaryOf(req.headers["content-type"]);
      if (!boundary)
        return send(
          res,
          400,
          "<Error><Code>InvalidArgument</Code><Message>Expected multipart/form-data</Message></Error>",
          "application/xml",
        );
      let parts;
      try {
        parts = parseMultipart(raw, boundary);
      } catch (error) {
        return send(
          res,
          400,
          `<Error><Code>InvalidArgument</Code><Message>${String(error)}</Message></Error>`,
          "application/xml",
        );
      }
      key = parts.find((p) => p.name === "key")?.data.toString("utf8") ?? null;
      const file = parts.find((p) => p.name === "file");
      if (!file)
        return send(
          res,
          400,
          "<Error><Code>InvalidArgument</Code><Message>No file part in the upload</Message></Error>",
          "application/xml",
        );
      content = file.data;
    } else content = raw;
    const upload = key ? [...shops.values()].map((s) => s.stagedUploads.get(key!)).find((u) => u) : undefined;
    if (!upload || !key)
      return send(
        res,
        403,
        "<Error><Code>AccessDenied</Code><Message>Unknown or missing key</Message></Error>",
        "application/xml",
      );
    if (content.length > runtime.maxStagedUploadBytes) {
      const xml =
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload is larger than the maximum object size specified in your Policy Document.</Message>" +
        `<Details>Content-length exceeds upper bound on range (${content.length} > ${runtime.maxStagedUploadBytes})</Details></Error>`;
      return send(res, 400, xml, "application/xml");
    }
    upload.content = content;
    upload.uploadedAt = new Date().toISOString();
    const xml = `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${baseUrl}/staged-uploads/${key}</Location><Bucket>standin</Bucket><Key>${key}</Key></PostResponse>`;
    return send(res, keyFromPath === null ? 201 : 200, xml, "application/xml");
  }

  function handleBulkFile(res: ServerResponse, name: string): void {
    const file = join(fileDir, basename(name));
    if (!name.endsWith(".jsonl") || !existsSync(file))
      return send(res, 404, "<Error><Code>NoSuchKey</Code></Error>", "application/xml");
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": statSync(file).size });
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://standin");
    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    const work = (async () => {
      if (gql && req.method === "POST") return handleGraphql(req, res, gql[1]);
      if (gql) return send(res, 405, '{"errors":"Method Not Allowed"}');
      if (req.method === "GET" && url.pathname.startsWith("/bulk-results/"))
        return handleBulkFile(res, url.pathname.slice("/bulk-results/".length));
      if (req.method === "POST" && url.pathname === "/staged-uploads") return handleUpload(req, res, null);
      if (req.method === "POST" && url.pathname === "/admin/oauth/access_token") {
        const answer = oauth.tokenRequest(await readBody(req), req.headers["content-type"]);
        return send(res, answer.status, JSON.stringify(answer.body));
      }
      if (req.method === "PUT" && url.pathname.startsWith("/staged-uploads/"))
        return handleUpload(req, res, decodeURIComponent(url.pathname.slice("/staged-uploads/".length)));
      return send(res, 404, '{"errors":"Not Found"}');
    })();
    work.catch((error: unknown) => {
      console.error("standin: request failed:", error);
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ errors: [{ message: `standin internal error: ${String(error)}` }] }));
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("standin: could not read the listening port");
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    url: baseUrl,
    apiVersion,
    graphqlUrl: `${baseUrl}/admin/api/${apiVersion}/graphql.json`,
    tokenFor: (shop) => getState(shop).token,
    state: getState,
    addShop,
    setFaults: (shop, f) => getState(shop).setFaults(f),
    setProtectedDataLevel: (level) => {
      protectedDataLevel = level;
      for (const state of shops.values()) state.protectedDataLevel = level;
    },
    calls: (shop) => getState(shop).calls,
    deliverWebhook,
    setScopes: async (shop, scopes) => {
      const state = getState(shop);
      const change = state.setScopes(scopes);
      const target = state.subscriptionFor("APP_SCOPES_UPDATE") ?? opts.webhookTarget;
      if (!target) return { ...change, delivery: null };
      const delivery = await deliverWebhook({
        shop,
        topic: "app/scopes_update",
        payload: {
          id: state.appInstallationId,
          previous: change.previous,
          current: change.current,
          updated_at: state.nowIso(),
          shop_id: Number(state.appInstallationId.split("/").pop()),
        },
      });
      return { ...change, delivery };
    },
    oauth,
    flow,
    close: async () => {
      closed = true;
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(fileDir, { recursive: true, force: true });
    },
  };
}
