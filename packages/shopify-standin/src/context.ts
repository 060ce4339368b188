import type { DocumentNode, ExecutionResult } from "graphql";
import type { BulkOperationRecord, ShopState } from "./store";

/** What the stand-in's resolvers need besides the shop's store. */
export interface StandinRuntime {
  /** http://127.0.0.1:PORT (no trailing slash). */
  baseUrl: () => string;
  apiVersion: string;
  /** Directory for bulk result files and staged uploads. */
  fileDir: string;
  /** Minimum time a bulk operation stays CREATED/RUNNING, in ms. */
  bulkMinMs: number;
  /** Flow trigger handles the app's extensions declare; null accepts any handle. */
  flowTriggerHandles: Set<string> | null;
  /** Called when flowTriggerReceive accepted a call (flow.ts records whether a workflow ran). */
  onFlowTriggerReceived?: (state: ShopState, handle: string) => void;
  /** Called when a bulk operation reaches a final status (delivers bulk_operations/finish). */
  onBulkFinished: (state: ShopState, op: BulkOperationRecord) => void;
  /** How many bulk operations (queries and mutations together) may run at once per shop (5 since 2026-01). */
  maxBulkOperations: number;
  /** The largest staged upload (bulk mutation variables file) accepted, in bytes (100 MB since 2026-01). */
  maxStagedUploadBytes: number;
  /** True once the stand-in is closed (background bulk work then stops quietly). */
  isClosed: () => boolean;
  /**
   * Runs one validated document over a shop (execute.ts's executeDocument): a bulk mutation runs each of
   * its lines through it. Handed in by the server, so bulk.ts does not import the mutations that start it.
   */
  executeDocument: (
    ctx: ExecContext,
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
  ) => Promise<ExecutionResult>;
}

export interface ExecContext {
  state: ShopState;
  runtime: StandinRuntime;
  /** Set while a bulk query runs: connections return every item; the root connection only `rootSlice`. */
  bulk?: { rootSlice: [number, number] | null; rootItems?: unknown[] };
}
