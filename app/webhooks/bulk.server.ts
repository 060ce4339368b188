/**
 * bulk_operations/finish: wakes the sync waiting for that operation (same process) so it reads the
 * result at once; polling is the backstop when the sync runs in another process.
 */
import { notifyBulkOperationFinished } from "../shopify/bulk.server";

export function handleBulkFinishWebhook(payload: unknown): { operationId: string | null; woke: boolean } {
  const id = (payload as { admin_graphql_api_id?: unknown } | null)?.admin_graphql_api_id;
  if (typeof id !== "string") return { operationId: null, woke: false };
  return { operationId: id, woke: notifyBulkOperationFinished(id) };
}
