/**
 * The Settings page's rules, apart from the form: auto-tagging needs a preview of the tag changes the
 * merchant has seen, and after a tag-prefix change only a preview computed since then counts (it shows
 * the tags moving; app/jobs/publish/mode.ts moves them only then). The page records that the preview was
 * seen with a POST when it shows one (recordPreviewSeen); nothing is written when the page is only read.
 */
import type { Db } from "../../db.server";
import { latestHorizon } from "../../models/customers.server";
import { getPreview, type PreviewView } from "./preview.server";
import { getSyncOverview } from "../app.sync/sync-view.server";
import {
  changeTagPrefix,
  getShopSettings,
  updateShopSettings,
  type ShopSettings,
  type ShopSettingsUpdate,
} from "../../models/shop-settings.server";

type SeenInputs = Pick<ShopSettings, "previewSeenAt" | "tagPrefixChangedAt">;
type StaleInputs = Pick<
  ShopSettings,
  "tagPrefixChangedAt" | "lastPublishAt" | "lastAnalysisAt" | "tagPrefix" | "tagSegments" | "tagRisk" | "tagClusters"
>;

/**
 * Why a finished preview no longer shows what a publish would change (null while it still does): a
 * publish or an analysis ran after it, or the tag prefix or the kinds of tags changed since.
 */
export function previewOutOfDate(settings: StaleInputs, preview: PreviewView | null): string | null {
  if (!preview || preview.status !== "succeeded") return null;
  const at = Date.parse(preview.startedAt);
  if (settings.lastPublishAt && settings.lastPublishAt.getTime() > at)
    return "Tags were published after this preview was computed, so it no longer shows what a publish would change.";
  if (settings.lastAnalysisAt && settings.lastAnalysisAt.getTime() > at)
    return "Your customers were analysed again after this preview was computed.";
  if (
    (settings.tagPrefixChangedAt && settings.tagPrefixChangedAt.getTime() > at) ||
    (preview.prefix !== null && preview.prefix.toLowerCase() !== settings.tagPrefix.toLowerCase())
  )
    return `The tag prefix changed to "${settings.tagPrefix}" after this preview was computed.`;
  const k = preview.tagKinds;
  if (k && (k.segments !== settings.tagSegments || k.risk !== settings.tagRisk || k.clusters !== settings.tagClusters))
    return "The kinds of tags to write changed after this preview was computed.";
  return null;
}

/** A preview the merchant can rely on: it succeeded and was computed since the last prefix change. */
export function previewCounts(settings: SeenInputs, preview: PreviewView | null): boolean {
  if (!preview || preview.status !== "succeeded") return false;
  return !settings.tagPrefixChangedAt || Date.parse(preview.startedAt) >= settings.tagPrefixChangedAt.getTime();
}

/** Seen: recorded before, or the page shows (has shown) a preview that counts. */
export function previewSeen(settings: SeenInputs, preview: PreviewView | null): boolean {
  return !!settings.previewSeenAt || previewCounts(settings, preview);
}

/** What the Settings page shows: the settings, the latest preview, and whether the page should record it as seen. */
export async function settingsPage(db: Db, shop: string) {
  const [s, preview, horizonNow, overview] = await Promise.all([
    getShopSettings(db, shop),
    getPreview(db, shop),
    latestHorizon(db, shop),
    getSyncOverview(db, shop),
  ]);
  return {
    settings: {
      churnHorizonDays: s.churnHorizonDays,
      clusterK: s.clusterK,
      tagPrefix: s.tagPrefix,
      autoTag: s.autoTag,
      tagSegments: s.tagSegments,
      tagRisk: s.tagRisk,
      tagClusters: s.tagClusters,
      refreshEveryHours: s.refreshEveryHours,
      recsEnabled: s.recsEnabled,
      recsCount: s.recsCount,
      lastPublishAt: s.lastPublishAt?.toISOString() ?? null,
      previewSeen: previewSeen(s, preview),
      /** The horizon the latest analysis used (the automatic value when the field is empty). */
      horizonNow,
    },
    preview,
    /** Why the preview is out of date (Publish is disabled until it is computed again), or null. */
    previewStale: previewOutOfDate(s, preview),
    /** The shop's job running now (a sync, analysis, publish or preview), with its progress. */
    activeRun: overview.active,
    /** The id of the shown preview when it counts and is not recorded as seen yet: the page POSTs it. */
    previewToRecord: !s.previewSeenAt && previewCounts(s, preview) ? (preview?.id ?? null) : null,
  };
}

/**
 * The merchant was shown preview `previewId`: recorded as seen when it is still the latest and counts.
 * True when previewSeenAt is set now.
 */
export async function recordPreviewSeen(
  db: Db,
  shop: string,
  previewId: string,
  now: Date = new Date(),
): Promise<boolean> {
  const [s, preview] = await Promise.all([getShopSettings(db, shop), getPreview(db, shop)]);
  if (s.previewSeenAt || !previewCounts(s, preview) || preview?.id !== previewId) return false;
  await updateShopSettings(db, shop, { previewSeenAt: now });
  return true;
}

export type SettingsInput = Required<
  Pick<
    ShopSettingsUpdate,
    | "churnHorizonDays"
    | "clusterK"
    | "autoTag"
    | "tagSegments"
    | "tagRisk"
    | "tagClusters"
    | "refreshEveryHours"
    | "recsEnabled"
    | "recsCount"
  >
> & { tagPrefix: string };

export type SaveSettingsResult =
  { ok: true; turnedOnAutoTag: boolean; refreshChanged: boolean } | { ok: false; errors: Record<string, string> };

/**
 * Saves the form: auto-tagging is turned on only once a preview was seen, and a new tag prefix only when it
 * does not collide with the shop's own tags (`readShopTags`; null when the Admin API is out of reach).
 * The caller publishes when auto-tagging was turned on and reschedules when the refresh interval changed.
 */
export async function saveSettings(
  db: Db,
  shop: string,
  input: SettingsInput,
  readShopTags: (() => Promise<{ tags: string[]; complete: boolean }>) | null,
): Promise<SaveSettingsResult> {
  const [before, preview] = await Promise.all([getShopSettings(db, shop), getPreview(db, shop)]);
  const turnedOnAutoTag = input.autoTag && !before.autoTag;
  if (turnedOnAutoTag && !previewSeen(before, preview)) {
    return { ok: false, errors: { autoTag: "Run the preview below and check it, then turn automatic tagging on." } };
  }
  // A new prefix must not collide with the shop's own tags, and its tags move only after a new preview.
  const prefixChange = await changeTagPrefix(db, shop, input.tagPrefix, readShopTags);
  if (!prefixChange.ok) return { ok: false, errors: { tagPrefix: prefixChange.message } };
  await updateShopSettings(db, shop, { ...input, tagPrefix: prefixChange.prefix });
  return { ok: true, turnedOnAutoTag, refreshChanged: before.refreshEveryHours !== input.refreshEveryHours };
}
