/**
 * The journal of tag changes (TagChange rows). A publish writes its whole plan as `pending` rows before it
 * sends anything to Shopify and marks rows `done` (or `failed`) as Shopify answers, so a publish that
 * crashed can be finished by the next one. Every query is scoped by shop.
 */
import type { Db } from "../db.server";

export type TagAction = "add" | "remove";
export type TagChangeStatus = "pending" | "done" | "failed" | "skipped";

export interface PlannedChange {
  customerId: string;
  tag: string;
  action: TagAction;
}

const CHUNK = 2000;

/** What a plan was computed for: the tag prefix in effect and the analysis whose scores it applies. */
export interface PlanContext {
  prefix: string;
  analysisId: string | null;
}

/** Writes the plan of a run as pending rows (in chunks, so large shops do not hit parameter limits). */
export async function recordPlan(
  db: Db,
  shop: string,
  runId: string,
  changes: readonly PlannedChange[],
  context: PlanContext,
): Promise<number> {
  // A crash half-way leaves part of the plan pending: harmless, the next run sends it and diffs afresh.
  for (let i = 0; i < changes.length; i += CHUNK) {
    await db.tagChange.createMany({
      data: changes.slice(i, i + CHUNK).map((c) => ({
        shop,
        runId,
        customerId: c.customerId,
        tag: c.tag,
        action: c.action,
        prefix: context.prefix,
        analysisId: context.analysisId,
      })),
    });
  }
  return changes.length;
}

/**
 * Marks `skipped` the pending changes of a run that were computed for another prefix or another (older)
 * analysis than `current`, or whose context is unknown: a resumed publish never replays them (the new
 * diff decides afresh). Returns how many were skipped.
 */
export async function skipStaleChanges(db: Db, shop: string, runId: string, current: PlanContext): Promise<number> {
  const stale = [
    { prefix: { not: current.prefix } },
    { prefix: null },
    current.analysisId === null ? { analysisId: { not: null } } : { analysisId: { not: current.analysisId } },
    ...(current.analysisId === null ? [] : [{ analysisId: null }]),
  ];
  const { count } = await db.tagChange.updateMany({
    where: { shop, runId, status: "pending", OR: stale },
    data: {
      status: "skipped",
      error: `Not replayed: computed for another tag prefix or analysis (now ${current.prefix}, analysis ${current.analysisId ?? "none"})`,
      doneAt: new Date(),
    },
  });
  return count;
}

export interface CustomerChanges {
  customerId: string;
  action: TagAction;
  tags: string[];
}

/** Pending changes of a run grouped per customer and action (one tagsAdd / tagsRemove each). */
export async function pendingChanges(db: Db, shop: string, runId: string): Promise<CustomerChanges[]> {
  const rows = await db.tagChange.findMany({
    where: { shop, runId, status: "pending" },
    select: { customerId: true, tag: true, action: true },
    orderBy: [{ customerId: "asc" }, { action: "asc" }, { createdAt: "asc" }],
  });
  const groups = new Map<string, CustomerChanges>();
  for (const r of rows) {
    const key = `${r.customerId}\u0000${r.action}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { customerId: r.customerId, action: r.action as TagAction, tags: [] }));
    g.tags.push(r.tag);
  }
  return [...groups.values()];
}

/** Marks the pending rows of one customer's change as done / failed. */
export async function markChanges(
  db: Db,
  shop: string,
  runId: string,
  change: Pick<CustomerChanges, "customerId" | "action" | "tags">,
  status: Exclude<TagChangeStatus, "pending">,
  error?: string,
): Promise<void> {
  await db.tagChange.updateMany({
    where: {
      shop,
      runId,
      customerId: change.customerId,
      action: change.action,
      tag: { in: change.tags },
      status: "pending",
    },
    data: { status, error: error ?? null, doneAt: new Date() },
  });
}

export interface ChangeOutcome {
  change: Pick<CustomerChanges, "customerId" | "action" | "tags">;
  status: Exclude<TagChangeStatus, "pending">;
  error?: string;
}

/** Marks many customers' changes at once: one statement for all done ones, one per failure. */
export async function markManyChanges(
  db: Db,
  shop: string,
  runId: string,
  outcomes: readonly ChangeOutcome[],
): Promise<void> {
  const doneAt = new Date();
  const ok = outcomes.filter((o) => o.status === "done");
  // Statements stay under the drivers' bound-parameter limits (SQLite's can be as low as 999).
  const MAX_PARAMS = 400;
  const statements = [];
  for (let i = 0; i < ok.length;) {
    const group: ChangeOutcome[] = [];
    let params = 0;
    while (i < ok.length && (group.length === 0 || params + 2 + ok[i].change.tags.length <= MAX_PARAMS)) {
      params += 2 + ok[i].change.tags.length;
      group.push(ok[i++]);
    }
    statements.push(
      db.tagChange.updateMany({
        where: {
          shop,
          runId,
          status: "pending",
          OR: group.map((o) => ({
            customerId: o.change.customerId,
            action: o.change.action,
            tag: { in: o.change.tags },
          })),
        },
        data: { status: "done", error: null, doneAt },
      }),
    );
  }
  if (statements.length) await db.$transaction(statements);
  for (const o of outcomes) if (o.status !== "done") await markChanges(db, shop, runId, o.change, o.status, o.error);
}

/**
 * Buffers outcomes and marks them in groups of `size` (each flush is one statement), so a large publish
 * does not pay one database write per Shopify answer. A crash loses at most one unflushed group of
 * marks: those changes are sent again, which tagsAdd / tagsRemove make harmless.
 */
export function changeMarker(db: Db, shop: string, runId: string, size = 25) {
  let buffer: ChangeOutcome[] = [];
  const flush = async () => {
    if (!buffer.length) return;
    const batch = buffer;
    buffer = [];
    await markManyChanges(db, shop, runId, batch);
  };
  return {
    async mark(outcome: ChangeOutcome) {
      buffer.push(outcome);
      if (buffer.length >= size) await flush();
    },
    flush,
  };
}

/** Runs of this shop that still have pending rows (a crashed or interrupted publish), oldest first. */
export async function unfinishedRuns(db: Db, shop: string): Promise<string[]> {
  const rows = await db.tagChange.findMany({
    where: { shop, status: "pending" },
    select: { runId: true },
    distinct: ["runId"],
    orderBy: { runId: "asc" },
  });
  return rows.map((r) => r.runId);
}

export async function countByStatus(db: Db, shop: string, runId: string): Promise<Record<TagChangeStatus, number>> {
  const rows = await db.tagChange.groupBy({ by: ["status"], where: { shop, runId }, _count: { _all: true } });
  const out: Record<TagChangeStatus, number> = { pending: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.status as TagChangeStatus] = r._count._all;
  return out;
}

/** The latest changes of a shop (for the UI's publish log). */
export async function recentChanges(db: Db, shop: string, take = 100) {
  return db.tagChange.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      runId: true,
      customerId: true,
      tag: true,
      action: true,
      status: true,
      error: true,
      createdAt: true,
      doneAt: true,
    },
  });
}
