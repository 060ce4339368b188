/**
 * A shop's settings and sync state (the Shop row), created with defaults on first use.
 * Every query is scoped by shop.
 */
import type { Db } from "../db.server";
import { normalizePrefix, prefixCollisions } from "../shopify/tags";

export type ShopSettings = Awaited<ReturnType<Db["shop"]["upsert"]>>;

export async function getShopSettings(db: Db, shop: string): Promise<ShopSettings> {
  return db.shop.upsert({ where: { shop }, create: { shop }, update: {} });
}

/** The shop's currency (ISO code) for formatting money; USD until the first sync has read it. */
export async function getShopCurrency(db: Db, shop: string): Promise<string> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  return row?.currencyCode ?? "USD";
}

export type ShopSettingsUpdate = Partial<
  Pick<
    ShopSettings,
    | "churnHorizonDays"
    | "clusterK"
    | "tagPrefix"
    | "previousTagPrefix"
    | "tagPrefixChangedAt"
    | "autoTag"
    | "tagSegments"
    | "tagRisk"
    | "tagClusters"
    | "previewSeenAt"
    | "refreshEveryHours"
    | "recsEnabled"
    | "recsCount"
    | "historyLimited"
    | "currencyCode"
    | "lastFullSyncAt"
    | "lastDeltaSyncAt"
    | "lastAnalysisAt"
    | "lastPublishAt"
    | "uninstalledAt"
  >
>;

export async function updateShopSettings(db: Db, shop: string, update: ShopSettingsUpdate): Promise<ShopSettings> {
  return db.shop.upsert({ where: { shop }, create: { shop, ...update }, update });
}

export type PrefixChangeResult =
  | { ok: true; changed: boolean; prefix: string; previousPrefix: string | null }
  | { ok: false; message: string; collisions: string[] };

/**
 * Changes the tag prefix, refusing one that collides with tags already used in the shop (`readShopTags`
 * reads them from Shopify; null when the Admin API is out of reach, and then nothing changes). The app's
 * tags stay under the old prefix in Shopify until the next publish moves them, which needs a preview
 * computed after the change: previewSeenAt is cleared and tagPrefixChangedAt set (see runPublish).
 */
export async function changeTagPrefix(
  db: Db,
  shop: string,
  prefix: string,
  readShopTags: (() => Promise<{ tags: string[]; complete: boolean }>) | null,
): Promise<PrefixChangeResult> {
  const before = await getShopSettings(db, shop);
  const next = normalizePrefix(prefix);
  const current = normalizePrefix(before.tagPrefix);
  const pending = before.previousTagPrefix ? normalizePrefix(before.previousTagPrefix) : null;
  if (next === current) return { ok: true, changed: false, prefix: current, previousPrefix: pending };
  if (!readShopTags) {
    return {
      ok: false,
      collisions: [],
      message: "The shop's customer tags could not be read to check the new prefix, so it was not changed. Try again.",
    };
  }
  const { tags, complete } = await readShopTags();
  // The app's own tags (current prefix, or the one whose tags are still in Shopify) are not collisions.
  const collisions = prefixCollisions(tags, next, [current, ...(pending ? [pending] : [])]);
  if (!collisions.length && !complete) {
    // A tag not read could be one of the merchant's under the new prefix, which a publish would then take
    // for the app's and remove: without every tag, nothing changes.
    return {
      ok: false,
      collisions: [],
      message:
        "The shop has more customer tags than could be read in time to check the new prefix, so it was not changed. Try again later, or keep the current prefix.",
    };
  }
  if (collisions.length) {
    const listed = collisions
      .slice(0, 10)
      .map((t) => `"${t}"`)
      .join(", ");
    const more = collisions.length > 10 ? ` and ${collisions.length - 10} more` : "";
    return {
      ok: false,
      collisions,
      message: `Your customers already have tags starting with "${next}:" (${listed}${more}). Pick another prefix, so the app's tags never mix with yours.`,
    };
  }
  // The tags in Shopify carry `pending` when a move is still to be published, else the current prefix.
  const from = pending ?? current;
  const previousPrefix = from === next ? null : from;
  await updateShopSettings(db, shop, {
    tagPrefix: next,
    previousTagPrefix: previousPrefix,
    tagPrefixChangedAt: previousPrefix ? new Date() : null,
    previewSeenAt: null,
  });
  return { ok: true, changed: true, prefix: next, previousPrefix };
}
