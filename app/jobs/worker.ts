/**
 * `npm run worker`: a worker process for the BullMQ queue (needs REDIS_URL). Run as many as you like.
 * SIGTERM/SIGINT finish the jobs in hand and exit.
 */
import db from "../db.server";
import { startWorker } from "./worker.server";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  console.error("npm run worker needs REDIS_URL (e.g. redis://127.0.0.1:6379); without it the app runs jobs in-process.");
  process.exit(2);
}

const { close } = startWorker({ db, redisUrl, concurrency: Number(process.env.WORKER_CONCURRENCY ?? 2) });
console.error(`churnless worker ${process.pid} listening on ${redisUrl.replace(/\/\/[^@/]*@/, "//***@")}`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`worker ${process.pid}: ${signal}, finishing jobs in hand`);
    await close();
    await db.$disconnect();
    process.exit(0);
  });
}
