/** The publish preview (a SyncRun of kind "preview"; what it would change is in its detailsJson). */
import type { Db } from "../../db.server";
import { readPublishDetails, type PublishDetails } from "../../models/json-columns.server";
import { getSyncOverview, type SyncRunView } from "../app.sync/sync-view.server";

export interface PreviewView {
  id: string;
  status: string;
  startedAt: string;
  lines: string[];
  /** The prefix and tag kinds it was computed for (null for a preview recorded before they were kept). */
  prefix: string | null;
  tagKinds: PublishDetails["tagKinds"] | null;
  /** A preview job queued or running now (its progress), if any. */
  running: SyncRunView | null;
}

const KIND_NAMES: Record<string, string> = {
  risk: "Churn-risk tags",
  segment: "Segment tags",
  cluster: "Cluster tags",
  holdout: "Control-group tags",
  due: "Due-to-reorder tags",
};

const count = (n: number, one: string, many = `${one}s`) =>
  `${new Intl.NumberFormat("en-US").format(n)} ${n === 1 ? one : many}`;

/** Every kind of tag change with its count ("Segment tags: 459 added, 12 removed"), biggest first. */
export function changesByKind(perTag: Record<string, { added: number; removed: number }>): string[] {
  const kinds = new Map<string, { added: number; removed: number }>();
  for (const [tag, c] of Object.entries(perTag)) {
    // App tags are <prefix>:<kind>[:<value>] and the prefix has no colon.
    const kind = tag.split(":")[1] ?? "other";
    const k = kinds.get(kind) ?? { added: 0, removed: 0 };
    k.added += c.added;
    k.removed += c.removed;
    kinds.set(kind, k);
  }
  return [...kinds.entries()]
    .sort((a, b) => b[1].added + b[1].removed - (a[1].added + a[1].removed))
    .map(
      ([kind, c]) =>
        `${KIND_NAMES[kind] ?? `${kind} tags`}: ${count(c.added, "added", "added")}, ${count(c.removed, "removed", "removed")}`,
    );
}

export async function getPreview(db: Db, shop: string): Promise<PreviewView | null> {
  const [run, overview] = await Promise.all([
    db.syncRun.findFirst({
      where: { shop, kind: "preview", status: { in: ["succeeded", "failed"] } },
      orderBy: { startedAt: "desc" },
    }),
    getSyncOverview(db, shop),
  ]);
  const running = overview.active?.kind === "preview" ? overview.active : null;
  if (!run) {
    if (!running) return null;
    return {
      id: running.id,
      status: running.status,
      startedAt: running.startedAt,
      lines: [],
      prefix: null,
      tagKinds: null,
      running,
    };
  }
  const details = readPublishDetails(run.detailsJson, `preview run ${run.id}`);
  const lines: string[] = [];
  const changed = details.customersChanged ?? null;
  const added = details.tagsAdded ?? null;
  const removed = details.tagsRemoved ?? null;
  if (details.note) lines.push(details.note);
  if (changed !== null)
    lines.push(
      `${new Intl.NumberFormat("en-US").format(changed)} of ${details.customers === undefined ? "?" : count(details.customers, "customer")} would get different tags`,
    );
  if (added !== null || removed !== null)
    lines.push(
      `${count(added ?? 0, "tag")} would be added and ${new Intl.NumberFormat("en-US").format(removed ?? 0)} removed`,
    );
  lines.push(...changesByKind(details.perTag ?? {}));
  lines.push(...topTagLines(details.perTag ?? {}));
  const atLimit = details.atLimit?.count;
  if (atLimit) lines.push(`${count(atLimit, "customer")} already at Shopify's limit of 250 tags: skipped`);
  if (run.error) lines.push(`Error: ${run.error}`);
  if (lines.length === 0) lines.push(run.status === "succeeded" ? "No changes." : "Still computing.");
  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    lines,
    prefix: details.prefix ?? null,
    tagKinds: details.tagKinds ?? null,
    running,
  };
}

/** Per tag, the biggest changes first: what the kinds above are made of (at most `limit`). */
export function topTagLines(perTag: Record<string, { added: number; removed: number }>, limit = 12): string[] {
  return Object.entries(perTag)
    .sort((a, b) => b[1].added + b[1].removed - (a[1].added + a[1].removed))
    .slice(0, limit)
    .map(
      ([tag, c]) =>
        `${tag}: +${new Intl.NumberFormat("en-US").format(c.added)} / −${new Intl.NumberFormat("en-US").format(c.removed)}`,
    );
}
