/**
 * The fast paths the sync's ingest uses: chunk-wise line splitting, the batch reader and the GC-free
 * set of emitted order ids give the same results as the plain per-line reader.
 */
import { describe, expect, it } from "vitest";
import {
  ChunkLines,
  GidIndex,
  newStats,
  parseBulkOrdersText,
  readBulkOrderBatches,
  readBulkOrders,
  splitLines,
} from "../../app/shopify/bulk-orders";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { bulkLinesOf } from "../integration/sync/helpers";

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const data = generateDemoShop({ orders: 300, seed: 4 });
const lines = data.orders.map(bulkLinesOf);
lines.splice(40, 0, "not json", '{"__parentId": ');
const text = lines.join("\r\n") + "\n";

describe("ingest fast paths", () => {
  it("ChunkLines splits across any chunk boundary, multi-byte characters and \\r\\n included", () => {
    const sample = 'a\r\nbé€\n\n{"x":"日本"}\nlast';
    for (const size of [1, 2, 3, 5, 64]) {
      const out: string[] = [];
      const splitter = new ChunkLines();
      const bytes = Buffer.from(sample, "utf8");
      for (let i = 0; i < bytes.length; i += size) splitter.feed(bytes.subarray(i, i + size), (l) => out.push(l));
      splitter.end((l) => out.push(l));
      expect(out).toEqual(["a", "bé€", "", '{"x":"日本"}', "last"]);
    }
  });

  it("readBulkOrderBatches and readBulkOrders(splitLines) give the same orders and counts as the whole-text parser", async () => {
    const expected = parseBulkOrdersText(text);
    const batchStats = newStats();
    const batched = [];
    for await (const batch of readBulkOrderBatches(chunksOf(text, 777), batchStats)) batched.push(...batch);
    const lineStats = newStats();
    const perLine = [];
    for await (const order of readBulkOrders(splitLines(chunksOf(text, 1000)), lineStats)) perLine.push(order);
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect([...batched].sort(byId)).toEqual([...expected.orders].sort(byId));
    expect([...perLine].sort(byId)).toEqual([...expected.orders].sort(byId));
    expect(batchStats.skipped).toBe(2);
    expect(lineStats.skipped).toBe(2);
    expect(batched.length).toBe(300);
  });

  it("GidIndex maps numeric and other ids exactly, across growth", () => {
    const index = new GidIndex();
    const ids = Array.from({ length: 20_000 }, (_, i) => `gid://shopify/Order/${5_800_000_000_000 + i * 1024}`);
    ids.slice(0, 10_000).forEach((id, i) => index.set(id, i));
    index.set("gid://shopify/Order/abc", 7);
    index.set("gid://shopify/DraftOrder/5800000000000", 8);
    index.set(ids[3], 99); // replaces, does not add
    expect(ids.slice(0, 10_000).every((id, i) => index.get(id) === (i === 3 ? 99 : i))).toBe(true);
    expect(ids.slice(10_000).some((id) => index.has(id))).toBe(false);
    expect(index.get(ids[15_000])).toBe(-1);
    expect(index.get("gid://shopify/Order/abc")).toBe(7);
    expect(index.get("gid://shopify/DraftOrder/5800000000000")).toBe(8);
    expect(index.has("gid://shopify/DraftOrder/5800000001024")).toBe(false);
    expect(index.size).toBe(10_002);
  });
});
