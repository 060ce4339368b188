/**
 * The analysis in a worker thread (node:worker_threads): the pure analytics core run on data posted by
 * analyze-thread.server.ts, so a large shop's analysis never blocks the event loop of the process that
 * serves the admin or renews the job locks. Loaded as TypeScript through tsx by the bootstrap in
 * analyze-thread.server.ts.
 */
import { serialize } from "node:v8";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { analyzeOrders } from "../../analytics/analyze";
import { OrderTable } from "../../analytics/data/order-table";
import { loadOrdersFromDatabase } from "../../models/analysis-input.server";
import { learnReorderColumns, type ReorderColumns } from "../../analytics/recommendations/reorder";
import { buildRecommender } from "../../analytics/recommendations/engine";
import { packCustomers, type CustomerColumns } from "./columns";
import type {
  AnalysisThreadInput,
  AnalysisThreadMessage,
  AnalysisThreadProgress,
  AnalysisThreadResponse,
  PackedRecommendations,
} from "./thread.server";

if (!parentPort) throw new Error("app/jobs/analyze/worker.ts runs only as a worker thread");
const port = parentPort;

// The request comes as workerData (cloned when the thread is made), so no message can arrive too early.
void run(workerData as AnalysisThreadInput);

async function run(input: AnalysisThreadInput) {
  let response: AnalysisThreadResponse;
  let orders: OrderTable | null = null;
  try {
    port.postMessage({ started: true, threadId });
    const started = performance.now();
    // The shop's history read here, with a client of this thread's own, when the job says where.
    if (input.load) orders = await loadOrdersFromDatabase(input.load.databaseUrl, input.load.shop);
    else if (input.orders) orders = OrderTable.fromData(input.orders);
    else throw new Error("no orders and nowhere to read them");
    const loadMs = input.load ? Math.round(performance.now() - started) : 0;
    progress({ phase: "scoring", done: 0, total: 1 });
    // First, while the thread holds nothing else: its working arrays are gone before the analysis's peak.
    const reorder: ReorderColumns | null = input.reorder ? learnReorderColumns(orders, input.reorder) : null;
    const result = analyzeOrders(orders, input.options);
    // The customers cross in columns (about half the bytes of the records); the records are let go here,
    // so the recommender below is built in the room they took.
    const customers = packCustomers(result.customers);
    result.customers = [];
    progress({ phase: "recommending", done: 0, total: customers.customerId.length });
    response = {
      ok: true,
      result,
      customers,
      recommendations: recommend(orders, customers, input),
      reorder,
      history: {
        orders: orders.length,
        lineItems: orders.lineItemCount,
        strings: input.load ? orders.strings : null,
        loadMs,
      },
      threadId,
    };
  } catch (error) {
    response = {
      ok: false,
      error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error),
    };
  }
  // The answer goes as one serialized buffer (moved, not cloned), and lent columns go back to the job
  // (moved again). The job reads the answer once this thread has ended: its heap (the analysis's working
  // data, as large as the answer or larger) is gone before the answer becomes objects on the other side.
  const columns = input.lent && orders ? orders.columns() : null;
  const payload = serialize(response);
  const message: AnalysisThreadMessage = { payload, columns };
  const transfer: ArrayBuffer[] = [payload.buffer as ArrayBuffer];
  if (columns) transfer.push(...OrderTable.transferList(columns));
  port.postMessage(message, transfer);
}

/** Where the thread is (analyze-thread.server.ts passes it to the job's progress). */
function progress(p: AnalysisThreadProgress["progress"]) {
  port.postMessage({ progress: p } satisfies AnalysisThreadProgress);
}

/** Each customer's recommendations (the recommender is garbage when this returns). */
function recommend(orders: OrderTable, customers: CustomerColumns, input: AnalysisThreadInput): PackedRecommendations {
  const clusterKeys = customers.labelIndex.clusterKey;
  const clusterOf = new Map(customers.customerId.map((id, i) => [id, customers.labels[clusterKeys[i]]]));
  const recommender = buildRecommender(orders, { products: input.products, clusterOf });
  clusterOf.clear();
  return packRecommendations(customers.customerId, (id) => recommender.forCustomer(id, input.recommendationLimit));
}

/** Each customer's recommendations, in result order, as product indices into one list of ids. */
function packRecommendations(
  customerIds: readonly string[],
  recommend: (customerId: string) => string[],
): PackedRecommendations {
  const products: string[] = [];
  const index = new Map<string, number>();
  const offset = new Int32Array(customerIds.length + 1);
  let items = new Int32Array(Math.max(16, customerIds.length * 4));
  let at = 0;
  // Customers scored and given their recommendations, reported every 1% (the job's progress bar).
  const every = Math.max(500, Math.ceil(customerIds.length / 100));
  customerIds.forEach((customerId, i) => {
    if (i > 0 && i % every === 0) progress({ phase: "recommending", done: i, total: customerIds.length });
    for (const id of recommend(customerId)) {
      let k = index.get(id);
      if (k === undefined) {
        k = products.length;
        products.push(id);
        index.set(id, k);
      }
      if (at === items.length) {
        const bigger = new Int32Array(items.length * 2);
        bigger.set(items);
        items = bigger;
      }
      items[at++] = k;
    }
    offset[i + 1] = at;
  });
  return { products, offset, items: items.slice(0, at) };
}
