/**
 * The admin side of opt-outs, control groups and due-to-reorder through its routes (demo mode, the demo shop): the control-groups page turns
 * a group on and refuses a bad share with a message (changing nothing), and shows the group's report; the
 * customer page's opt-out control records and reverses a merchant opt-out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";

const SHOP = "demo-shop.myshopify.com";
const getDb = withShopifyAppEnv({ secret: "test-api-secret" });
const saved = { demo: process.env.CHURNLESS_DEMO, shop: process.env.CHURNLESS_DEMO_SHOP };

beforeAll(async () => {
  process.env.CHURNLESS_DEMO = "1";
  process.env.CHURNLESS_DEMO_SHOP = SHOP;
  await getDb().db.segment.create({ data: { shop: SHOP, kind: "rfm", key: "at-risk", name: "At risk", size: 3 } });
});
afterAll(() => {
  process.env.CHURNLESS_DEMO = saved.demo;
  process.env.CHURNLESS_DEMO_SHOP = saved.shop;
});

const post = (path: string, fields: Record<string, string>) =>
  new Request(`http://127.0.0.1:3000${path}`, { method: "POST", body: new URLSearchParams(fields) });
const json = async (r: unknown) => (r instanceof Response ? r : new Response(JSON.stringify(r))).json();

describe("control-groups page", () => {
  it("turns a group on at 10%, refuses 90% with a message and changes nothing, and reports it", async () => {
    const { action, loader } = await import("../../../app/routes/app.uplift/route");
    const on = (await callRoute(
      action,
      post("/app/uplift", { intent: "on", segment: "rfm:at-risk", share: "10" }),
    )) as Response;
    expect(on.status).toBe(200);
    const db = getDb().db;
    expect(await db.controlGroup.findMany({ where: { shop: SHOP } })).toMatchObject([
      { segmentKind: "rfm", segmentKey: "at-risk", enabled: true, share: 0.1 },
    ]);
    const bad = (await callRoute(
      action,
      post("/app/uplift", { intent: "on", segment: "rfm:at-risk", share: "90" }),
    )) as Response;
    expect(bad.status).toBe(400);
    expect((await bad.json()).fields.share).toBe("Enter a share from 1 to 50%");
    expect((await db.controlGroup.findFirstOrThrow({ where: { shop: SHOP } })).share).toBe(0.1);
    // 51 is 51%, not 0.51; an empty share is refused, never read as the default 10%.
    for (const share of ["51", ""]) {
      const refused = (await callRoute(
        action,
        post("/app/uplift", { intent: "on", segment: "rfm:at-risk", share }),
      )) as Response;
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: null,
        fields: { share: "Enter a share from 1 to 50%" },
        intent: "on",
        segment: "rfm:at-risk",
      });
    }
    await db.controlGroup.updateMany({ where: { shop: SHOP }, data: { share: 0.2 } });
    const refusedDefault = (await callRoute(
      action,
      post("/app/uplift", { intent: "on", segment: "rfm:at-risk", share: "" }),
    )) as Response;
    expect(refusedDefault.status).toBe(400);
    expect((await db.controlGroup.findFirstOrThrow({ where: { shop: SHOP } })).share).toBe(0.2);
    await db.controlGroup.updateMany({ where: { shop: SHOP }, data: { share: 0.1 } });
    const cost = (await callRoute(
      action,
      post("/app/uplift", { intent: "cost", segment: "rfm:at-risk", incentiveCost: "-3" }),
    )) as Response;
    expect(cost.status).toBe(400);
    expect((await cost.json()).fields.incentiveCost).toMatch(/from 0 to 1,000,000/);
    const odd = await json(await callRoute(loader, new Request("http://127.0.0.1:3000/app/uplift?period=7")));
    expect(odd.period).toBe(90);
    expect(odd.queryErrors.period).toMatch(/30, 60, 90, 180 days/);
    const page = await json(await callRoute(loader, new Request("http://127.0.0.1:3000/app/uplift?period=90")));
    expect(page.period).toBe(90);
    expect(page.reports).toHaveLength(1);
    expect(page.reports[0]).toMatchObject({ segmentKey: "at-risk", enabled: true, name: "At risk" });
    expect(page.reports[0].result.verdict).toBe("too-few");
    const off = (await callRoute(action, post("/app/uplift", { intent: "off", segment: "rfm:at-risk" }))) as Response;
    expect(off.status).toBe(200);
    expect((await db.controlGroup.findFirstOrThrow({ where: { shop: SHOP } })).enabled).toBe(false);
  });
});

describe("customer page opt-out control", () => {
  it("opts a customer out and back in, dated; refuses an id that is not a customer's", async () => {
    const { action, loader } = await import("../../../app/routes/app.opt-outs/route");
    const id = "gid://shopify/Customer/77";
    const out = await json(await callRoute(action, post("/app/opt-outs", { intent: "opt-out", customerId: id })));
    expect(out).toMatchObject({ optedOut: true, source: "merchant" });
    const read = await json(
      await callRoute(loader, new Request(`http://127.0.0.1:3000/app/opt-outs?customerId=${encodeURIComponent(id)}`)),
    );
    expect(read.optedOut).toBe(true);
    expect(Date.parse(read.optedOutAt)).toBeGreaterThan(Date.now() - 60_000);
    const back = await json(await callRoute(action, post("/app/opt-outs", { intent: "restore", customerId: id })));
    expect(back).toMatchObject({ optedOut: false });
    expect(back.revokedAt).not.toBeNull();
    const bad = (await callRoute(
      action,
      post("/app/opt-outs", { intent: "opt-out", customerId: "gid://shopify/Order/1" }),
    )) as Response;
    expect(bad.status).toBe(400);
    expect(await getDb().db.customerOptOut.count({ where: { customerId: "gid://shopify/Order/1" } })).toBe(0);
  });
});

describe("customer page's due-to-reorder card", () => {
  it("lists the customer's due products with their window and the product's cycle", async () => {
    const { loader } = await import("../../../app/routes/app.reorder/route");
    const db = getDb().db;
    const id = "gid://shopify/Customer/78";
    await db.product.create({ data: { shop: SHOP, id: "gid://shopify/Product/5", handle: "house-blend" } });
    await db.productCycle.create({
      data: {
        shop: SHOP,
        productId: "gid://shopify/Product/5",
        medianDays: 30.4,
        lowDays: 25,
        highDays: 36,
        repeatBuyers: 9,
        intervals: 20,
      },
    });
    await db.reorderDue.create({
      data: {
        shop: SHOP,
        customerId: id,
        productId: "gid://shopify/Product/5",
        lastBoughtAt: new Date("2026-11-01"),
        dueFrom: new Date("2026-11-26"),
        dueTo: new Date("2026-12-07"),
      },
    });
    const body = await json(
      await callRoute(loader, new Request(`http://127.0.0.1:3000/app/reorder?customerId=${encodeURIComponent(id)}`)),
    );
    expect(body.due).toEqual([
      {
        productId: "gid://shopify/Product/5",
        name: "house-blend",
        lastBoughtAt: "2026-11-01T00:00:00.000Z",
        dueFrom: "2026-11-26T00:00:00.000Z",
        dueTo: "2026-12-07T00:00:00.000Z",
        cycleDays: 30.4,
      },
    ]);
    const bad = (await callRoute(loader, new Request("http://127.0.0.1:3000/app/reorder?customerId=x"))) as Response;
    expect(bad.status).toBe(400);
  });
});
