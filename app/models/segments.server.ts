/**
 * The Segment table: the names of a shop's segments (the merchant's rename first), a cluster's rename,
 * and the small helpers every page uses to name a segment and link to Shopify admin.
 */
import type { Db } from "../db.server";

/** A segment key's name per kind, the merchant's rename first. */
export interface SegmentNames {
  rfm: Map<string, string>;
  cluster: Map<string, string>;
}

/** The names of the shop's RFM segments and clusters, the merchant's rename first. */
export async function segmentNameMaps(db: Db, shop: string): Promise<SegmentNames> {
  const rows = await db.segment.findMany({
    where: { shop, kind: { in: ["rfm", "cluster"] } },
    select: { kind: true, key: true, name: true, customName: true },
  });
  const rfm = new Map<string, string>();
  const cluster = new Map<string, string>();
  for (const r of rows) (r.kind === "rfm" ? rfm : cluster).set(r.key, r.customName?.trim() || r.name);
  return { rfm, cluster };
}

/** Shopify admin URL of a store's page, e.g. adminUrl("x.myshopify.com", "customers/123"). */
export function adminUrl(shop: string, path: string): string {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/${path}`;
}

export function gidId(gid: string): string {
  return gid.split("/").pop() ?? gid;
}

/** "at_risk" -> "At risk": a readable name for a key that has none stored. */
export function humanize(key: string): string {
  const s = key.replace(/[-_]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class SegmentNotFoundError extends Error {}

/** The merchant's name for a cluster (empty restores the generated one). */
export async function renameCluster(db: Db, shop: string, key: string, customName: string): Promise<void> {
  const name = customName.trim();
  if (name.length > 60) throw new Error("A segment name can have at most 60 characters.");
  const updated = await db.segment.updateMany({
    where: { shop, kind: "cluster", key },
    data: { customName: name || null },
  });
  if (updated.count === 0) throw new SegmentNotFoundError(`No cluster "${key}" in this shop.`);
}
