/** mulberry32: a small seeded PRNG for reproducible property tests (same seed, same cases). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
