/**
 * The publish step that keeps the shop's Shopify customer segments in line with the app's segments: reads
 * the rows (app/models/shopify-segments.server.ts), reconciles them through the Admin API
 * (app/shopify/segments.server.ts), which records each id it creates or deletes as it goes.
 */
import type { Db } from "../../db.server";
import {
  ensureRiskSegments,
  recordedShopifySegmentIds,
  segmentRowsForShopify,
  shopifySegmentStore,
} from "../../models/shopify-segments.server";
import { reconcileSegments, type SegmentSyncReport } from "../../shopify/segments.server";
import type { TagSettings } from "../../shopify/tags";
import type { AdminGraphql } from "../../shopify/types";

export type { SegmentSyncReport };

/**
 * Brings the shop's Shopify segments in line with the app's Segment rows. With `removeAll`, deletes every
 * Shopify segment the app made; see reconcileSegments.
 */
export async function syncSegments(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  settings: TagSettings,
  options: { removeAll?: boolean; holdoutSegments?: ReadonlySet<string> } = {},
): Promise<SegmentSyncReport> {
  if (!options.removeAll) await ensureRiskSegments(db, shop);
  const rows = await segmentRowsForShopify(db, shop);
  const recorded = await recordedShopifySegmentIds(db, shop);
  return reconcileSegments(admin, rows, recorded, settings, shopifySegmentStore(db, shop), options);
}
