/** Seeded randomness for reproducible property tests (same seed, same cases): the stand-in's mulberry32. */
export { createRandom as mulberry32 } from "../standin/faults";

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

const WORDS = ["gold", "silver", "b2b", "wholesale", "vip", "returns", "Klaviyo", "Imported", "ÉTÉ", "loyal", "x", "2024"];

export function randomMerchantTag(rand: () => number): string {
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
