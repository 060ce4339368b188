/**
 * The analysis in a worker thread (node:worker_threads): the pure analytics core run on data posted by
 * analyze-thread.server.ts, so a large shop's analysis never blocks the event loop of the process that
 * serves the admin or renews the job locks. Loaded as TypeScript through tsx by the bootstrap in
 * analyze-thread.server.ts.
 */
import { parentPort, threadId, workerData } from "node:worker_threads";
import { analyzeOrders } from "../analytics/analyze";
import { OrderTable } from "../analytics/order-table";
import { learnReorderColumns, type ReorderColumns } from "../analytics/reorder";
import { buildRecommender } from "../analytics/recommendations/engine";
import type { AnalysisThreadInput, AnalysisThreadResponse, PackedRecommendations } from "./analyze-thread.server";

if (!parentPort) throw new Error("analyze.worker.ts runs only as a worker thread");
const port = parentPort;

// The request comes as workerData (cloned when the thread is made), so no message can arrive too early.
run(workerData as AnalysisThreadInput);

function run(input: AnalysisThreadInput) {
  let response: AnalysisThreadResponse;
  let orders: OrderTable | null = null;
  try {
    port.postMessage({ started: true, threadId });
    orders = OrderTable.fromData(input.orders);
    // First, while the thread holds nothing else: its working arrays are gone before the analysis's peak.
    const reorder: ReorderColumns | null = input.reorder ? learnReorderColumns(orders, input.reorder) : null;
    const result = analyzeOrders(orders, input.options);
    const clusterOf = new Map(result.customers.map((c) => [c.customerId, c.clusterKey]));
    const recommender = buildRecommender(orders, { products: input.options.products, clusterOf });
    clusterOf.clear();
    response = {
      ok: true,
      result,
      recommendations: packRecommendations(result.customers, (id) =>
        recommender.forCustomer(id, input.recommendationLimit),
      ),
      reorder,
      columns: null,
      threadId,
    };
  } catch (error) {
    response = {
      ok: false,
      error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error),
      columns: null,
    };
  }
  // Lent columns go back to the job (moved again, not copied).
  const transfer: ArrayBuffer[] = [];
  if (input.lent && orders) {
    response.columns = orders.columns();
    transfer.push(...OrderTable.transferList(response.columns));
  }
  if (response.ok) {
    transfer.push(
      response.recommendations.offset.buffer as ArrayBuffer,
      response.recommendations.items.buffer as ArrayBuffer,
    );
    const due = response.reorder;
    if (due)
      for (const column of [due.customer, due.product, due.lastDay, due.fromDay, due.toDay, due.expectedDay])
        transfer.push(column.buffer as ArrayBuffer);
  }
  port.postMessage(response, transfer);
}

/** Each customer's recommendations, in result order, as product indices into one list of ids. */
function packRecommendations(
  customers: Array<{ customerId: string }>,
  recommend: (customerId: string) => string[],
): PackedRecommendations {
  const products: string[] = [];
  const index = new Map<string, number>();
  const offset = new Int32Array(customers.length + 1);
  let items = new Int32Array(Math.max(16, customers.length * 4));
  let at = 0;
  customers.forEach((c, i) => {
    for (const id of recommend(c.customerId)) {
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
