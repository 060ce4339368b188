/** The publish preview (a SyncRun of kind "preview"; what it would change is in its detailsJson). */
import type { Db } from "../db.server";
import { isRecord, num, parseJson } from "./read-json.server";
import { humanize } from "./segments.server";

export interface PreviewView {
  id: string;
  status: string;
  startedAt: string;
  lines: string[];
}

export async function getPreview(db: Db, shop: string): Promise<PreviewView | null> {
  const run = await db.syncRun.findFirst({ where: { shop, kind: "preview" }, orderBy: { startedAt: "desc" } });
  if (!run) return null;
  const details = parseJson(run.detailsJson, {});
  const lines: string[] = [];
  const customers = num(details, "customers");
  const changed = num(details, "customersChanged");
  const added = num(details, "tagsAdded");
  const removed = num(details, "tagsRemoved");
  if (isRecord(details) && typeof details.note === "string") lines.push(details.note);
  if (changed !== null) lines.push(`${changed} of ${customers ?? "?"} customers would get different tags`);
  if (added !== null || removed !== null) lines.push(`${added ?? 0} tags would be added and ${removed ?? 0} removed`);
  const perTag = isRecord(details) && isRecord(details.perTag) ? details.perTag : {};
  const tagLines = Object.entries(perTag)
    .map(([tag, c]) => ({ tag, add: num(c, "add", "added") ?? 0, remove: num(c, "remove", "removed") ?? 0 }))
    .sort((a, b) => b.add + b.remove - (a.add + a.remove))
    .slice(0, 12)
    .map((t) => `${t.tag}: +${t.add} / −${t.remove}`);
  lines.push(...tagLines);
  const atLimit = num(details, "atLimit.count");
  if (atLimit) lines.push(`${atLimit} customers already have 250 tags: Shopify's limit, they are skipped`);
  if (changed === null && added === null) {
    // An unknown shape: show its simple values.
    if (isRecord(details))
      for (const [k, v] of Object.entries(details).slice(0, 12))
        if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") lines.push(`${humanize(k)}: ${String(v)}`);
  }
  if (run.error) lines.push(`Error: ${run.error}`);
  if (lines.length === 0) lines.push(run.status === "succeeded" ? "No changes." : "Still computing.");
  return { id: run.id, status: run.status, startedAt: run.startedAt.toISOString(), lines };
}
