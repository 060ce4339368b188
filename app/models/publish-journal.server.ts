/**
 * The publish's own records besides the tag journal (TagChange, app/models/tag-changes.server.ts): the
 * Flow trigger journal (FlowTriggerLog) and the publish's SyncRun rows. Every query is scoped by shop.
 */
import type { Db } from "../db.server";

export interface FlowTriggerEntry {
  shop: string;
  /** `<analysisId>|<trigger>|<customerId>|<new value>`: one trigger per analysis, customer and new value. */
  key: string;
  analysisId: string;
  customerId: string;
  trigger: "risk-changed" | "segment-changed" | "due-reorder";
}

/**
 * Records a Flow trigger as "sending" BEFORE it is sent. "recorded-before" when the row exists: this
 * trigger was sent, or was being sent when a publish crashed, and must not be sent again.
 */
export async function recordFlowTrigger(db: Db, entry: FlowTriggerEntry): Promise<"recorded" | "recorded-before"> {
  try {
    await db.flowTriggerLog.create({ data: entry });
    return "recorded";
  } catch (error) {
    // P2002 (unique constraint on shop + key): the row exists. Anything else is a real failure.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return "recorded-before";
  }
}

/** Shopify answered: the trigger is "sent", or "failed" with Shopify's error. */
export async function finishFlowTrigger(db: Db, shop: string, key: string, error: string | null): Promise<void> {
  await db.flowTriggerLog.update({
    where: { shop_key: { shop, key } },
    data: error ? { status: "failed", error } : { status: "sent", sentAt: new Date() },
  });
}

/** An interrupted publish whose pending changes another publish finished: its run no longer shows as running. */
export async function closeInterruptedPublish(db: Db, shop: string, runId: string, finishedBy: string): Promise<void> {
  await db.syncRun.updateMany({
    where: { id: runId, shop, status: "running" },
    data: {
      status: "failed",
      error: `Interrupted; its pending tag changes were finished by publish ${finishedBy}`,
      finishedAt: new Date(),
    },
  });
}
