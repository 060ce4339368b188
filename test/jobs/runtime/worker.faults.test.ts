/**
 * An operator's faults: a worker killed mid-job, a wrong DATABASE_URL, a closed Redis
 * port, SIGTERM with and without Redis. Processes are real (tsx, without VITEST, so they exit as in
 * production); Redis is 127.0.0.1:6379 (TEST_REDIS_URL) and 127.0.0.1:1 is the closed port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BullMqQueue, enqueueJob } from "../../../app/jobs/runtime/queue.server";
import { startWorker } from "../../../app/jobs/runtime/worker.server";
import {
  activeSyncRun,
  createSyncRun,
  REAPED_ERROR,
  reapStaleSyncRuns,
  STALE_RUN_MS,
} from "../../../app/models/sync-runs.server";
import { checkAtStart } from "../../../app/startup.server";
import { freePort } from "../../e2e/helpers/app-server";
import { createSqliteTestDb, createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { REDIS_URL, redisTestsEnabled } from "../../helpers/redis";

const CLOSED = "redis://127.0.0.1:1";
const APP_ENV = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://churnless.example.com" };

interface Child {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a tsx script as production would: no VITEST in its environment. */
function run(script: string, args: string[], env: Record<string, string>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", ...APP_ENV, ...env };
  for (const k of Object.keys(childEnv)) if (k.startsWith("VITEST")) delete childEnv[k];
  // One process (node with tsx's loader, not the tsx wrapper), so a signal reaches the script itself.
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: process.cwd(),
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

let t: TestDb;
beforeAll(async () => {
  t = await createSqliteTestDb();
});
afterAll(async () => t?.cleanup());

describe("a worker killed mid-job", () => {
  it("leaves a run that is reaped once its heartbeat stops, and a new sync is allowed", async () => {
    const shop = "killed-shop.myshopify.com";
    const proc = run("test/jobs/fixtures/hold-sync-run.ts", [shop], { DATABASE_URL: t.url });
    await vi.waitFor(() => expect(proc.output()).toMatch(/run \w+/), { timeout: 60_000, interval: 200 });
    const id = /run (\w+)/.exec(proc.output())![1];
    const first = (await t.db.syncRun.findUniqueOrThrow({ where: { id } })).heartbeatAt!;
    await vi.waitFor(
      async () =>
        expect((await t.db.syncRun.findUniqueOrThrow({ where: { id } })).heartbeatAt!.getTime()).toBeGreaterThan(
          first.getTime(),
        ),
      {
        timeout: 10_000,
      },
    );
    proc.child.kill("SIGKILL");
    await proc.exited;
    const last = (await t.db.syncRun.findUniqueOrThrow({ where: { id } })).heartbeatAt!;
    await new Promise((r) => setTimeout(r, 400));
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id } })).heartbeatAt).toEqual(last); // nobody beats for it now

    // Still within the grace period: the run blocks a new sync (409 in /app/sync), as a live one would.
    expect((await activeSyncRun(t.db, shop))?.id).toBe(id);
    // Past it: reaped, failed with a message, no longer blocking.
    const later = new Date(last.getTime() + STALE_RUN_MS + 1_000);
    expect(await activeSyncRun(t.db, shop, later)).toBeNull();
    expect(await t.db.syncRun.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed",
      error: REAPED_ERROR,
    });
  });

  it("never reaps a run whose process is alive", async () => {
    const shop = "alive-shop.myshopify.com";
    const live = await createSyncRun(t.db, shop, "full", "running", { heartbeatMs: 50 });
    const started = Date.now();
    await vi.waitFor(async () =>
      expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: live.id } })).heartbeatAt!.getTime()).toBeGreaterThan(
        started,
      ),
    );
    expect(await reapStaleSyncRuns(t.db, shop)).toBe(0);
    expect((await activeSyncRun(t.db, shop))?.id).toBe(live.id);
    await t.db.syncRun.update({ where: { id: live.id }, data: { status: "succeeded" } }); // its heartbeat stops by itself
  });
});

describe("a wrong DATABASE_URL", () => {
  const worker = (env: Record<string, string>) => run("app/jobs/runtime/worker.ts", [], { REDIS_URL, ...env });

  it("fails the worker at start in one line, for a URL that is not file:/postgres(ql)://, an unreachable server, a missing file", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { DATABASE_URL: "mysql://app:s3cret@127.0.0.1/db" },
        /DATABASE_URL must be a SQLite file URL .* not "mysql:\/\/\*\*\*@127\.0\.0\.1\/db"/,
      ],
      [
        { DATABASE_URL: "postgresql://app:s3cret@127.0.0.1:1/db" },
        /Cannot use the database at postgresql:\/\/\*\*\*@127\.0\.0\.1:1\/db: /,
      ],
      [{ DATABASE_URL: `file:${join(tmpdir(), "no-such-dir", "x.sqlite")}` }, /does not exist \(run npm run setup/],
    ];
    const procs = cases.map(([env]) => worker(env));
    for (const [i, proc] of procs.entries()) {
      expect(await proc.exited).toBe(1);
      const out = lines(proc.output());
      expect(out, proc.output()).toHaveLength(1);
      expect(out[0]).toMatch(/^churnless worker cannot start: /);
      expect(out[0]).toMatch(cases[i][1]);
      expect(out[0]).not.toContain("s3cret");
    }
    expect(existsSync(join(tmpdir(), "no-such-dir", "x.sqlite"))).toBe(false);
  });

  it("fails the web server's start check the same way (npm start runs it from entry.server), and keeps demo mode on 127.0.0.1", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://a.example.com",
      });
      process.env.DATABASE_URL = "postgres://app:s3cret@127.0.0.1:1/db";
      await expect(checkAtStart("web", { timeoutMs: 5_000 })).rejects.toThrow(
        /^churnless server cannot start: Cannot use the database at postgres:\/\/\*\*\*@127/,
      );
      process.env.DATABASE_URL = "sqlserver://db";
      await expect(checkAtStart("web")).rejects.toThrow(/DATABASE_URL must be/);
      process.env.DATABASE_URL = t.url;
      delete process.env.SHOPIFY_API_SECRET;
      await expect(checkAtStart("web")).rejects.toThrow(/SHOPIFY_API_SECRET is missing/);
      process.env.SHOPIFY_API_SECRET = "s";
      await expect(checkAtStart("web")).resolves.toMatchObject({ DATABASE_URL: t.url });
      // Demo mode (no authentication) serves this machine only: the server refuses any other HOST.
      Object.assign(process.env, { CHURNLESS_DEMO: "1", NODE_ENV: "test" });
      delete process.env.HOST;
      await expect(checkAtStart("web")).rejects.toThrow(
        /HOST must be 127\.0\.0\.1 in demo mode.*unset \(every interface\)/,
      );
      process.env.HOST = "0.0.0.0";
      await expect(checkAtStart("web")).rejects.toThrow(/HOST must be 127\.0\.0\.1 in demo mode.*not 0\.0\.0\.0/);
      process.env.HOST = "127.0.0.1";
      await expect(checkAtStart("web")).resolves.toMatchObject({ demo: true });
      process.env.NODE_ENV = "production";
      await expect(checkAtStart("web")).rejects.toThrow(/Refusing demo mode/);
    } finally {
      process.env = saved;
    }
  });
});

describe("a closed Redis port", () => {
  it("fails the app's connect and enqueue in bounded time, and tries again on the next call", async () => {
    await expect(BullMqQueue.connect(CLOSED, "faults", { connectTimeoutMs: 500 })).rejects.toThrow(
      /Redis at redis:\/\/127\.0\.0\.1:1 is not reachable within 0\.5 s \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
    );
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { REDIS_URL: CLOSED, REDIS_CONNECT_TIMEOUT_MS: "500" });
      await expect(enqueueJob("faults.myshopify.com", "delta-sync")).rejects.toThrow(/not reachable/);
      await expect(enqueueJob("faults.myshopify.com", "delta-sync")).rejects.toThrow(/not reachable/); // not a cached failure
    } finally {
      process.env = saved;
    }
  });

  it("makes a worker log a few lines, not one per reconnect, and close() returns", async () => {
    const errors: string[] = [];
    const spy = vi
      .spyOn(console, "error")
      .mockImplementation((...a: unknown[]) => void errors.push(a.map(String).join(" ")));
    const unhandled: unknown[] = [];
    const onUncaught = (e: unknown) => unhandled.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const w = startWorker({ db: t.db, redisUrl: CLOSED, queueName: "faults", closeTimeoutMs: 1_000 });
      await new Promise((r) => setTimeout(r, 4_000));
      await w.close();
      const redisLines = errors.filter((l) => /ECONNREFUSED/.test(l));
      expect(redisLines.length).toBeGreaterThan(0); // reported
      expect(redisLines.length).toBeLessThanOrEqual(4); // at most the first error of each connection
      expect(unhandled).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      spy.mockRestore();
    }
  });

  it("stops the worker process at start in one line", async () => {
    const proc = run("app/jobs/runtime/worker.ts", [], {
      DATABASE_URL: t.url,
      REDIS_URL: CLOSED,
      REDIS_CONNECT_TIMEOUT_MS: "1000",
    });
    expect(await proc.exited).toBe(1);
    expect(lines(proc.output())).toEqual([
      "churnless worker cannot start: Redis at redis://127.0.0.1:1 is not reachable: connect ECONNREFUSED 127.0.0.1:1",
    ]);
  });

  it("lets the app's process exit on SIGTERM after its enqueue failed", async () => {
    const proc = run("test/jobs/fixtures/queue-process.ts", [], {
      DATABASE_URL: t.url,
      REDIS_URL: CLOSED,
      REDIS_CONNECT_TIMEOUT_MS: "500",
    });
    await vi.waitFor(() => expect(proc.output()).toMatch(/waiting/), { timeout: 60_000, interval: 200 });
    expect(proc.output()).toMatch(/enqueue failed after \d+ ms: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable/);
    if (proc.child.exitCode === null) proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});

describe("SIGTERM with Redis up", async () => {
  const up = await redisTestsEnabled();
  const url = `${REDIS_URL}/13`;
  afterAll(async () => {
    if (!up) return;
    const r = new Redis(url);
    await r.flushdb();
    r.disconnect();
  });

  it.runIf(up)("stops the app's process (its queue is closed) and a worker process", async () => {
    const app = run("test/jobs/fixtures/queue-process.ts", [], { DATABASE_URL: t.url, REDIS_URL: url });
    const worker = run("app/jobs/runtime/worker.ts", [], {
      DATABASE_URL: t.url,
      REDIS_URL: url,
      WORKER_CONCURRENCY: "1",
    });
    await vi.waitFor(() => expect(app.output()).toMatch(/enqueued\s+waiting/), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(worker.output()).toMatch(/listening on/), { timeout: 60_000, interval: 200 });
    await new Promise((r) => setTimeout(r, 500));
    expect(app.child.exitCode).toBeNull(); // the open queue keeps it running until the signal
    app.child.kill("SIGTERM");
    worker.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  });
});

describe("npm run demo's output", async () => {
  // databaseKinds: PostgreSQL when reachable; under CI an unreachable one fails instead of skipping.
  const onPostgres = (await databaseKinds()).includes("postgres");

  it.runIf(onPostgres)("shows the database URL with its password masked", { timeout: 90_000 }, async () => {
    const pgDb = await createTestDb("postgres");
    // Trust auth ignores the password, so the URL works and the demo gets as far as printing it.
    const url = pgDb.url.replace(/^(postgres(?:ql)?:\/\/)([^:@/]+)(?::[^@/]*)?@/, "$1$2:s3cret-demo@");
    expect(url).toContain(":s3cret-demo@");
    const demo = run("scripts/demo.ts", ["--check", "--orders", "50"], {
      DATABASE_URL: url,
      PORT: String(await freePort()),
      SHOPIFY_ADMIN_API_BASE_URL: "",
      CHURNLESS_DEMO: "",
    });
    try {
      await vi.waitFor(() => expect(demo.output()).toMatch(/\] database .*\n/), { timeout: 60_000, interval: 200 });
      const line = lines(demo.output()).find((l) => /\] database /.test(l))!;
      expect(line).toMatch(/\] database postgres(ql)?:\/\/\*\*\*@[^ ]+\/churnless_t_[0-9a-f]+: /);
      expect(demo.output()).not.toContain("s3cret-demo");
    } finally {
      if (demo.child.exitCode === null) demo.child.kill("SIGTERM");
      await demo.exited;
      await pgDb.cleanup();
    }
  });
});
