/**
 * Which of the app's Flow triggers a shop uses, as Shopify Flow's trigger lifecycle callbacks say
 * (shopify.dev "Track Flow lifecycle events"): one row per shop and trigger. A newer callback overwrites
 * an older one; an older one (Flow does not promise order) is ignored.
 */
import type { Db } from "../db.server";

export interface FlowLifecycleEvent {
  shop: string;
  /** Our trigger's handle, or Flow's `flow_trigger_definition_id` when it names no trigger of ours. */
  trigger: string;
  inUse: boolean;
  /** The callback's `timestamp`. */
  at: Date;
}

/** Stores the callback unless a newer one is stored already; says which happened. */
export async function recordFlowLifecycle(db: Db, e: FlowLifecycleEvent): Promise<"stored" | "stale"> {
  const key = { shop_trigger: { shop: e.shop, trigger: e.trigger } };
  const existing = await db.flowTriggerUsage.findUnique({ where: key, select: { notifiedAt: true } });
  if (existing && existing.notifiedAt.getTime() > e.at.getTime()) return "stale";
  await db.flowTriggerUsage.upsert({
    where: key,
    create: { shop: e.shop, trigger: e.trigger, inUse: e.inUse, notifiedAt: e.at },
    update: { inUse: e.inUse, notifiedAt: e.at },
  });
  return "stored";
}

/** The triggers an enabled workflow of the shop uses now. */
export async function flowTriggersInUse(db: Db, shop: string): Promise<string[]> {
  const rows = await db.flowTriggerUsage.findMany({
    where: { shop, inUse: true },
    select: { trigger: true },
    orderBy: { trigger: "asc" },
  });
  return rows.map((r) => r.trigger);
}

/** Every trigger's last known state for the shop (the Settings page can show it). */
export async function flowTriggerUsage(db: Db, shop: string) {
  return db.flowTriggerUsage.findMany({ where: { shop }, orderBy: { trigger: "asc" } });
}
