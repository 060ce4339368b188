/**
 * The job queue. Two runners, one interface:
 * - in-process (the embedded default, no Redis): jobs run in this process, one at a time per shop,
 *   retried with back-off;
 * - BullMQ (when REDIS_URL is set): jobs go to the `churnless-jobs` queue and separate worker processes
 *   (`npm run worker`, as many as you like) run them, still one job per shop at a time (a Redis lock per
 *   shop, see worker.server.ts), with retries, back-off, stalled-job recovery and a scheduled refresh
 *   per shop.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../db.server";
import { env, maskUrl } from "../../env.server";
import { needsMerchant } from "../../shopify/admin.server";
import { ShopRedactedError } from "../../models/compliance.server";
import { AppUninstalledError, runJob, type JobContext } from "./handlers.server";
import type { JobData, JobKind } from "./kinds";

export const QUEUE_NAME = "churnless-jobs";
export const JOB_ATTEMPTS = 4;
export const BACKOFF_MS = 5_000;
/** BullMQ job scheduler id of a shop's refresh: `refresh|<shop>`. */
export const SCHEDULER_PREFIX = "refresh|";

export interface JobQueue {
  enqueue(data: JobData): Promise<{ id: string }>;
  /**
   * Refresh the shop every `hours` (0 stops it). The first run is `hours` after `lastRunAt` (the shop's
   * last sync), or at once when that is past; without it, `hours` from now. Calling it again for a shop
   * that has the same schedule keeps its next run (BullMQ) or recomputes it from `lastRunAt` (in-process).
   */
  schedule(shop: string, hours: number, opts?: ScheduleOptions): Promise<void>;
  /** The refresh schedules this queue holds (in-process: this process's timers; BullMQ: Redis's). */
  schedules(): Promise<ScheduleInfo[]>;
  /** Drops the shop's waiting jobs and schedule (on uninstall). */
  forgetShop(shop: string): Promise<void>;
  /** Resolves when no job is waiting or running (in-process only; BullMQ resolves at once). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface ScheduleOptions {
  lastRunAt?: Date | null;
}

export interface ScheduleInfo {
  shop: string;
  everyMs: number;
  nextRunAt: Date | null;
}

/** When a schedule of `everyMs` first runs: `everyMs` after the last run, not before now. */
export function firstRunAt(everyMs: number, lastRunAt: Date | null | undefined, now = Date.now()): number {
  return Math.max(now, (lastRunAt?.getTime() ?? now) + everyMs);
}

/** Runs jobs in this process: a chain per shop, so one job per shop at a time. */
export class InProcessQueue implements JobQueue {
  private chains = new Map<string, Promise<void>>();
  private waiting = new Map<string, { id: string; data: JobData }>();
  private timers = new Map<string, { timer: NodeJS.Timeout; everyMs: number; nextRunAt: number }>();
  private closed = false;
  readonly failures: Array<{ id: string; data: JobData; error: string }> = [];

  constructor(
    private readonly ctx: JobContext,
    private readonly opts: { attempts?: number; backoffMs?: number; run?: typeof runJob } = {},
  ) {}

  async enqueue(data: JobData): Promise<{ id: string }> {
    if (this.closed) throw new Error("the job queue is closed");
    // The same job already waiting for this shop is not queued twice.
    const key = `${data.shop}|${data.kind}|${data.only ? 1 : 0}`;
    const queued = this.waiting.get(key);
    if (queued) return { id: queued.id };
    const id = randomUUID();
    this.waiting.set(key, { id, data });
    const previous = this.chains.get(data.shop) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.waiting.delete(key);
      if (this.closed) return;
      await this.runWithRetries(id, data);
    });
    this.chains.set(data.shop, next);
    void next.finally(() => {
      if (this.chains.get(data.shop) === next) this.chains.delete(data.shop);
    });
    return { id };
  }

  private async runWithRetries(id: string, data: JobData) {
    const attempts = this.opts.attempts ?? JOB_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        await (this.opts.run ?? runJob)(this.ctx, data);
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (
          attempt >= attempts ||
          this.closed ||
          error instanceof AppUninstalledError ||
          /uninstalled/.test(message) ||
          error instanceof ShopRedactedError ||
          needsMerchant(error)
        ) {
          this.failures.push({ id, data, error: message });
          console.error(`job ${data.kind} for ${data.shop} failed after ${attempt} attempt(s): ${message}`);
          return;
        }
        const delay = (this.opts.backoffMs ?? BACKOFF_MS) * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async schedule(shop: string, hours: number, opts: ScheduleOptions = {}): Promise<void> {
    const old = this.timers.get(shop);
    if (old) clearTimeout(old.timer);
    this.timers.delete(shop);
    if (hours <= 0 || this.closed) return;
    const everyMs = hours * 3_600_000;
    // A timer per run (not setInterval), so a restart resumes from the shop's last sync, not from zero.
    const arm = (at: number) => {
      const timer = setTimeout(
        () => {
          void this.enqueue({ shop, kind: "refresh" }).catch((error: Error) =>
            console.error(`[queue] scheduled refresh of ${shop}: ${error.message}`),
          );
          arm(Date.now() + everyMs);
        },
        Math.max(0, at - Date.now()),
      );
      timer.unref();
      this.timers.set(shop, { timer, everyMs, nextRunAt: at });
    };
    arm(firstRunAt(everyMs, opts.lastRunAt));
  }

  async schedules(): Promise<ScheduleInfo[]> {
    return [...this.timers].map(([shop, t]) => ({ shop, everyMs: t.everyMs, nextRunAt: new Date(t.nextRunAt) }));
  }

  async forgetShop(shop: string): Promise<void> {
    await this.schedule(shop, 0);
    for (const [key, job] of this.waiting) if (job.data.shop === shop) this.waiting.delete(key);
  }

  async idle(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    await this.idle();
  }
}

/** Sends jobs to Redis for `npm run worker` processes. */
export class BullMqQueue implements JobQueue {
  private constructor(
    private readonly queue: import("bullmq").Queue,
    private readonly timeoutMs: number,
    private readonly where: string,
  ) {}

  /**
   * Connects within `connectTimeoutMs` (REDIS_CONNECT_TIMEOUT_MS, default 5 s) or throws one line naming
   * the (masked) URL and the last connection error; the half-open queue is closed then, so nothing keeps
   * reconnecting in the background.
   */
  static async connect(
    redisUrl: string,
    name = QUEUE_NAME,
    opts: { connectTimeoutMs?: number } = {},
  ): Promise<BullMqQueue> {
    const { Queue } = await import("bullmq");
    const timeoutMs = opts.connectTimeoutMs ?? env().REDIS_CONNECT_TIMEOUT_MS;
    const queue = new Queue(name, { connection: redisConnection(redisUrl, { connectTimeoutMs: timeoutMs }) });
    const errors = logRedisErrors(queue, `queue ${name}`);
    const where = `Redis at ${maskUrl(redisUrl)}`;
    try {
      await withTimeout(
        queue.waitUntilReady(),
        timeoutMs,
        () => `${where} is not reachable within ${timeoutMs / 1000} s${errors.last ? ` (${errors.last})` : ""}`,
      );
    } catch (error) {
      await closeBounded(queue, 1_000);
      throw error;
    }
    return new BullMqQueue(queue, timeoutMs, where);
  }

  async enqueue(data: JobData): Promise<{ id: string }> {
    // Bounded: a Redis that went away makes the caller fail (and retry) instead of waiting forever.
    const job = await withTimeout(
      this.add(data),
      this.timeoutMs * 2,
      () => `${this.where} did not take the job within ${(this.timeoutMs * 2) / 1000} s`,
    );
    return { id: job.id ?? "" };
  }

  private add(data: JobData) {
    return this.queue.add(data.kind, data, {
      attempts: JOB_ATTEMPTS,
      backoff: { type: "exponential", delay: BACKOFF_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      // One waiting job per shop and kind: a second enqueue while the first waits is a no-op.
      deduplication: { id: `${data.shop}|${data.kind}|${data.only ? 1 : 0}` },
    });
  }

  async schedule(shop: string, hours: number, opts: ScheduleOptions = {}): Promise<void> {
    const id = `${SCHEDULER_PREFIX}${shop}`;
    if (hours <= 0) {
      await this.queue.removeJobScheduler(id);
      return;
    }
    const everyMs = hours * 3_600_000;
    // startDate counts only when the scheduler is new (or its interval changed): an existing one keeps its next run.
    await this.queue.upsertJobScheduler(
      id,
      { every: everyMs, startDate: firstRunAt(everyMs, opts.lastRunAt) },
      {
        name: "refresh",
        data: { shop, kind: "refresh" } satisfies JobData,
        opts: { attempts: JOB_ATTEMPTS, backoff: { type: "exponential", delay: BACKOFF_MS } },
      },
    );
  }

  async schedules(): Promise<ScheduleInfo[]> {
    const out: ScheduleInfo[] = [];
    for (const s of await this.queue.getJobSchedulers()) {
      if (!s.key.startsWith(SCHEDULER_PREFIX)) continue;
      out.push({
        shop: s.key.slice(SCHEDULER_PREFIX.length),
        everyMs: Number(s.every ?? 0),
        nextRunAt: s.next ? new Date(s.next) : null,
      });
    }
    return out;
  }

  async forgetShop(shop: string): Promise<void> {
    await this.schedule(shop, 0);
    for (const job of await this.queue.getJobs(["waiting", "delayed", "prioritized"])) {
      if ((job.data as JobData).shop !== shop) continue;
      // A job that started or went meanwhile cannot be removed; the shop is forgotten all the same.
      await job
        .remove()
        .catch((error: unknown) =>
          console.warn(
            `[queue] forgetting ${shop}: could not remove job ${job.id}: ${(error as Error)?.message ?? error}`,
          ),
        );
    }
  }

  async idle(): Promise<void> {}

  async close(): Promise<void> {
    await closeBounded(this.queue, this.timeoutMs);
  }

  get raw() {
    return this.queue;
  }
}

/**
 * ioredis options for every connection of the app: a connect attempt bounded by `connectTimeoutMs`,
 * reconnects backing off to one every 5 s (not a tight loop), commands that wait for a reconnect
 * (BullMQ's workers need maxRetriesPerRequest null; callers bound their own waits).
 */
export function redisConnection(redisUrl: string, opts: { connectTimeoutMs?: number } = {}) {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    username: u.username || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    connectTimeout: opts.connectTimeoutMs ?? env().REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt: number) => Math.min(250 * 2 ** Math.min(attempt, 5), 5_000),
    maxRetriesPerRequest: null,
  };
}

type ErrorEmitter = { on(event: "error", listener: (error: Error) => void): unknown };

/**
 * An error listener for a Redis connection (ioredis client, BullMQ queue or worker): without one every
 * failed reconnect is an "Unhandled error event". Logs the first error, then at most one line per
 * `everyMs` with how many were folded into it. `last` is the newest error's message.
 */
export function logRedisErrors(
  emitter: ErrorEmitter,
  label: string,
  everyMs = 30_000,
): { readonly last: string | null; readonly count: number } {
  const state = { last: null as string | null, count: 0, folded: 0, loggedAt: 0 };
  emitter.on("error", (error: Error) => {
    state.count++;
    state.last = error.message || String(error);
    const now = Date.now();
    if (now - state.loggedAt < everyMs) {
      state.folded++;
      return;
    }
    const more = state.folded ? ` (${state.folded} more since the last report)` : "";
    state.loggedAt = now;
    state.folded = 0;
    console.error(`[redis] ${label}: ${state.last}${more}`);
  });
  return state;
}

/** Resolves or rejects as `promise` does, or rejects with `message()` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a BullMQ queue or worker; when Redis does not answer within `ms`, drops its connections. */
export async function closeBounded(
  target: { close(force?: boolean): Promise<void>; disconnect(): Promise<void> },
  ms: number,
): Promise<void> {
  const closing = target.close();
  try {
    await withTimeout(closing, ms, () => "close timed out");
  } catch (error) {
    console.error(`[redis] closing without Redis: ${(error as Error).message}; dropping the connection`);
    await withTimeout(target.disconnect(), 1_000, () => "disconnect timed out").catch((e: unknown) =>
      console.error(`[redis] disconnect: ${String(e)}`),
    );
    closing.catch((e: unknown) => console.error(`[redis] close after disconnect: ${String(e)}`));
  }
}

let queuePromise: Promise<JobQueue> | undefined;
let shutdownHooked = false;

/**
 * The process's queue: BullMQ when REDIS_URL is set, else in-process on the app's database. A failed
 * connect is not remembered: the next call tries again. SIGTERM/SIGINT close it (see closeQueue).
 */
export function getQueue(): Promise<JobQueue> {
  const pending = (queuePromise ??= (async () => {
    hookShutdown();
    const { REDIS_URL } = env();
    if (REDIS_URL) return BullMqQueue.connect(REDIS_URL);
    const { default: db } = await import("../../db.server");
    return new InProcessQueue({ db: db as Db });
  })());
  pending.catch(() => {
    if (queuePromise === pending) queuePromise = undefined;
  });
  return pending;
}

/** Closes the process's queue (if one was opened), so no Redis connection keeps the process alive. */
export async function closeQueue(): Promise<void> {
  const pending = queuePromise;
  queuePromise = undefined;
  if (!pending) return;
  let queue: JobQueue;
  try {
    queue = await pending;
  } catch (error) {
    // Its opening failed and was reported to the caller of getQueue: there is nothing to close.
    console.warn(`[queue] closing: the queue never opened (${(error as Error)?.message ?? error}), nothing to close`);
    return;
  }
  await queue.close();
}

function hookShutdown() {
  if (shutdownHooked || process.env.VITEST) return;
  shutdownHooked = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      // The HTTP server stops on the same signal (remix-serve); the queue must not hold the process.
      closeQueue()
        .catch((error: unknown) => console.error(`[queue] closing on ${signal}: ${String(error)}`))
        .finally(() => setTimeout(() => process.exit(0), 10_000).unref());
    });
  }
}

/** Routes and webhooks call this. */
export async function enqueueJob(
  shop: string,
  kind: JobKind,
  opts: { only?: boolean; force?: boolean } = {},
): Promise<{ id: string }> {
  return (await getQueue()).enqueue({ shop, kind, ...opts });
}
