/**
 * A BullMQ worker: takes jobs from the `churnless-jobs` queue and runs them with the same handlers as
 * the in-process runner. Several workers (processes) may run; a Redis lock per shop keeps it to one
 * job per shop at a time: a worker that finds the shop busy puts the job back, delayed, untouched.
 * Stalled jobs (a worker died) are picked up again by BullMQ's stalled-job check.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { needsMerchant } from "../../shopify/admin.server";
import { AppUninstalledError, runJob, type JobContext } from "./handlers.server";
import { ShopRedactedError } from "../../models/compliance.server";
import { keepLocks } from "./locks.server";
import { isJobKind, type JobData } from "./kinds";
import { closeBounded, logRedisErrors, QUEUE_NAME, redisConnection } from "./queue.server";

export const SHOP_LOCK_MS = 60_000;
export const BUSY_RETRY_MS = 2_000;

export interface WorkerOptions extends JobContext {
  redisUrl: string;
  concurrency?: number;
  queueName?: string;
  /** Stalled-job check interval (BullMQ default 30 s; tests use less). */
  stalledInterval?: number;
  lockDuration?: number;
  /** How long close() waits for the jobs in hand before it drops the connections (default 60 s). */
  closeTimeoutMs?: number;
  /** What a job does (default: runJob, the pipeline); tests substitute their own. */
  run?: typeof runJob;
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export function shopLockKey(queueName: string, shop: string) {
  return `churnless:${queueName}:shop-lock:${shop}`;
}

export function startWorker(opts: WorkerOptions): { worker: Worker; close(): Promise<void> } {
  const queueName = opts.queueName ?? QUEUE_NAME;
  const redis = new Redis(redisConnection(opts.redisUrl));
  logRedisErrors(redis, `worker ${process.pid} shop locks`);

  const processor = async (job: Job<JobData>, token?: string) => {
    const data = job.data;
    if (!data || typeof data.shop !== "string" || !isJobKind(data.kind)) {
      throw new Error(`job ${job.id} has no valid shop/kind: ${JSON.stringify(data)}`);
    }
    if (job.stalledCounter > 0)
      console.error(
        `[jobs] job ${job.id} (${data.kind} for ${data.shop}) picked up again after it stalled ${job.stalledCounter} time(s): it resumes from what was stored`,
      );
    const key = shopLockKey(queueName, data.shop);
    const owner = randomUUID();
    const acquired = await redis.set(key, owner, "PX", SHOP_LOCK_MS, "NX");
    if (!acquired) {
      // Another worker is running a job for this shop: come back later, without spending an attempt.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    // Both locks are renewed and checked while the job runs; losing either stops the job (job-locks.server.ts).
    const lockDuration = opts.lockDuration ?? 30_000;
    const locks = keepLocks(
      [
        {
          name: "shop lock",
          renew: async () => Number(await redis.eval(EXTEND, 1, key, owner, String(SHOP_LOCK_MS))) === 1,
        },
        {
          name: "BullMQ job lock",
          renew: async () => !token || Number(await job.extendLock(token, lockDuration)) === 1,
        },
      ],
      Math.min(SHOP_LOCK_MS, lockDuration) / 3,
    );
    try {
      const outcome = await (opts.run ?? runJob)({ ...opts, signal: locks.signal }, data);
      // A job that finished after losing a lock does not report success: another run may hold it now.
      locks.signal.throwIfAborted();
      return outcome;
    } catch (error) {
      // Shopify refused the shop's credentials (or the app is gone): retrying cannot help, the merchant can.
      if (needsMerchant(error)) throw new UnrecoverableError((error as Error).message);
      // shop/redact: the shop's data is gone for good; no retry may re-create it.
      if (error instanceof ShopRedactedError) throw new UnrecoverableError(error.message);
      // The shop uninstalled the app: its token is revoked, and a retry would only fail again.
      if (error instanceof AppUninstalledError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      locks.stop();
      await redis.eval(RELEASE, 1, key, owner);
    }
  };

  const worker = new Worker<JobData>(queueName, processor, {
    connection: redisConnection(opts.redisUrl),
    concurrency: opts.concurrency ?? 2,
    stalledInterval: opts.stalledInterval ?? 30_000,
    lockDuration: opts.lockDuration ?? 30_000,
    maxStalledCount: 2,
  });
  logRedisErrors(worker, `worker ${process.pid}`);
  // A job whose worker died (or stopped renewing its lock) is moved back to wait by the stalled-job check
  // and runs again, from its last committed state: said once per job, so an operator can follow it.
  worker.on("stalled", (jobId, prev) => {
    console.error(
      `[jobs] job ${jobId} stalled (its worker stopped renewing its lock while it was ${prev}); it is picked up again`,
    );
  });
  worker.on("failed", (job, error) => {
    if (job)
      console.error(`job ${job.name} for ${job.data?.shop} failed (attempt ${job.attemptsMade}): ${error.message}`);
  });

  return {
    worker,
    async close() {
      // Graceful: finish the jobs in hand, take no new ones. Bounded: without Redis, drop the connections.
      await closeBounded(worker, opts.closeTimeoutMs ?? 60_000);
      await closeBounded(
        { close: async () => void (await redis.quit()), disconnect: async () => redis.disconnect() },
        2_000,
      );
    },
  };
}
