/**
 * A named lock across every process of the app (web server, workers, CLI): in Redis when REDIS_URL is
 * set (SET NX PX, released only by its owner, as the workers' shop locks in worker.server.ts), else in the
 * database (app/models/app-locks.server.ts). A lease runs out after `ttlMs`, so a process killed while
 * holding it blocks the others for at most that long. Used to renew a shop's offline token one process
 * at a time (app/shopify/token-refresh.server.ts).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import { acquireDbLease, releaseDbLease } from "../models/app-locks.server";
import { redisConnection, withTimeout } from "./runtime/queue.server";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface NamedLockOptions {
  db: Db;
  /** Redis holds the lock when set; else the database. */
  redisUrl?: string | null;
  /** How long a lease lasts when its holder does not give it back (default 30 s). */
  ttlMs?: number;
  /** How long to wait for the lock before giving up with an error (default 45 s). */
  waitMs?: number;
}

export class LockWaitTimeoutError extends Error {
  constructor(key: string, waitMs: number) {
    super(`Waited ${Math.round(waitMs / 1000)} s for the lock ${key}, which another process holds`);
    this.name = "LockWaitTimeoutError";
  }
}

interface Lease {
  take(owner: string, ttlMs: number): Promise<boolean>;
  give(owner: string): Promise<void>;
  close(): Promise<void>;
}

async function redisLease(redisUrl: string, key: string): Promise<Lease> {
  const { Redis } = await import("ioredis");
  const redis = new Redis({
    ...redisConnection(redisUrl),
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt: number) => (attempt > 3 ? null : 200 * attempt),
  });
  let lastError: string | null = null;
  redis.on("error", (error: Error) => (lastError = error.message)); // thrown below, with the command that failed
  const bounded = <T>(p: Promise<T>) =>
    withTimeout(p, 5_000, () => `Redis did not answer for the lock ${key}${lastError ? ` (${lastError})` : ""}`);
  await bounded(redis.connect());
  const redisKey = `churnless:lock:${key}`;
  return {
    take: async (owner, ttlMs) => (await bounded(redis.set(redisKey, owner, "PX", ttlMs, "NX"))) === "OK",
    give: async (owner) => void (await bounded(redis.eval(RELEASE, 1, redisKey, owner))),
    close: async () => redis.disconnect(),
  };
}

function dbLease(db: Db, key: string): Lease {
  return {
    take: (owner, ttlMs) => acquireDbLease(db, key, owner, ttlMs),
    give: (owner) => releaseDbLease(db, key, owner),
    close: async () => {},
  };
}

/** Runs `fn` while holding the lock `key`; waits for it (polling with jitter) at most `waitMs`. */
export async function withNamedLock<T>(key: string, fn: () => Promise<T>, opts: NamedLockOptions): Promise<T> {
  const ttlMs = opts.ttlMs ?? 30_000;
  const waitMs = opts.waitMs ?? 45_000;
  const lease = opts.redisUrl ? await redisLease(opts.redisUrl, key) : dbLease(opts.db, key);
  const owner = randomUUID();
  try {
    const giveUpAt = Date.now() + waitMs;
    for (let pause = 25; !(await lease.take(owner, ttlMs)); pause = Math.min(pause * 2, 500)) {
      if (Date.now() >= giveUpAt) throw new LockWaitTimeoutError(key, waitMs);
      await new Promise((r) => setTimeout(r, pause / 2 + Math.random() * pause));
    }
    try {
      return await fn();
    } finally {
      await lease
        .give(owner)
        .catch((error: unknown) =>
          console.error(`[locks] giving back ${key}: ${(error as Error).message}; it runs out within ${ttlMs} ms`),
        );
    }
  } finally {
    await lease.close();
  }
}
