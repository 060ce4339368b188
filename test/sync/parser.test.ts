/**
 * The fast paths the sync's ingest uses: chunk-wise line splitting, the batch reader and the GC-free
 * set of emitted order ids give the same results as the plain per-line reader.
 */
import { describe, expect, it } from "vitest";
import { ChunkLines, GidSet, newStats, parseBulkOrdersText, readBulkOrderBatches, readBulkOrders, splitLines } from "../../app/analytics/bulk-orders";
import { generateDemoShop } from "../standin/demo-shop";
import { bulkLinesOf } from "./helpers";

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

  it("GidSet remembers numeric and other ids exactly", () => {
    const set = new GidSet();
    const ids = Array.from({ length: 20_000 }, (_, i) => `gid://shopify/Order/${5_800_000_000_000 + i * 1024}`);
    for (const id of ids.slice(0, 10_000)) set.add(id);
    set.add("gid://shopify/Order/abc");
    set.add("gid://shopify/DraftOrder/5800000000000");
    expect(ids.slice(0, 10_000).every((id) => set.has(id))).toBe(true);
    expect(ids.slice(10_000).some((id) => set.has(id))).toBe(false);
    expect(set.has("gid://shopify/Order/abc")).toBe(true);
    expect(set.has("gid://shopify/DraftOrder/5800000000000")).toBe(true);
    expect(set.has("gid://shopify/DraftOrder/5800000001024")).toBe(false);
    expect(set.size).toBe(10_002);
  });
});
