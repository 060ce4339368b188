/**
 * Fault injection for the stand-in: what share of answers is THROTTLED or a 5xx, how slow answers are,
 * how the next bulk operations end and how many garbage lines go into the next bulk JSONL. Every draw
 * comes from a seeded PRNG (mulberry32), so a fault test replays exactly.
 */
export type BulkOutcome = "COMPLETED" | "FAILED" | "EXPIRED" | "CANCELED" | "PARTIAL";

export interface Faults {
  /** Share (0..1) of GraphQL answers replaced by a THROTTLED error, whatever the bucket holds. */
  throttledShare: number;
  /** Share (0..1) of GraphQL answers replaced by a 502/503 with an HTML body. */
  serverErrorShare: number;
  /** Share (0..1) of GraphQL requests whose connection is dropped without an answer (a network error). */
  connectionResetShare: number;
  /** Delay added before every GraphQL answer, in ms. */
  slowMs: number;
  /** How the next `bulkFailures` bulk operations end (then COMPLETED again). PARTIAL = COMPLETED, url null, partialDataUrl set. */
  bulkOutcome: BulkOutcome;
  bulkFailures: number;
  /** Garbage lines inserted into the next bulk JSONL result file (query or mutation). */
  malformedLines: number;
  /** Shuffle bulk result lines within each chunk of 1000 root objects (children may precede their parent, as Shopify allows). */
  shuffleBulkLines: boolean;
  seed: number;
}

export const DEFAULT_FAULTS: Faults = {
  throttledShare: 0,
  serverErrorShare: 0,
  connectionResetShare: 0,
  slowMs: 0,
  bulkOutcome: "COMPLETED",
  bulkFailures: 0,
  malformedLines: 0,
  shuffleBulkLines: false,
  seed: 1,
};

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Garbage lines of the kinds a truncated or corrupted download produces. */
export function malformedLine(index: number): string {
  const kinds = ['{"id":"gid://shopify/Order/', "not json at all", '{"__parentId": ', "\u0000\u0000garbage"];
  return kinds[index % kinds.length];
}
