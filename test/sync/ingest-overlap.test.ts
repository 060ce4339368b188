/**
 * OrderIngest writes one batch while it parses the next: the writes stay one at a time and in file order,
 * a failed write is thrown (never lost, never an unhandled rejection), and finish() returns only once
 * every write is done. upsertOrders is replaced by writes the test ends by hand.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderInput } from "../../app/analytics/types";
import type { Db } from "../../app/db.server";
import { generateDemoShop } from "../standin/demo-shop";
import { toBulkJsonlLines } from "../standin/bulk-jsonl";

interface PendingWrite {
  ids: string[];
  /** Chunks of the file read when the write began. */
  readBefore: number;
  done: (error?: Error) => void;
}
const writes: PendingWrite[] = [];
const read = { chunks: 0 };
let inFlight = 0;
let mostInFlight = 0;

vi.mock("../../app/models/orders.server", () => ({
  upsertOrders: (_db: unknown, _shop: string, orders: OrderInput[]) =>
    new Promise((resolve, reject) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      writes.push({
        ids: orders.map((o) => o.id),
        readBefore: read.chunks,
        done: (error) => {
          inFlight--;
          if (error) reject(error);
          else resolve({ written: orders.length, olderIgnored: 0, lineItems: 0 });
        },
      });
    }),
  addLateLineItems: async () => ({ added: 0, orphaned: 0 }),
  removeOrdersNotSyncedSince: async () => 0,
}));

const { OrderIngest } = await import("../../app/jobs/sync.server");

const SHOP = "overlap.myshopify.com";
const shop = generateDemoShop({ shop: SHOP, orders: 50, seed: 3 });
const lines = [...toBulkJsonlLines(shop)];

/** The file as chunks, counting in `read` how many have been read. */
function source() {
  read.chunks = 0;
  async function* chunks() {
    for (let i = 0; i < lines.length; i += 5) {
      read.chunks++;
      yield `${lines.slice(i, i + 5).join("\n")}\n`;
    }
  }
  return { chunks: chunks() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

/** Ends each write as it comes, until `done()`. */
async function completeWritesUntil(done: () => boolean) {
  for (let i = 0; i < 1000 && !done(); i++) {
    if (inFlight) writes[writes.length - 1].done();
    await tick();
  }
  expect(done()).toBe(true);
}

describe("OrderIngest overlaps parsing with the previous batch's write", () => {
  beforeEach(() => {
    writes.length = 0;
    inFlight = 0;
    mostInFlight = 0;
  });

  it("parses on while a batch is written, writes one batch at a time in file order, and finish() waits", async () => {
    const ingest = new OrderIngest({} as Db, SHOP, { batchSize: 10 });
    const { chunks } = source();
    let added = false;
    const adding = ingest.addChunks(chunks).then(() => (added = true));
    await until(() => writes.length === 1);
    await tick();
    // The first write is still running: the rest of the file was read meanwhile, the next write waits.
    expect(read.chunks).toBeGreaterThan(writes[0].readBefore);
    expect(writes).toHaveLength(1);
    await completeWritesUntil(() => added);
    await adding;
    let finished = false;
    const finishing = ingest.finish().then(() => (finished = true));
    await completeWritesUntil(() => finished);
    await finishing;
    expect(mostInFlight).toBe(1);
    const written = writes.flatMap((w) => w.ids);
    expect(written).toEqual(shop.orders.map((o) => o.id));
    expect(ingest.ordersCount).toBe(50);
  });

  it("a failed write is thrown by the next batch, and the parse stops", async () => {
    const ingest = new OrderIngest({} as Db, SHOP, { batchSize: 10 });
    const { chunks } = source();
    const adding = ingest.addChunks(chunks);
    const failure = expect(adding).rejects.toThrow("database gone");
    await until(() => writes.length === 1);
    writes[0].done(new Error("database gone"));
    await failure;
    expect(writes).toHaveLength(1);
    expect(ingest.ordersCount).toBe(0);
  });

  it("a failed last write is thrown by finish()", async () => {
    const ingest = new OrderIngest({} as Db, SHOP, { batchSize: 1000 });
    const { chunks } = source();
    await ingest.addChunks(chunks);
    expect(writes).toHaveLength(0);
    const finishing = ingest.finish();
    const failure = expect(finishing).rejects.toThrow("disk full");
    await until(() => writes.length === 1);
    writes[0].done(new Error("disk full"));
    await failure;
  });
});
