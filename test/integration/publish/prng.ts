/** Seeded randomness for reproducible property tests (same seed, same cases): the stand-in's mulberry32. */
export { createRandom as mulberry32 } from "../../../packages/shopify-standin/src/faults";

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

export function int(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** Merchant tags that look like ours but are not, plus ordinary and unicode tags. */
export const LOOKALIKE_MERCHANT_TAGS = [
  "churnless",
  "Churnless",
  "CHURNLESS",
  "Churnless-fan",
  "churnless-vip",
  "churnlessly:risk:high",
  "churnless_risk_high",
  "churnless risk high",
  "churnless;risk:high",
  "churn:risk:high",
  "other:risk:high",
  "retention:segment:champions",
  "vip-churnless:risk:high",
  "chürnless:risk:high",
  "сhurnless:risk:high", // Cyrillic "с"
  "ＣＨＵＲＮＬＥＳＳ:risk:high", // full-width letters
  "churnless-app:risk:high",
  "VIP",
  "vip",
  "wholesale",
  "Newsletter",
  "客户",
  "Ñandú",
  "🎉 party",
  "a".repeat(255),
];

/**
 * Merchant tags that carry the app's prefix `churnless:` (or a prefix such as `vip`) and look like app tags,
 * but whose kind the app does not write: they are the merchant's and must never be removed.
 */
export const PREFIXED_MERCHANT_TAGS = (prefix: string) => [
  `${prefix}:wholesale`,
  `${prefix.toUpperCase()}:Gold`,
  `${prefix}:vip`,
  `${prefix}:gold`,
  `${prefix}:riskier`,
  `${prefix}:risk-high`,
  `${prefix}:risks:high`,
  `${prefix}:segments:champions`,
  `${prefix}:clusters:a`,
  `${prefix}:segmentation:x`,
  `${prefix}:`,
  `${prefix}::risk:high`,
  `${prefix}: risk:high`,
  `${prefix}:rïsk:high`,
  `${prefix}:2024`,
  `${prefix}:b2b:risk:high`,
  // Near the later kinds (holdout, due) without being them.
  `${prefix}:holdouts`,
  `${prefix}:held-out`,
  `${prefix}:due-date`,
  `${prefix}:overdue:reorder`,
];

const WORDS = [
  "gold",
  "silver",
  "b2b",
  "wholesale",
  "vip",
  "returns",
  "Klaviyo",
  "Imported",
  "ÉTÉ",
  "loyal",
  "x",
  "2024",
];

/** A random merchant tag; with `prefix`, a quarter of them carry `<prefix>:` with a kind the app does not write. */
export function randomMerchantTag(rand: () => number, prefix?: string): string {
  if (prefix && rand() < 0.25) {
    const p = rand() < 0.5 ? prefix : prefix.toUpperCase();
    return rand() < 0.5
      ? pick(rand, PREFIXED_MERCHANT_TAGS(p))
      : `${p}:${pick(rand, WORDS)}${rand() < 0.3 ? ":" + pick(rand, WORDS) : ""}`;
  }
  const r = rand();
  if (r < 0.35) return pick(rand, LOOKALIKE_MERCHANT_TAGS);
  if (r < 0.7) return `${pick(rand, WORDS)}${rand() < 0.5 ? "-" + pick(rand, WORDS) : ""}`;
  // Random characters from several scripts (no commas: Shopify splits tags on commas).
  const alphabet = "abcXYZ019 -_:;.!é日本🎉Ωç";
  const chars = Array.from(alphabet);
  let s = "";
  const n = int(rand, 1, 20);
  for (let i = 0; i < n; i++) s += pick(rand, chars);
  return s.trim() || "t";
}
