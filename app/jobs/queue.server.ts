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
import type { Db } from "../db.server";
import { runJob, type JobContext } from "./handlers.server";
import type { JobData, JobKind } from "./kinds";

export const QUEUE_NAME = "churnless-jobs";
export const JOB_ATTEMPTS = 4;
export const BACKOFF_MS = 5_000;

export interface JobQueue {
  enqueue(data: JobData): Promise<{ id: string }>;
  /** Refresh the shop every `hours` (0 stops it). */
  schedule(shop: string, hours: number): Promise<void>;
  /** Drops the shop's waiting jobs and schedule (on uninstall). */
  forgetShop(shop: string): Promise<void>;
  /** Resolves when no job is waiting or running (in-process only; BullMQ resolves at once). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Runs jobs in this process: a chain per shop, so one job per shop at a time. */
export class InProcessQueue implements JobQueue {
  private chains = new Map<string, Promise<void>>();
  private waiting = new Map<string, { id: string; data: JobData }>();
  private timers = new Map<string, NodeJS.Timeout>();
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
        if (attempt >= attempts || this.closed || /uninstalled/.test(message)) {
          this.failures.push({ id, data, error: message });
          console.error(`job ${data.kind} for ${data.shop} failed after ${attempt} attempt(s): ${message}`);
          return;
        }
        const delay = (this.opts.backoffMs ?? BACKOFF_MS) * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async schedule(shop: string, hours: number): Promise<void> {
    clearInterval(this.timers.get(shop));
    this.timers.delete(shop);
    if (hours > 0) {
      const timer = setInterval(() => void this.enqueue({ shop, kind: "refresh" }), hours * 3_600_000);
      timer.unref();
      this.timers.set(shop, timer);
    }
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
    for (const timer of this.timers.values()) clearInterval(timer);
    await this.idle();
  }
}

/** Sends jobs to Redis for `npm run worker` processes. */
export class BullMqQueue implements JobQueue {
  private constructor(private readonly queue: import("bullmq").Queue) {}

  static async connect(redisUrl: string, name = QUEUE_NAME): Promise<BullMqQueue> {
    const { Queue } = await import("bullmq");
    const queue = new Queue(name, { connection: redisConnection(redisUrl) });
    await queue.waitUntilReady();
    return new BullMqQueue(queue);
  }

  async enqueue(data: JobData): Promise<{ id: string }> {
    const job = await this.queue.add(data.kind, data, {
      attempts: JOB_ATTEMPTS,
      backoff: { type: "exponential", delay: BACKOFF_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      // One waiting job per shop and kind: a second enqueue while the first waits is a no-op.
      deduplication: { id: `${data.shop}|${data.kind}|${data.only ? 1 : 0}` },
    });
    return { id: job.id ?? "" };
  }

  async schedule(shop: string, hours: number): Promise<void> {
    const id = `refresh|${shop}`;
    if (hours <= 0) {
      await this.queue.removeJobScheduler(id);
      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { every: hours * 3_600_000 },
      { name: "refresh", data: { shop, kind: "refresh" } satisfies JobData, opts: { attempts: JOB_ATTEMPTS, backoff: { type: "exponential", delay: BACKOFF_MS } } },
    );
  }

  async forgetShop(shop: string): Promise<void> {
    await this.schedule(shop, 0);
    for (const job of await this.queue.getJobs(["waiting", "delayed", "prioritized"])) {
      if ((job.data as JobData).shop === shop) await job.remove().catch(() => undefined);
    }
  }

  async idle(): Promise<void> {}

  async close(): Promise<void> {
    await this.queue.close();
  }

  get raw() {
    return this.queue;
  }
}

export function redisConnection(redisUrl: string) {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    username: u.username || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

let queuePromise: Promise<JobQueue> | undefined;

/** The process's queue: BullMQ when REDIS_URL is set, else in-process on the app's database. */
export function getQueue(): Promise<JobQueue> {
  queuePromise ??= (async () => {
    if (process.env.REDIS_URL) return BullMqQueue.connect(process.env.REDIS_URL);
    const { default: db } = await import("../db.server");
    return new InProcessQueue({ db: db as Db });
  })();
  return queuePromise;
}

/** Routes and webhooks call this. */
export async function enqueueJob(
  shop: string,
  kind: JobKind,
  opts: { only?: boolean; force?: boolean } = {},
): Promise<{ id: string }> {
  return (await getQueue()).enqueue({ shop, kind, ...opts });
}
