/**
 * Child process for the crash-and-resume test: runs one publish against the stand-in and a file database,
 * and is killed (SIGKILL) by the parent in the middle. Input through the environment.
 */
import { createDb } from "../../../app/db.server";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { createAdminClient } from "../../../app/shopify/client.server";

const { CRASH_DB_URL, CRASH_STANDIN_URL, CRASH_SHOP, CRASH_TOKEN, CRASH_BULK_THRESHOLD } = process.env;
if (!CRASH_DB_URL || !CRASH_STANDIN_URL || !CRASH_SHOP || !CRASH_TOKEN)
  throw new Error("crash-child: CRASH_DB_URL, CRASH_STANDIN_URL, CRASH_SHOP and CRASH_TOKEN are required");

const db = createDb(CRASH_DB_URL);
const admin = createAdminClient({
  shop: CRASH_SHOP,
  accessToken: CRASH_TOKEN,
  apiBaseUrl: CRASH_STANDIN_URL,
  baseDelayMs: 20,
});
const report = await runPublish(db, admin, CRASH_SHOP, {
  preview: false,
  flow: false,
  metafields: false,
  segments: false,
  bulkThreshold: CRASH_BULK_THRESHOLD ? Number(CRASH_BULK_THRESHOLD) : undefined,
  bulk: { pollIntervalMs: 20 },
});
console.log(JSON.stringify({ finished: true, runId: report.runId }));
await db.$disconnect();
