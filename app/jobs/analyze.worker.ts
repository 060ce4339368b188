/**
 * The analysis in a worker thread (node:worker_threads): the pure analytics core run on data posted by
 * analyze-thread.server.ts, so a large shop's analysis never blocks the event loop of the process that
 * serves the admin or renews the job locks. Loaded as TypeScript through tsx by the bootstrap in
 * analyze-thread.server.ts.
 */
import { parentPort, threadId, workerData } from "node:worker_threads";
import { analyzeOrders } from "../analytics/analyze";
import { OrderTable } from "../analytics/order-table";
import { buildRecommender } from "../analytics/recommendations/engine";
import type { AnalysisThreadRequest, AnalysisThreadResponse } from "./analyze-thread.server";

if (!parentPort) throw new Error("analyze.worker.ts runs only as a worker thread");
const port = parentPort;

// The request comes as workerData (cloned when the thread is made), so no message can arrive too early.
run(workerData as AnalysisThreadRequest);

function run(request: AnalysisThreadRequest) {
  let response: AnalysisThreadResponse;
  try {
    port.postMessage({ started: true, threadId });
    const orders = OrderTable.fromData(request.orders);
    const result = analyzeOrders(orders, request.options);
    const clusterOf = new Map(result.customers.map((c) => [c.customerId, c.clusterKey]));
    const recommender = buildRecommender(orders, { products: request.options.products, clusterOf });
    const recommendations = new Map(result.customers.map((c) => [c.customerId, recommender.forCustomer(c.customerId, request.recommendationLimit)]));
    response = { ok: true, result, recommendations, threadId };
  } catch (error) {
    response = { ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) };
  }
  port.postMessage(response);
}
