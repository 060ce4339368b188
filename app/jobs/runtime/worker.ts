/**
 * `npm run worker`: a worker process for the BullMQ queue (needs REDIS_URL). Run as many as you like.
 * At start it checks the configuration, the database and Redis (each bounded in time) and exits with one
 * line when one is wrong. SIGTERM/SIGINT finish the jobs in hand and exit (bounded when Redis is gone).
 */
import { maskUrl, shopifyAppSettings } from "../../env.server";
import { checkAtStart, failStart } from "../../startup.server";

// Configuration and database first: the app's modules (imported below) read settings when loaded.
const config = await checkAtStart("worker");
const [
  { Redis },
  { default: db },
  { startRetentionSchedule },
  { BullMqQueue, redisConnection, withTimeout },
  { restoreSchedules, startMaintenance },
  { startWorker },
  { librarySessionLoader, setOfflineSessionLoader },
] = await Promise.all([
  import("ioredis"),
  import("../../db.server"),
  import("../../models/rec-events.server"),
  import("./queue.server"),
  import("./schedules.server"),
  import("./worker.server"),
  import("../../shopify/admin.server"),
]);
// The jobs load a shop's offline session through the library's setup (app/shopify.server.ts), when first asked.
setOfflineSessionLoader(librarySessionLoader(() => import("../../shopify.server")));
const redisUrl = config.REDIS_URL;
if (!redisUrl) {
  console.error(
    "npm run worker needs REDIS_URL (e.g. redis://127.0.0.1:6379); without it the app runs jobs in-process.",
  );
  process.exit(2);
}

/** Redis answers PING within the connect timeout, or the worker does not start. */
async function checkRedis(url: string, timeoutMs: number): Promise<void> {
  const probe = new Redis({
    ...redisConnection(url, { connectTimeoutMs: timeoutMs }),
    lazyConnect: true,
    retryStrategy: () => null,
  });
  let lastError: string | null = null;
  probe.on("error", (error: Error) => (lastError = error.message)); // reported below, in the one line
  try {
    await withTimeout(
      probe.connect().then(() => probe.ping()),
      timeoutMs,
      () => `no answer within ${timeoutMs / 1000} s`,
    );
  } catch (error) {
    failStart("worker", `Redis at ${maskUrl(url)} is not reachable: ${lastError ?? (error as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

await checkRedis(redisUrl, config.REDIS_CONNECT_TIMEOUT_MS);
// Jobs renew the shops' expiring offline tokens through the Shopify library: it needs the app's credentials.
try {
  shopifyAppSettings(config);
} catch (error) {
  failStart("worker", `${(error as Error).message} (a worker renews the shops' access tokens with them)`);
}
// Every installed shop's refresh schedule, as the database says (Redis may have lost some, or kept stale ones).
const schedules = await BullMqQueue.connect(redisUrl);
try {
  const restored = await restoreSchedules(db, schedules);
  console.error(
    `churnless worker ${process.pid}: ${restored.scheduled.length} shop refresh schedule(s), ${restored.removed.length} stale one(s) removed`,
  );
} catch (error) {
  await schedules.close();
  throw error;
}
// And again every few minutes, while the worker runs (Redis may lose its data meanwhile); the same round
// closes runs whose process died.
const stopMaintenance = startMaintenance(db, schedules);
const { close } = startWorker({ db, redisUrl, concurrency: config.WORKER_CONCURRENCY });
// Daily prune of old storefront events, webhook ids and finished tag changes (docs/deploying.md, "Data the app keeps").
const stopRetention = startRetentionSchedule(db);
console.error(`churnless worker ${process.pid} listening on ${maskUrl(redisUrl)}`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`worker ${process.pid}: ${signal}, finishing jobs in hand`);
    try {
      stopRetention();
      stopMaintenance();
      await close();
      await schedules.close();
      await db.$disconnect();
    } catch (error) {
      console.error(`worker ${process.pid}: shutting down: ${(error as Error).message}`);
    }
    process.exit(0);
  });
}
