/**
 * Auto-tagging stays off until the merchant has seen a preview of the tag changes; turning it on then
 * publishes the current analysis at once. (Demo mode stands in for Shopify's session here.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSqliteTestDb, type TestDb } from "../../helpers/db";

const enqueueJob = vi.fn(async () => ({ id: "job-1" }));
vi.mock(import("../../../app/jobs/runtime/queue.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  enqueueJob: enqueueJob as never,
}));

const SHOP = "settings-shop.myshopify.com";
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
const form = (fields: Record<string, string>) =>
  new Request("http://localhost/app/settings", { method: "POST", body: new URLSearchParams(fields) });
const valid = {
  tagPrefix: "churnless",
  refreshEveryHours: "24",
  recsCount: "8",
  tagRisk: "on",
  tagSegments: "on",
  tagClusters: "on",
  recsEnabled: "on",
};

describe("settings: auto-tagging", () => {
  it("cannot be turned on before a preview was seen, then can, and publishes at once", async () => {
    const { action, loader } = await import("../../../app/routes/app.settings/route");
    const run = (fn: unknown, request: Request) =>
      (fn as (a: Args) => Promise<Response>)({ request, params: {}, context: {} });

    const refused = await run(action, form({ ...valid, autoTag: "on" }));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors.autoTag).toMatch(/preview/);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.autoTag).toBe(false);
    expect(enqueueJob).not.toHaveBeenCalled();

    // A preview ran; the merchant opens the settings page and sees it.
    await t.db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "preview",
        status: "succeeded",
        detailsJson: JSON.stringify({ customers: 10, customersChanged: 4, tagsAdded: 8, tagsRemoved: 0 }),
      },
    });
    const page = await run(loader, new Request("http://localhost/app/settings"));
    const data = (await page.json()) as { settings: { previewSeen: boolean } };
    expect(data.settings.previewSeen).toBe(true);

    const saved = await run(action, form({ ...valid, autoTag: "on" }));
    expect(saved.status).toBe(200);
    expect((await t.db.shop.findUnique({ where: { shop: SHOP } }))?.autoTag).toBe(true);
    expect(enqueueJob).toHaveBeenCalledWith(SHOP, "publish", { force: true });
  });
});

describe("settings: number fields", () => {
  it("refuses numbers out of range, not numbers or empty ones with the real limits, and saves nothing", async () => {
    const { action } = await import("../../../app/routes/app.settings/route");
    const run = (request: Request) =>
      (action as unknown as (a: Args) => Promise<Response>)({ request, params: {}, context: {} });
    const before = await t.db.shop.findUnique({ where: { shop: SHOP } });
    const refused = await run(
      form({ ...valid, churnHorizonDays: "abc", clusterK: "13", recsCount: "", refreshEveryHours: "x" }),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors).toEqual({
      churnHorizonDays: "The churn horizon: enter a whole number from 14 to 730, or leave it empty for automatic",
      clusterK: "The number of clusters: enter a whole number from 2 to 12, or leave it empty for automatic",
      recsCount: "Show from 1 to 20 recommendations (a whole number)",
      refreshEveryHours: "Pick a refresh schedule from the list",
    });
    expect(await t.db.shop.findUnique({ where: { shop: SHOP } })).toEqual(before);
  });
});
