import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { enqueueJob } from "../jobs/runtime/queue.server";
import { authenticateWebhook } from "../shopify.server";
import { handleScopesUpdate } from "../webhooks/compliance.server";

const stringList = (value: unknown): string[] | null => (Array.isArray(value) ? value.map(String) : null);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session, shop } = await authenticateWebhook(request, "app/scopes_update");
  await handleScopesUpdate(db, shop, session?.id ?? null, stringList(payload.current) ?? [], {
    previous: stringList(payload.previous),
    // Once read_all_orders is granted: a full re-sync, queued behind a sync already running (never refused).
    resyncFullHistory: (s) => enqueueJob(s, "full-sync"),
  });
  return new Response();
};
