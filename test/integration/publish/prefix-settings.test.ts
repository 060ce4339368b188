/**
 * The settings page refuses a tag prefix that collides with tags already used in the shop, says which,
 * and saves nothing; a free prefix is saved and needs a new preview. (Demo mode stands in for Shopify's
 * session; the Admin API is the stand-in's.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AdminGraphql } from "../../../app/shopify/types";
import { createSqliteTestDb, type TestDb } from "../../helpers/db";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { adminFor, buildFixture, cloneData } from "./fixture";

const enqueueJob = vi.fn(async () => ({ id: "job-1" }));
vi.mock(import("../../../app/jobs/runtime/queue.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  enqueueJob: enqueueJob as never,
}));
let liveAdmin: AdminGraphql | null = null;
vi.mock(import("../../../app/shopify/admin.server"), async (importOriginal) => ({
  ...(await importOriginal()),
  adminForShop: (async () => {
    if (!liveAdmin) throw new Error("no admin");
    return liveAdmin;
  }) as never,
}));

const fx = buildFixture({ shop: "prefix-settings.myshopify.com", customers: 10, staleShare: 0 });
const SHOP = fx.data.shop;
let t: TestDb;
let standin: Standin;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const data = cloneData(fx.data);
  data.customers[2].tags.push("vip:gold", "VIP:Platinum");
  standin = await startStandin({ shops: [data] });
  liveAdmin = adminFor(standin, SHOP);
  t = await createSqliteTestDb();
  Object.assign(process.env, { DATABASE_URL: t.url, CHURNLESS_DEMO: "1", CHURNLESS_DEMO_SHOP: SHOP, NODE_ENV: "test" });
});
afterAll(async () => {
  process.env = savedEnv;
  await standin?.close();
  await t?.cleanup();
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

describe("settings: the tag prefix", () => {
  it("refuses a prefix the shop's tags already use, naming them, and saves nothing", async () => {
    const { action } = await import("../../../app/routes/app.settings/route");
    const run = (request: Request) =>
      (action as unknown as (a: Args) => Promise<Response>)({ request, params: {}, context: {} });
    const refused = await run(form({ ...valid, tagPrefix: "vip", recsCount: "5" }));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { ok: boolean; errors: Record<string, string> };
    expect(body.ok).toBe(false);
    expect(body.errors.tagPrefix).toMatch(/"vip:gold"/);
    expect(body.errors.tagPrefix).toMatch(/"VIP:Platinum"/);
    const row = await t.db.shop.findUnique({ where: { shop: SHOP } });
    expect(row?.tagPrefix ?? "churnless").toBe("churnless");
    expect(row?.recsCount ?? 8).toBe(8); // nothing else was saved either
  });

  it("saves a free prefix, keeps the old one to move its tags, and asks for a new preview", async () => {
    const { action } = await import("../../../app/routes/app.settings/route");
    const run = (request: Request) =>
      (action as unknown as (a: Args) => Promise<Response>)({ request, params: {}, context: {} });
    await t.db.shop.update({ where: { shop: SHOP }, data: { previewSeenAt: new Date() } });
    const saved = await run(form({ ...valid, tagPrefix: "Retain" }));
    expect(saved.status).toBe(200);
    const row = await t.db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row).toMatchObject({ tagPrefix: "retain", previousTagPrefix: "churnless", previewSeenAt: null });
    expect(row.tagPrefixChangedAt).not.toBeNull();
  });

  it("only a preview computed after the change counts as seen", async () => {
    const { loader } = await import("../../../app/routes/app.settings/route");
    const load = async () =>
      (
        await (loader as unknown as (a: Args) => Promise<Response>)({
          request: new Request("http://localhost/app/settings"),
          params: {},
          context: {},
        })
      ).json() as Promise<{
        settings: { previewSeen: boolean };
      }>;
    const changedAt = (await t.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).tagPrefixChangedAt!;
    // A preview from before the change (old prefix) does not show the move.
    await t.db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "preview",
        status: "succeeded",
        startedAt: new Date(changedAt.getTime() - 60_000),
        detailsJson: "{}",
      },
    });
    expect((await load()).settings.previewSeen).toBe(false);
    await t.db.syncRun.create({
      data: {
        shop: SHOP,
        kind: "preview",
        status: "succeeded",
        startedAt: new Date(changedAt.getTime() + 1000),
        detailsJson: "{}",
      },
    });
    expect((await load()).settings.previewSeen).toBe(true);
  });
});
