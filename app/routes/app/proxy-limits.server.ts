/**
 * Budgets for the storefront's event posts (POST /proxy/events), shared by every app process when Redis
 * is configured (REDIS_URL), else kept in this process.
 *
 * A budget is a count per key in fixed windows (one minute, one hour...): `take(key, amount, limit,
 * windowMs)` grants what is left of `limit` in the current window, up to `amount`, and says how long the
 * window still runs. Keys are built only from what Shopify's proxy signs (the shop, the logged-in
 * customer) and the visit id of the batch; never from a header the client sets (X-Forwarded-For).
 *
 * On Redis, the window is a key `<prefix><key>:<window number>` raised by a Lua script in one step, so
 * two processes never grant more than `limit` between them. When Redis does not answer, this process
 * falls back to its own memory (each process then grants up to `limit`) and logs it once per minute.
 */
import { Redis } from "ioredis";
import { env } from "../../env.server";

export interface Grant {
  /** How many of the amount asked may be used (0 when the window's limit is spent). */
  granted: number;
  /** Milliseconds until the window ends. */
  retryAfterMs: number;
}

export interface Budget {
  take(key: string, amount: number, limit: number, windowMs: number, now?: number): Promise<Grant>;
}

/** Fixed windows in this process; never holds more than `maxKeys` keys. */
export class MemoryBudget implements Budget {
  private windows = new Map<string, { start: number; used: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  take(key: string, amount: number, limit: number, windowMs: number, now = Date.now()): Promise<Grant> {
    const start = now - (now % windowMs);
    const id = `${windowMs}|${key}`;
    let w = this.windows.get(id);
    if (!w || w.start !== start) {
      if (!w && this.windows.size >= this.maxKeys) this.sweep(now);
      w = { start, used: 0 };
      this.windows.set(id, w);
    }
    const granted = Math.max(0, Math.min(amount, limit - w.used));
    w.used += granted;
    return Promise.resolve({ granted, retryAfterMs: start + windowMs - now });
  }

  private sweep(now: number) {
    for (const [id, w] of this.windows) {
      const windowMs = Number(id.slice(0, id.indexOf("|")));
      if (now - w.start >= windowMs) this.windows.delete(id);
    }
    // Still full (a flood of distinct keys): forget the oldest half rather than grow.
    if (this.windows.size >= this.maxKeys)
      [...this.windows.keys()].slice(0, this.maxKeys / 2).forEach((k) => this.windows.delete(k));
  }
}

// KEYS[1] the window's key; ARGV amount, limit, ttl ms. Returns { granted, pttl }.
const TAKE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if grant <= 0 then return {0, redis.call('PTTL', KEYS[1])} end
local now = redis.call('INCRBY', KEYS[1], grant)
if now == grant then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {grant, redis.call('PTTL', KEYS[1])}
`;

type TakeCommand = (key: string, amount: number, limit: number, ttlMs: number) => Promise<[number, number]>;

/** Fixed windows in Redis, shared by every process using the same `prefix`. */
export class RedisBudget implements Budget {
  private readonly fallback = new MemoryBudget();
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "churnless:proxy-budget:",
  ) {
    if (!("churnlessTake" in redis)) redis.defineCommand("churnlessTake", { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  async take(key: string, amount: number, limit: number, windowMs: number, now = Date.now()): Promise<Grant> {
    const window = Math.floor(now / windowMs);
    const ends = (window + 1) * windowMs;
    try {
      const take = (this.redis as unknown as { churnlessTake: TakeCommand }).churnlessTake;
      const [granted] = await take.call(
        this.redis,
        `${this.prefix}${key}:${windowMs}:${window}`,
        amount,
        limit,
        ends - now + 1_000,
      );
      return { granted: Number(granted), retryAfterMs: ends - now };
    } catch (error) {
      if (now - this.lastWarning > 60_000) {
        this.lastWarning = now;
        console.error(
          `[proxy-limits] Redis did not answer (${(error as Error).message}); this process counts on its own for now`,
        );
      }
      return this.fallback.take(key, amount, limit, windowMs, now);
    }
  }
}

let processBudget: Budget | null = null;

/** The app's budget: on Redis when REDIS_URL is set (one connection per process), else in memory. */
export function defaultBudget(): Budget {
  if (processBudget) return processBudget;
  const url = env().REDIS_URL;
  if (!url) return (processBudget = new MemoryBudget());
  const redis = new Redis(url, {
    // A storefront beacon must not wait for a Redis that is away: fail fast, use the fallback.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: env().REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: 500,
  });
  redis.on("error", () => {
    // Reported by take() when a command fails; ioredis reconnects by itself.
  });
  return (processBudget = new RedisBudget(redis));
}
