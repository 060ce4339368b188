/**
 * A job whose shop's credentials Shopify refuses (the refresh token was revoked) fails once and is not
 * retried: retries cannot fix it, the merchant can. In-process and on BullMQ (the real Redis), where the
 * job ends `failed` after one attempt with the "reinstall" message, while an ordinary error is retried.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";
import { BullMqQueue, InProcessQueue } from "../../../app/jobs/runtime/queue.server";
import { startWorker } from "../../../app/jobs/runtime/worker.server";
import { ReinstallRequiredError } from "../../../app/shopify/admin.server";
import type { JobData } from "../../../app/jobs/runtime/kinds";
import type { Db } from "../../../app/db.server";

const fakeDb = {} as Db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function failing() {
  const attempts = new Map<string, number>();
  const run = async (_ctx: unknown, data: JobData) => {
    attempts.set(data.shop, (attempts.get(data.shop) ?? 0) + 1);
    if (data.shop.startsWith("revoked"))
      throw new ReinstallRequiredError(data.shop, "Shopify refused to renew the offline access token");
    throw new Error("Shopify answered 503");
  };
  return { attempts, run };
}

describe("in-process queue", () => {
  it("does not retry a job that needs the merchant, and retries other failures", async () => {
    const f = failing();
    const q = new InProcessQueue({ db: fakeDb }, { run: f.run, attempts: 3, backoffMs: 5 });
    await q.enqueue({ shop: "revoked.myshopify.com", kind: "refresh" });
    await q.enqueue({ shop: "flaky.myshopify.com", kind: "refresh" });
    await q.idle();
    expect(f.attempts.get("revoked.myshopify.com")).toBe(1);
    expect(f.attempts.get("flaky.myshopify.com")).toBe(3);
    expect(q.failures.find((x) => x.data.shop === "revoked.myshopify.com")?.error).toMatch(/reinstalls it/);
  });
});

const haveRedis = await redisTestsEnabled();

describe.skipIf(!haveRedis)("BullMQ worker", () => {
  const queueName = `churnless-test-${randomBytes(4).toString("hex")}`;
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`*${queueName}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  it("fails a job that needs the merchant after one attempt, with the reinstall message", async () => {
    const f = failing();
    const queue = await BullMqQueue.connect(REDIS_URL, queueName);
    closers.push(() => queue.close());
    await queue.enqueue({ shop: "revoked.myshopify.com", kind: "refresh" });
    const w = startWorker({ db: fakeDb, redisUrl: REDIS_URL, queueName, concurrency: 1, run: f.run });
    closers.push(w.close);
    const until = Date.now() + 20_000;
    let failed: import("bullmq").Job[] = [];
    while (Date.now() < until) {
      failed = await queue.raw.getJobs(["failed"]);
      if (failed.length) break;
      await sleep(100);
    }
    expect(failed).toHaveLength(1);
    expect(failed[0].attemptsMade).toBe(1);
    expect(failed[0].failedReason).toMatch(/no longer accepts Churnless's access.*reinstalls it/);
    expect(f.attempts.get("revoked.myshopify.com")).toBe(1);
  });
});
