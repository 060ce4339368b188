/**
 * The Settings page never writes from its GET loader: it says a preview counts as seen, and the page
 * records it with a POST (intent "preview-seen") naming the preview it shows. Only the latest preview,
 * succeeded and computed since the last prefix change, is recorded. (Demo mode stands in for Shopify's session.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSqliteTestDb, type TestDb } from "../../helpers/db";

vi.mock(import("../../../app/jobs/runtime/queue.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  enqueueJob: vi.fn(async () => ({ id: "job-1" })) as never,
}));

const SHOP = "preview-seen-shop.myshopify.com";
let t: TestDb;
const savedEnv = { ...process.env };

beforeAll(async () => {
  t = await createSqliteTestDb();
  Object.assign(process.env, { DATABASE_URL: t.url, CHURNLESS_DEMO: "1", CHURNLESS_DEMO_SHOP: SHOP, NODE_ENV: "test" });
});
afterAll(async () => {
  process.env = savedEnv;
  await t.cleanup();
});

type Args = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
const call = (fn: unknown, request: Request) =>
  (fn as (a: Args) => Promise<Response>)({ request, params: {}, context: {} });
const seen = async () => (await t.db.shop.findUnique({ where: { shop: SHOP } }))?.previewSeenAt ?? null;

describe("settings: the preview is recorded as seen by a POST, never by the loader", () => {
  it("the loader reports a preview to record and writes nothing; the page's POST records it once", async () => {
    const { action, loader } = await import("../../../app/routes/app.settings/route");
    const old = await t.db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "preview",
        status: "succeeded",
        startedAt: new Date(Date.now() - 60_000),
        detailsJson: "{}",
      },
    });
    const latest = await t.db.syncRun.create({
      data: { shop: SHOP, kind: "preview", status: "succeeded", detailsJson: "{}" },
    });

    const page = (await (await call(loader, new Request("http://localhost/app/settings"))).json()) as {
      settings: { previewSeen: boolean };
      previewToRecord: string | null;
    };
    expect(page.settings.previewSeen).toBe(true);
    expect(page.previewToRecord).toBe(latest.id);
    expect(await seen()).toBeNull();

    const post = (fields: Record<string, string>) =>
      new Request("http://localhost/app/settings", { method: "POST", body: new URLSearchParams(fields) });
    // A preview that is no longer the latest is not recorded.
    expect((await call(action, post({ intent: "preview-seen", previewId: old.id }))).status).toBe(200);
    expect(await seen()).toBeNull();
    expect((await call(action, post({ intent: "preview-seen", previewId: latest.id }))).status).toBe(200);
    const at = await seen();
    expect(at).not.toBeNull();

    const again = (await (await call(loader, new Request("http://localhost/app/settings"))).json()) as {
      previewToRecord: string | null;
    };
    expect(again.previewToRecord).toBeNull();
    await call(action, post({ intent: "preview-seen", previewId: latest.id }));
    expect(await seen()).toEqual(at);
  });
});
