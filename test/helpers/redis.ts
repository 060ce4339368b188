/**
 * Redis for queue tests (127.0.0.1:6379, or TEST_REDIS_URL). Tests run on it whenever it answers; under
 * CI=true an unreachable Redis is a failure, not a skip.
 */
import { Redis } from "ioredis";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function redisReachable(url = REDIS_URL): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    // Unreachable: the callers skip the Redis tests (or fail under CI=true).
    return false;
  } finally {
    r.disconnect();
  }
}

/** True when the Redis tests should run; throws under CI when Redis is missing. */
export async function redisTestsEnabled(): Promise<boolean> {
  const up = await redisReachable();
  if (!up && process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL}; CI must test on it`);
  return up;
}
