/**
 * The app's customer tag scheme and the tag diff. Pure: strings in, plain values out (no Shopify, no DB).
 *
 * Scheme: `<prefix>:<kind>:<value>`, e.g. `churnless:risk:high`, `churnless:segment:champions`,
 * `churnless:cluster:lapsed-big-spenders`. Prefix and value are slugged (lowercase a-z, 0-9 and dashes);
 * the whole tag is at most 255 characters. See docs/tagging.md.
 *
 * Ownership (what the app may remove): a tag is the app's only when, trimmed and lowercased, it is
 * `<prefix>:<kind>` or starts with `<prefix>:<kind>:` for a kind in APP_TAG_KINDS (the kinds the app
 * writes). Nothing else with the prefix is the app's: `churnless:wholesale`, or `vip:gold` with the prefix
 * `vip`, are merchant tags. Shopify compares tags without regard to case, so `Churnless:Risk:High` is the
 * same tag as `churnless:risk:high` and belongs to the app too; `churnless`, `Churnless-fan`,
 * `churnlessly:risk:x` or `other:risk:high` are merchant tags and are never removed or altered.
 */

export const MAX_TAGS_PER_CUSTOMER = 250;
export const MAX_TAG_LENGTH = 255;

/**
 * The tag kinds the app writes, and so the only ones it owns (see isAppTag). A kind added here becomes the
 * app's everywhere at once: the tag writer, the undo ("remove all") and the prefix collision check.
 */
// "holdout": `<prefix>:holdout` on customers held out of a control group; "due": `<prefix>:due:reorder` on
// customers due to reorder a consumable (docs/tagging.md).
export const APP_TAG_KINDS = ["risk", "segment", "cluster", "holdout", "due"] as const;
export type TagKind = (typeof APP_TAG_KINDS)[number];

/** FNV-1a 32-bit hash as 8 hex digits: a short stable suffix for slugs that would be empty or too long. */
function shortHash(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Lowercase a-z0-9 and single dashes; accents are folded (`Über` -> `uber`), other characters become dashes. */
export function slugify(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The prefix as it appears in tags. Throws on a prefix with no letter or digit. */
export function normalizePrefix(prefix: string): string {
  const slug = slugify(prefix);
  if (!slug) throw new Error(`Tag prefix "${prefix}" must contain at least one letter or digit (a-z, 0-9)`);
  if (slug.length > 64) throw new Error(`Tag prefix "${prefix}" is too long: at most 64 characters after slugging`);
  return slug;
}

/**
 * One app tag: `<prefix>:<kind>:<value>`, slugged and at most 255 characters; `<prefix>:<kind>` when no
 * value is given. A value whose slug is empty (e.g. only non-Latin characters) becomes `u-<hash>`; a value
 * too long is cut and given a hash suffix, so two different long values still give two different tags.
 */
export function appTag(prefix: string, kind: TagKind, value?: string): string {
  if (value === undefined) return `${normalizePrefix(prefix)}:${kind}`;
  const head = `${normalizePrefix(prefix)}:${kind}:`;
  let slug = slugify(value);
  if (!slug) slug = `u-${shortHash(value)}`;
  if (head.length + slug.length > MAX_TAG_LENGTH) {
    const keep = MAX_TAG_LENGTH - head.length - 9;
    slug = `${slug.slice(0, keep).replace(/-+$/, "")}-${shortHash(value)}`;
  }
  return head + slug;
}

/** Shopify's notion of tag identity: trimmed, case-insensitive. */
export function tagKey(tag: string): string {
  return tag.trim().toLowerCase();
}

/**
 * Kind and value of an app tag (value "" for a bare `<prefix>:<kind>`); null for every other tag, including
 * tags with the prefix and a kind the app does not write (`churnless:wholesale`).
 */
export function parseAppTag(tag: string, prefix: string): { kind: TagKind; value: string } | null {
  const head = `${normalizePrefix(prefix)}:`;
  const key = tagKey(tag);
  if (!key.startsWith(head)) return null;
  const rest = key.slice(head.length);
  const i = rest.indexOf(":");
  const kind = i < 0 ? rest : rest.slice(0, i);
  if (!(APP_TAG_KINDS as readonly string[]).includes(kind)) return null;
  return { kind: kind as TagKind, value: i < 0 ? "" : rest.slice(i + 1) };
}

/**
 * Whether the app owns `tag`: it is `<prefix>:<kind>` or starts with `<prefix>:<kind>:` (in any case) for
 * a kind in APP_TAG_KINDS. Any other tag, even one starting with `<prefix>:`, is the merchant's.
 */
export function isAppTag(tag: string, prefix: string): boolean {
  return parseAppTag(tag, prefix) !== null;
}

/**
 * Tags already used in the shop that would share the namespace `<prefix>:` (a merchant's `vip:gold` for the
 * prefix `vip`), sorted and deduplicated as Shopify compares tags. The app's own tags of `ownPrefixes`
 * (the current or a former prefix, when the merchant goes back to it) are not collisions.
 */
export function prefixCollisions(
  shopTags: Iterable<string>,
  prefix: string,
  ownPrefixes: readonly string[] = [],
): string[] {
  const head = `${normalizePrefix(prefix)}:`;
  const found = new Map<string, string>();
  for (const tag of shopTags) {
    const key = tagKey(tag);
    if (!key.startsWith(head) || found.has(key)) continue;
    if (ownPrefixes.some((p) => isAppTag(tag, p))) continue;
    found.set(key, tag.trim());
  }
  return [...found.values()].sort((a, b) => a.localeCompare(b));
}

export interface TagScore {
  rfmSegment: string;
  riskBand: string;
  clusterKey: string;
}

export interface TagSettings {
  tagPrefix: string;
  tagSegments: boolean;
  tagRisk: boolean;
  tagClusters: boolean;
}

/**
 * The app tags a customer should carry, most important first (risk, segment, cluster): when a customer
 * has no room left for all of them, the first ones win.
 */
export function desiredTags(score: TagScore, settings: TagSettings): string[] {
  const tags: string[] = [];
  if (settings.tagRisk && score.riskBand.trim()) tags.push(appTag(settings.tagPrefix, "risk", score.riskBand));
  if (settings.tagSegments && score.rfmSegment.trim())
    tags.push(appTag(settings.tagPrefix, "segment", score.rfmSegment));
  if (settings.tagClusters && score.clusterKey.trim())
    tags.push(appTag(settings.tagPrefix, "cluster", score.clusterKey));
  return tags;
}

export interface TagDiff {
  /** App tags to add, in priority order. */
  add: string[];
  /** App tags to remove, spelled exactly as they stand on the customer. */
  remove: string[];
  /** True when the customer has no room for every desired tag (250 per customer); `dropped` were left out. */
  overLimit?: boolean;
  dropped?: string[];
}

/**
 * What to change so the customer's app tags equal `desired`. Only app tags (isAppTag) are ever removed;
 * every other tag is left exactly as it is. Tags are compared as Shopify does (trimmed, case-insensitive),
 * so a desired tag present in another case is not added again. App tags of `formerPrefixes` (prefixes the
 * shop used before) are removed too, so a prefix change moves the tags. Desired tags must be app tags of
 * at most 255 characters (anything else is a programming error and throws). When the customer would
 * exceed 250 tags, only the desired tags that fit are added and the result says overLimit.
 */
export function diffTags(
  current: readonly string[],
  desired: readonly string[],
  prefix: string,
  options: { formerPrefixes?: readonly string[] } = {},
): TagDiff {
  // App tags of a former prefix (the merchant changed it) are the app's too and move to the new prefix.
  const owned = (tag: string) => isAppTag(tag, prefix) || (options.formerPrefixes ?? []).some((p) => isAppTag(tag, p));
  const wanted = new Map<string, string>();
  for (const tag of desired) {
    if (!isAppTag(tag, prefix))
      throw new Error(`diffTags: desired tag "${tag}" is not an app tag of the prefix "${normalizePrefix(prefix)}:"`);
    if (tag.length > MAX_TAG_LENGTH)
      throw new Error(`diffTags: desired tag is longer than ${MAX_TAG_LENGTH} characters: "${tag.slice(0, 40)}…"`);
    if (!wanted.has(tagKey(tag))) wanted.set(tagKey(tag), tag.trim());
  }
  const present = new Set<string>();
  const remove: string[] = [];
  const removing = new Set<string>();
  for (const tag of current) {
    const key = tagKey(tag);
    if (!key) continue;
    present.add(key);
    if (owned(tag) && !wanted.has(key) && !removing.has(tag)) {
      removing.add(tag);
      remove.push(tag);
    }
  }
  let add = [...wanted.entries()].filter(([key]) => !present.has(key)).map(([, tag]) => tag);
  const removedKeys = new Set(remove.map(tagKey));
  const remaining = [...present].filter((key) => !removedKeys.has(key)).length;
  const room = Math.max(0, MAX_TAGS_PER_CUSTOMER - remaining);
  if (add.length > room) {
    const dropped = add.slice(room);
    add = add.slice(0, room);
    return { add, remove, overLimit: true, dropped };
  }
  return { add, remove };
}

/** Tags of a customer after applying a diff the way Shopify does (case-insensitive identity). */
export function applyTagDiff(current: readonly string[], diff: Pick<TagDiff, "add" | "remove">): string[] {
  const removed = new Set(diff.remove.map(tagKey));
  const next = current.filter((t) => !removed.has(tagKey(t)));
  const keys = new Set(next.map(tagKey));
  for (const tag of diff.add) {
    if (!keys.has(tagKey(tag))) {
      keys.add(tagKey(tag));
      next.push(tag);
    }
  }
  return next;
}

export interface TagCounts {
  added: number;
  removed: number;
}

/** Counts per tag (lowercased) of customers gaining and losing it. */
export function countTagChanges(diffs: Iterable<Pick<TagDiff, "add" | "remove">>): Record<string, TagCounts> {
  const counts: Record<string, TagCounts> = {};
  const bump = (tag: string, field: keyof TagCounts) => {
    const key = tagKey(tag);
    counts[key] ??= { added: 0, removed: 0 };
    counts[key][field]++;
  };
  for (const d of diffs) {
    d.add.forEach((t) => bump(t, "added"));
    d.remove.forEach((t) => bump(t, "removed"));
  }
  return counts;
}
