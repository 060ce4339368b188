/** The publish preview (a SyncRun of kind "preview"; what it would change is in its detailsJson). */
import type { Db } from "../../db.server";
import { readPublishDetails } from "../../models/json-columns.server";

export interface PreviewView {
  id: string;
  status: string;
  startedAt: string;
  lines: string[];
}

export async function getPreview(db: Db, shop: string): Promise<PreviewView | null> {
  const run = await db.syncRun.findFirst({ where: { shop, kind: "preview" }, orderBy: { startedAt: "desc" } });
  if (!run) return null;
  const details = readPublishDetails(run.detailsJson, `preview run ${run.id}`);
  const lines: string[] = [];
  const changed = details.customersChanged ?? null;
  const added = details.tagsAdded ?? null;
  const removed = details.tagsRemoved ?? null;
  if (details.note) lines.push(details.note);
  if (changed !== null) lines.push(`${changed} of ${details.customers ?? "?"} customers would get different tags`);
  if (added !== null || removed !== null) lines.push(`${added ?? 0} tags would be added and ${removed ?? 0} removed`);
  const tagLines = Object.entries(details.perTag ?? {})
    .map(([tag, c]) => ({ tag, add: c.added, remove: c.removed }))
    .sort((a, b) => b.add + b.remove - (a.add + a.remove))
    .slice(0, 12)
    .map((t) => `${t.tag}: +${t.add} / −${t.remove}`);
  lines.push(...tagLines);
  const atLimit = details.atLimit?.count;
  if (atLimit) lines.push(`${atLimit} customers already have 250 tags: Shopify's limit, they are skipped`);
  if (run.error) lines.push(`Error: ${run.error}`);
  if (lines.length === 0) lines.push(run.status === "succeeded" ? "No changes." : "Still computing.");
  return { id: run.id, status: run.status, startedAt: run.startedAt.toISOString(), lines };
}
