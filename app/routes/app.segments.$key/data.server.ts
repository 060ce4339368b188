/**
 * A segment's page: one cluster, RFM segment or risk band by its filter value.
 */
import type { Db } from "../../db.server";
import { listSegments, type SegmentView } from "../app/segment-list.server";

/** One cluster or RFM segment by its filter value ("cluster:<key>" / "rfm:<key>"); null when unknown. */
export async function getSegment(db: Db, shop: string, filter: string): Promise<SegmentView | null> {
  const m = /^(cluster|rfm|risk):([\w.-]+)$/.exec(filter);
  if (!m) return null;
  const [, kind, key] = m;
  const list = await listSegments(db, shop, kind as "cluster" | "rfm" | "risk");
  return list.find((s) => s.key === key) ?? null;
}
