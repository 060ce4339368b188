/**
 * Long analyses: the analysis runs in a worker thread, so the process's event loop keeps serving HTTP
 * meanwhile (in-process mode) and keeps BullMQ's lock alive (a job that outlives its lock duration runs
 * once); a job whose shop lock or BullMQ lock is lost stops, and saves nothing.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { runAnalyze } from "../../../app/jobs/analyze/run.server";
import { analysisWorkerEntry, analysisWorkerExecArgv } from "../../../app/jobs/analyze/thread.server";
import type { JobData } from "../../../app/jobs/runtime/kinds";
import { BullMqQueue } from "../../../app/jobs/runtime/queue.server";
import { runJob } from "../../../app/jobs/runtime/handlers.server";
import { shopLockKey, startWorker } from "../../../app/jobs/runtime/worker.server";
import { upsertOrders } from "../../../app/models/orders.server";
import { generateShop } from "../../helpers/generate-orders";
import { createTestDb, type TestDb } from "../../helpers/db";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";

const AS_OF = new Date("2024-06-30T00:00:00Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Large enough that one analysis takes seconds (the lock tests take the lock away while it runs).
const big = generateShop({ customers: 4000, seed: 21, end: AS_OF });

async function seed(t: TestDb, shop: string) {
  await upsertOrders(t.db, shop, big.orders);
  await t.db.product.createMany({ data: big.products.map((p) => ({ shop, ...p })) });
}

describe("the analysis runs off the event loop (in-process)", () => {
  let t: TestDb;
  let server: Server;
  let url: string;
  const SHOP = "long-analysis.myshopify.com";
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await seed(t, SHOP);
    server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.cleanup();
  });

  it("a web request is answered while the analysis runs, in another thread", async () => {
    let analysisThread = -1;
    let done = false;
    const answers: string[] = [];
    let started!: () => void;
    const threadStarted = new Promise<void>((r) => (started = r));
    const analysis = runAnalyze(t.db, SHOP, {
      asOf: AS_OF,
      onThreadStarted: (id) => {
        analysisThread = id;
        started();
      },
    }).finally(() => (done = true));
    await Promise.race([threadStarted, analysis]);
    // The server answers requests one after another while the analysis is still computing.
    while (!done && answers.length < 5) {
      const res = await fetch(url);
      if (!done) answers.push(await res.text());
    }
    const result = await analysis;
    expect(answers).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(analysisThread).not.toBe(threadId);
    expect(result.customers).toBeGreaterThan(3000);
    expect(await t.db.customerScore.count({ where: { shop: SHOP } })).toBe(result.customers);
  });

  it("finds the thread's entry from the source tree and from a built server bundle, and loads tsx itself", () => {
    const fromSource = analysisWorkerEntry();
    expect(fromSource).toMatch(/app[\\/]jobs[\\/]analyze[\\/]worker\.ts$/);
    // The Remix build puts the server in build/server/index.js: the entry is found above it.
    const fromBuild = analysisWorkerEntry(
      new URL(`file://${process.cwd()}/build/server/index.js`).href,
      "/nonexistent",
    );
    expect(fromBuild).toBe(fromSource);
    // tsx's own flags (npm run worker, the CLI) are not passed on twice; other flags are.
    const argv = [
      "--max-old-space-size=4096",
      "--require",
      "/x/node_modules/tsx/dist/preflight.cjs",
      "--import",
      "file:///x/node_modules/tsx/dist/loader.mjs",
    ];
    expect(analysisWorkerExecArgv(argv)).toEqual(["--max-old-space-size=4096"]);
  });
});

const redisUp = await redisTestsEnabled();

describe.skipIf(!redisUp)("job locks with BullMQ (real Redis)", () => {
  let t: TestDb;
  let redis: Redis;
  const queueName = `churnless-long-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const key of await redis.keys(`bull:${queueName}:*`)) await redis.del(key);
    await redis.quit();
    await t?.cleanup();
  });

  async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  it("a job that outlives its lock duration keeps its lock and runs once", async () => {
    const shop = `outlive-${randomBytes(3).toString("hex")}.myshopify.com`;
    await seed(t, shop);
    const queue = await BullMqQueue.connect(REDIS_URL, queueName);
    // A lock of 1.5 s (BullMQ's default is 30 s). The job analyses the shop until it has run for three
    // lock durations, however fast this machine is: a job whose event loop were blocked would lose its
    // lock, be handed out again by the stalled-job check and run twice.
    const LOCK_MS = 1500;
    let runs = 0;
    let analyses = 0;
    const run: typeof runJob = async (ctx, data: JobData) => {
      runs++;
      const started = Date.now();
      while (Date.now() - started < 3 * LOCK_MS) {
        await runAnalyze(ctx.db, data.shop, { asOf: AS_OF, signal: ctx.signal });
        analyses++;
      }
      return { shop: data.shop, steps: [] };
    };
    const w = startWorker({
      db: t.db,
      redisUrl: REDIS_URL,
      queueName,
      concurrency: 1,
      lockDuration: LOCK_MS,
      stalledInterval: 500,
      run,
    });
    const stalled: string[] = [];
    const completed: string[] = [];
    w.worker.on("stalled", (id) => stalled.push(id));
    w.worker.on("completed", (job) => completed.push(job.id ?? ""));
    try {
      const { id } = await queue.enqueue({ shop, kind: "analyze", only: true });
      await waitFor("the job to complete", async () => completed.includes(id));
      await sleep(1500); // time for a stalled check to hand the job out again, if it could
      expect(runs).toBe(1);
      expect(stalled).toEqual([]);
      expect(analyses).toBeGreaterThan(0);
      const done = await t.db.syncRun.findMany({ where: { shop, kind: "analyze" } });
      expect(done.map((r) => r.status)).toEqual(Array(analyses).fill("succeeded"));
      expect(await t.db.analysis.count({ where: { shop } })).toBe(analyses);
    } finally {
      await w.close();
      await queue.close();
    }
  });

  for (const lock of ["shop lock", "BullMQ job lock"] as const) {
    it(`a job that loses its ${lock} stops and saves nothing`, async () => {
      const shop = `lose-${lock.split(" ")[0].toLowerCase()}-${randomBytes(3).toString("hex")}.myshopify.com`;
      await seed(t, shop);
      const queue = await BullMqQueue.connect(REDIS_URL, queueName);
      let jobId = "";
      // The job: the real analysis, with the lock taken away once its thread is running.
      const run: typeof runJob = async (ctx, data: JobData) => {
        await runAnalyze(ctx.db, data.shop, {
          asOf: AS_OF,
          signal: ctx.signal,
          onThreadStarted: () => {
            const key = lock === "shop lock" ? shopLockKey(queueName, data.shop) : `bull:${queueName}:${jobId}:lock`;
            void redis.set(key, "another-worker");
          },
        });
        return { shop: data.shop, steps: [] };
      };
      const w = startWorker({
        db: t.db,
        redisUrl: REDIS_URL,
        queueName,
        concurrency: 1,
        lockDuration: 1500,
        stalledInterval: 60_000,
        run,
      });
      try {
        jobId = (await queue.enqueue({ shop, kind: "analyze", only: true })).id;
        const failed = await waitFor("the analysis run to stop", () =>
          t.db.syncRun.findFirst({ where: { shop, kind: "analyze", status: { in: ["failed", "succeeded"] } } }),
        );
        expect(failed.status).toBe("failed");
        expect(failed.error).toMatch(new RegExp(`lost its ${lock}`));
        // Stopped before saving: no scores, no analysis.
        expect(await t.db.analysis.count({ where: { shop } })).toBe(0);
        expect(await t.db.customerScore.count({ where: { shop } })).toBe(0);
      } finally {
        await w.close();
        await queue.close();
      }
    });
  }
});
