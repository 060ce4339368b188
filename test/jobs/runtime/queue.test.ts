/**
 * The job runners: one job per shop at a time, shops in parallel, retries with back-off, duplicates
 * collapsed. In-process always; BullMQ against the real Redis (127.0.0.1:6379, always present in CI).
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { InProcessQueue, BullMqQueue } from "../../../app/jobs/runtime/queue.server";
import { startWorker } from "../../../app/jobs/runtime/worker.server";
import type { JobData } from "../../../app/jobs/runtime/kinds";
import type { Db } from "../../../app/db.server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake job body that records when each job ran, to check overlaps. */
function recorder(ms = 40, failFirst = 0) {
  const spans: Array<{ shop: string; kind: string; start: number; end: number }> = [];
  const attempts = new Map<string, number>();
  const run = async (_ctx: unknown, data: JobData) => {
    const key = `${data.shop}|${data.kind}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    const start = Date.now();
    await sleep(ms);
    if (n <= failFirst) throw new Error(`transient failure ${n}`);
    spans.push({ shop: data.shop, kind: data.kind, start, end: Date.now() });
    return { shop: data.shop, steps: [] };
  };
  return { spans, attempts, run };
}

function overlaps(spans: Array<{ shop: string; start: number; end: number }>, shop: string) {
  const mine = spans.filter((s) => s.shop === shop).sort((a, b) => a.start - b.start);
  return mine.some((s, i) => i > 0 && s.start < mine[i - 1].end);
}

const fakeDb = {} as Db;

describe("in-process queue", () => {
  it("runs one job per shop at a time and shops in parallel", async () => {
    const rec = recorder(30);
    const q = new InProcessQueue({ db: fakeDb }, { run: rec.run });
    for (const kind of ["full-sync", "analyze", "publish"] as const) {
      await q.enqueue({ shop: "a.myshopify.com", kind });
      await q.enqueue({ shop: "b.myshopify.com", kind });
    }
    await q.idle();
    expect(rec.spans).toHaveLength(6);
    expect(overlaps(rec.spans, "a.myshopify.com")).toBe(false);
    expect(overlaps(rec.spans, "b.myshopify.com")).toBe(false);
    // Jobs of one shop keep their order.
    expect(rec.spans.filter((s) => s.shop === "a.myshopify.com").map((s) => s.kind)).toEqual([
      "full-sync",
      "analyze",
      "publish",
    ]);
    // The two shops ran side by side: the first job of b started before the first of a ended.
    const a0 = rec.spans.find((s) => s.shop === "a.myshopify.com")!;
    const b0 = rec.spans.find((s) => s.shop === "b.myshopify.com")!;
    expect(b0.start).toBeLessThan(a0.end);
    await q.close();
  });

  it("collapses a job already waiting for the same shop", async () => {
    const rec = recorder(30);
    const q = new InProcessQueue({ db: fakeDb }, { run: rec.run });
    await q.enqueue({ shop: "a.myshopify.com", kind: "full-sync" }); // starts at once
    const second = await q.enqueue({ shop: "a.myshopify.com", kind: "analyze" });
    const third = await q.enqueue({ shop: "a.myshopify.com", kind: "analyze" }); // same as the waiting one
    expect(third.id).toBe(second.id);
    await q.idle();
    expect(rec.spans.map((s) => s.kind)).toEqual(["full-sync", "analyze"]);
  });

  it("retries a failing job with back-off, then records the failure", async () => {
    const flaky = recorder(5, 2);
    const q = new InProcessQueue({ db: fakeDb }, { run: flaky.run, attempts: 3, backoffMs: 10 });
    await q.enqueue({ shop: "a.myshopify.com", kind: "analyze" });
    await q.idle();
    expect(flaky.attempts.get("a.myshopify.com|analyze")).toBe(3);
    expect(flaky.spans).toHaveLength(1);
    expect(q.failures).toHaveLength(0);

    const broken = recorder(5, 99);
    const q2 = new InProcessQueue({ db: fakeDb }, { run: broken.run, attempts: 2, backoffMs: 10 });
    await q2.enqueue({ shop: "a.myshopify.com", kind: "publish" });
    await q2.idle();
    expect(broken.attempts.get("a.myshopify.com|publish")).toBe(2);
    expect(q2.failures.map((f) => f.error)).toEqual(["transient failure 2"]);
  });
});

const haveRedis = await redisTestsEnabled();

describe.skipIf(!haveRedis)("BullMQ queue on Redis", () => {
  const queueName = `churnless-test-${randomBytes(4).toString("hex")}`;
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`*${queueName}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  it("two workers never run two jobs of one shop at once, and retry failures", async () => {
    const rec = recorder(60);
    const queue = await BullMqQueue.connect(REDIS_URL, queueName);
    closers.push(() => queue.close());
    for (const kind of ["full-sync", "analyze", "publish", "preview"] as const) {
      await queue.enqueue({ shop: "a.myshopify.com", kind });
      await queue.enqueue({ shop: "b.myshopify.com", kind });
    }
    const w1 = startWorker({ db: fakeDb, redisUrl: REDIS_URL, queueName, concurrency: 2, run: rec.run });
    const w2 = startWorker({ db: fakeDb, redisUrl: REDIS_URL, queueName, concurrency: 2, run: rec.run });
    closers.push(w1.close, w2.close);
    const until = Date.now() + 30_000;
    while (rec.spans.length < 8 && Date.now() < until) await sleep(100);
    expect(rec.spans).toHaveLength(8);
    expect(overlaps(rec.spans, "a.myshopify.com")).toBe(false);
    expect(overlaps(rec.spans, "b.myshopify.com")).toBe(false);
  });

  it("a scheduled refresh is registered per shop and removed on uninstall", async () => {
    const queue = await BullMqQueue.connect(REDIS_URL, `${queueName}-sched`);
    closers.push(() => queue.close());
    await queue.schedule("a.myshopify.com", 24);
    const schedulers = await queue.raw.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain("refresh|a.myshopify.com");
    expect(schedulers.find((s) => s.key === "refresh|a.myshopify.com")?.every).toBe(24 * 3_600_000);
    await queue.forgetShop("a.myshopify.com");
    expect((await queue.raw.getJobSchedulers()).map((s) => s.key)).not.toContain("refresh|a.myshopify.com");
  });
});
