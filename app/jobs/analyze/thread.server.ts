/**
 * Runs analyzeOrders and the recommender in a worker thread, so the event loop of the web server
 * (in-process jobs) or of a BullMQ worker (lock renewal) keeps turning during a long analysis.
 *
 * The thread's entry is app/jobs/analyze/worker.ts. A small JavaScript bootstrap (an `eval` worker)
 * registers tsx (a runtime dependency) in the thread, then imports the entry, so the same code runs under
 * `npm run worker` and the CLI (tsx), vitest, and the built Remix server (`npm start`, plain node). The
 * entry is found next to this module, or, in the built server (build/server/index.js), in app/jobs/analyze of a
 * directory above it, or of the working directory.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deserialize } from "node:v8";
import { Worker } from "node:worker_threads";
import type { AnalyzeOptions } from "../../analytics/analyze";
import { OrderTable, type OrderTableColumns, type OrderTableData } from "../../analytics/data/order-table";
import type { ReorderColumns, ReorderOptions } from "../../analytics/recommendations/reorder";
import type { AnalysisResult, ProductInfo } from "../../analytics/types";
import { unpackCustomers, type CustomerColumns } from "./columns";

export interface AnalysisThreadRequest {
  /**
   * The shop's orders. An OrderTable lends its typed columns to the thread (moved, not copied: a transfer
   * list) and has them back when the thread answers; its ids and strings are cloned. Plain data
   * (OrderTable.toData) is cloned as a few typed arrays.
   */
  orders: OrderTableData | OrderTable | HistorySource;
  options: AnalyzeOptions;
  /** The catalogue for the recommender (active, in stock; unknown products are not recommended). */
  products?: ProductInfo[];
  recommendationLimit: number;
  /**
   * Also learn the reorder cycles and due products (app/analytics/recommendations/reorder.ts) from the same table, in the
   * thread, before the analysis: they come back as columns whose indexes point into the table's strings.
   */
  reorder?: ReorderOptions;
}

/**
 * A shop's history for the thread to read itself (loadOrdersForAnalysis with its own client on the same
 * database): the job's process then never holds the history, nor the garbage of reading a million orders,
 * while the analysis runs.
 */
export interface HistorySource {
  databaseUrl: string;
  shop: string;
}

/** What the thread is started with (workerData): the orders as data (or where to read them), and whether their columns were lent. */
export interface AnalysisThreadInput {
  orders: OrderTableData | null;
  load: HistorySource | null;
  lent: boolean;
  options: AnalyzeOptions;
  products?: ProductInfo[];
  recommendationLimit: number;
  reorder?: ReorderOptions;
}

/**
 * Recommendations in columns: customer i of result.customers has products[items[k]] for k in
 * offset[i] .. offset[i + 1], best first. Each product id string goes across once (a Map of 225k string
 * lists would clone every id once per customer).
 */
export interface PackedRecommendations {
  products: string[];
  offset: Int32Array;
  items: Int32Array;
}

export type AnalysisThreadResponse =
  | {
      ok: true;
      /** The result with no customers: they come as `customers`, in columns. */
      result: AnalysisResult;
      customers: CustomerColumns;
      recommendations: PackedRecommendations;
      reorder: ReorderColumns | null;
      history: HistoryFacts;
      threadId: number;
    }
  | { ok: false; error: string };

/** The history the thread analysed: its size, and when the thread read it, its strings (reorder's indexes point there) and how long it took. */
export interface HistoryFacts {
  orders: number;
  lineItems: number;
  strings: string[] | null;
  loadMs: number;
}

/**
 * What the thread posts when it is done: its response serialized (v8.serialize, moved in the transfer
 * list, read once the thread has ended, so the thread's heap and the answer's objects are never both
 * held), and the lent columns, moved back.
 */
/** Sent by the thread as it works: its phase and the customers done of the total in that phase. */
export interface AnalysisThreadProgress {
  progress: { phase: "scoring" | "recommending"; done: number; total: number };
}

export interface AnalysisThreadMessage {
  payload: Uint8Array;
  columns: OrderTableColumns | null;
}

/** The recommendations as a Map by customer id (the keys are the result's own customer id strings). */
export function unpackRecommendations(result: AnalysisResult, packed: PackedRecommendations): Map<string, string[]> {
  const out = new Map<string, string[]>();
  result.customers.forEach((c, i) => {
    const list: string[] = [];
    for (let k = packed.offset[i]; k < packed.offset[i + 1]; k++) list.push(packed.products[packed.items[k]]);
    out.set(c.customerId, list);
  });
  return out;
}

export class AnalysisAbortedError extends Error {
  constructor(reason: unknown) {
    super(`The analysis was stopped: ${reason instanceof Error ? reason.message : String(reason ?? "aborted")}`);
    this.name = "AnalysisAbortedError";
  }
}

// Built from pieces so the Remix (Vite) build does not treat it as an asset to bundle.
const ENTRY = ["worker", "ts"].join(".");

/** The worker entry's path: beside this module (source), else app/jobs/analyze/ in a directory above it or the cwd. */
export function analysisWorkerEntry(moduleUrl = import.meta.url, cwd = process.cwd()): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, ENTRY)];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, "app", "jobs", "analyze", ENTRY));
    if (dirname(dir) === dir) break;
  }
  candidates.push(resolve(cwd, "app", "jobs", "analyze", ENTRY));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `The analysis worker entry ${ENTRY} was not found (looked in ${candidates.slice(0, 3).join(", ")}, ...)`,
    );
  return found;
}

/** The process's execArgv without tsx's own flags (the bootstrap registers tsx in the thread itself). */
export function analysisWorkerExecArgv(execArgv = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (/^--(import|require|loader|experimental-loader)$/.test(arg) && /tsx/.test(execArgv[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=.*tsx/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}

/** The bootstrap the thread runs: register tsx, then import the TypeScript entry. */
export function analysisWorkerBootstrap(entry = analysisWorkerEntry()): string {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const entryUrl = pathToFileURL(entry).href;
  return `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entryUrl)}); });`;
}

/**
 * Analyses in a worker thread and resolves with its result. `signal` aborting terminates the thread and
 * rejects with AnalysisAbortedError; `onStarted` runs when the thread has begun (tests use it).
 */
export function analyzeInThread(
  request: AnalysisThreadRequest,
  opts: {
    signal?: AbortSignal;
    onStarted?: (threadId: number) => void;
    onProgress?: (progress: AnalysisThreadProgress["progress"]) => void;
  } = {},
): Promise<{
  result: AnalysisResult;
  recommendations: Map<string, string[]>;
  reorder: ReorderColumns | null;
  history: HistoryFacts;
  threadId: number;
}> {
  return new Promise((resolvePromise, reject) => {
    if (opts.signal?.aborted) return reject(new AnalysisAbortedError(opts.signal.reason));
    const table = request.orders instanceof OrderTable ? request.orders : null;
    const load = "databaseUrl" in request.orders ? request.orders : null;
    const orders = table ? table.toData() : load ? null : (request.orders as OrderTableData);
    const input: AnalysisThreadInput = {
      orders,
      load,
      lent: table !== null,
      options: request.options,
      products: request.products,
      recommendationLimit: request.recommendationLimit,
      reorder: request.reorder,
    };
    // A lent table's columns move to the thread (detached here until it answers): no second copy of them.
    const transferList = table && orders ? OrderTable.transferList(orders) : [];
    const worker = new Worker(analysisWorkerBootstrap(), {
      eval: true,
      execArgv: analysisWorkerExecArgv(),
      workerData: input,
      transferList,
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
      void worker.terminate();
    };
    /** The lent columns come back with the answer (success or failure); a killed thread keeps them. */
    const takeBack = (columns: OrderTableColumns | null) => {
      if (table && columns) table.restoreColumns(columns);
    };
    const onAbort = () => settle(() => reject(new AnalysisAbortedError(opts.signal?.reason)));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let answer: AnalysisThreadMessage | null = null;
    type Message = AnalysisThreadMessage | AnalysisThreadProgress | { started: true; threadId: number };
    worker.on("message", (message: Message) => {
      if ("started" in message) return opts.onStarted?.(message.threadId);
      if ("progress" in message) return opts.onProgress?.(message.progress);
      answer = message;
      void worker.terminate(); // it ends by itself too; the answer is read on "exit"
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) =>
      settle(() => {
        const message = answer;
        answer = null;
        if (!message) return reject(new Error(`The analysis worker thread exited (code ${code}) without a result`));
        let response: AnalysisThreadResponse;
        try {
          takeBack(message.columns);
          response = deserialize(message.payload) as AnalysisThreadResponse;
        } catch (error) {
          return reject(error);
        }
        if (response.ok) {
          const result = { ...response.result, customers: unpackCustomers(response.customers) };
          resolvePromise({
            result,
            recommendations: unpackRecommendations(result, response.recommendations),
            reorder: response.reorder,
            history: response.history,
            threadId: response.threadId,
          });
        } else reject(new Error(`The analysis failed in its worker thread: ${response.error}`));
      }),
    );
  });
}
