/**
 * POST /proxy/events (batched impressions and clicks) and the impact numbers. Requests are signed as
 * Shopify signs them (test/helpers/app-proxy.ts). Covered: known products only; forged, malformed, oversized
 * (with and without Content-Length) and replayed requests record nothing; rate limits per visitor and per
 * shop; clicks capped at the visit's impressions; attribution only through the order's cart attribute;
 * the retention prune and its schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";
import { proxyRequest } from "../../helpers/app-proxy";
import { lineItemInput, orderGid, orderInput, orderRow } from "../../helpers/orders";
import {
  attributedOrders,
  impactSummary,
  MAX_BODY_BYTES,
  DEFAULT_EVENTS_LIMITS,
  MAX_PRODUCTS_PER_BATCH,
  pruneOldRows,
  recordOrderAttribution,
  recordRecEvents,
  startRetentionSchedule,
} from "../../../app/models/rec-events.server";
import { getResults } from "../../../app/routes/app.results/data.server";

const SECRET = "events-secret";
const SHOP = "events-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const P = (n: number) => `gid://shopify/Product/${n}`;
const DAY = 86_400_000;
const VISIT = "visit-aaaaaaaa";

let nonceCount = 0;
const nonce = () => `nonce-${Date.now()}-${++nonceCount}`;

function post(
  body: unknown,
  opts: {
    secret?: string;
    shop?: string;
    n?: string | null;
    ip?: string;
    customer?: string;
    contentLength?: boolean;
  } = {},
): Request {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return proxyRequest("events", opts.n === null ? {} : { n: opts.n ?? nonce() }, {
    shop: opts.shop ?? SHOP,
    secret: opts.secret ?? SECRET,
    customer: opts.customer,
    method: "POST",
    body: text,
    headers: { "Content-Type": "text/plain", "X-Forwarded-For": opts.ip ?? "203.0.113.1" },
  });
}

/** A body streamed in chunks, without Content-Length. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new TextEncoder().encode("x".repeat(Math.min(4096, bytes - sent)));
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe("POST /proxy/events", () => {
  const getDb = withShopifyAppEnv({
    secret: SECRET,
    seed: async (t) => {
      for (let i = 1; i <= 4; i++)
        await t.db.product.create({ data: { shop: SHOP, id: P(i), handle: `p-${i}`, price: 10 * i } });
      await t.db.product.create({ data: { shop: OTHER, id: P(99), handle: "other" } });
    },
  });
  const action = async (request: Request) => {
    const { action } = await import("../../../app/routes/proxy.events/route");
    return (await callRoute(action, request)) as Response;
  };
  const rows = (shop = SHOP) =>
    getDb().db.recEvent.findMany({
      where: { shop },
      orderBy: [{ productId: "asc" }, { kind: "asc" }],
      select: { productId: true, kind: true, count: true },
    });

  it("adds a visit's batch to the daily counts of the signed shop's known products only", async () => {
    const batch = {
      visit: VISIT,
      events: [
        { kind: "impression", productId: P(1) },
        { kind: "impression", productId: "2" },
        { kind: "impression", productId: P(2) },
        { kind: "click", productId: P(2) },
        { kind: "impression", productId: P(99) }, // another shop's product
        { kind: "impression", productId: "gid://shopify/Product/abc" },
        { kind: "impression", productId: P(12345) }, // unknown
      ],
    };
    const res = await action(post(batch, { ip: "198.51.100.1" }));
    expect(res.status).toBe(200);
    // P(2) shown twice in the visit: one impression.
    expect(await res.json()).toEqual({ recorded: 3, impressions: 2, clicks: 1 });
    expect(await rows()).toEqual([
      { productId: P(1), kind: "impression", count: 1 },
      { productId: P(2), kind: "click", count: 1 },
      { productId: P(2), kind: "impression", count: 1 },
    ]);
    expect(await rows(OTHER)).toEqual([]);
  });

  it("records nothing for forged, non-POST, malformed, nonce-less or oversized requests", async () => {
    const before = await rows();
    const ok = { visit: VISIT, events: [{ kind: "impression", productId: P(3) }] };
    const ip = "198.51.100.2";
    expect((await action(post(ok, { secret: "nope", ip }))).status).toBe(401);
    const { loader } = await import("../../../app/routes/proxy.events/route");
    expect(((await callRoute(loader, post(ok, { ip }))) as Response).status).toBe(405);
    const notJson = await action(post("{oops", { ip }));
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/Body must be JSON/);
    expect(((await (await action(post({ events: ok.events }, { ip }))).json()) as { error: string }).error).toMatch(
      /visit/,
    );
    expect(
      (
        (await (
          await action(post({ visit: VISIT, events: [{ kind: "purchase", productId: P(1) }] }, { ip }))
        ).json()) as { error: string }
      ).error,
    ).toMatch(/events\.0\.kind/);
    expect(
      (await action(post({ visit: VISIT, events: Array.from({ length: 201 }, () => ok.events[0]) }, { ip }))).status,
    ).toBe(400);
    expect((await action(post(ok, { n: null, ip }))).status).toBe(400);
    expect((await action(post({ ...ok, pad: "x".repeat(MAX_BODY_BYTES) }, { ip }))).status).toBe(413);
    // No Content-Length: the body is cut off while it is read.
    const noLength = proxyRequest(
      "events",
      { n: nonce() },
      { shop: SHOP, secret: SECRET, method: "POST", body: streamed(5 * MAX_BODY_BYTES) },
    );
    expect(noLength.headers.get("Content-Length")).toBeNull();
    expect((await action(noLength)).status).toBe(413);
    expect(await rows()).toEqual(before);
  });

  it("records the batch's placement, and refuses one that is not a template name", async () => {
    const events = [{ kind: "impression", productId: P(4) }];
    const bad = await action(
      post({ visit: "visit-place-bad", placement: "Cart page!", events }, { ip: "198.51.100.7" }),
    );
    expect(bad.status).toBe(400);
    expect(await getDb().db.recEvent.count({ where: { shop: SHOP, productId: P(4) } })).toBe(0);
    const ok = await action(post({ visit: "visit-place-ok", placement: "index", events }, { ip: "198.51.100.7" }));
    expect(ok.status).toBe(200);
    expect(
      await getDb().db.recEvent.findMany({
        where: { shop: SHOP, productId: P(4) },
        select: { kind: true, placement: true, count: true },
      }),
    ).toEqual([{ kind: "impression", placement: "index", count: 1 }]);
    await getDb().db.recEvent.deleteMany({ where: { shop: SHOP, productId: P(4) } });
    await getDb().db.recVisit.deleteMany({ where: { shop: SHOP, productId: P(4) } });
  });

  it("refuses a replayed signed request", async () => {
    const batch = { visit: "visit-replay1", events: [{ kind: "impression", productId: P(4) }] };
    const n = nonce();
    const first = await action(post(batch, { n, ip: "198.51.100.3" }));
    expect(first.status).toBe(200);
    const again = await action(post(batch, { n, ip: "198.51.100.3" }));
    expect(again.status).toBe(409);
    expect((await rows()).find((r) => r.productId === P(4))).toEqual({ productId: P(4), kind: "impression", count: 1 });
  });

  it("limits requests per visit, whatever X-Forwarded-For says, and not other visits", async () => {
    const batch = { visit: "visit-limit01", events: [] };
    const perMinute = DEFAULT_EVENTS_LIMITS.visitRequestsPerMinute;
    const statuses: number[] = [];
    // A new leftmost X-Forwarded-For on every request changes nothing: the visit is the key.
    for (let i = 0; i < perMinute; i++) statuses.push((await action(post(batch, { ip: `192.0.2.${i} ` }))).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const limited = await action(post(batch, { ip: "198.18.0.1" }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await action(post({ ...batch, visit: "visit-limit02" }, { ip: "198.18.0.1" }))).status).toBe(200);
  });

  it("counts a visit's clicks on a product only up to its impressions of it", async () => {
    const db = getDb().db;
    const send = (visit: string, events: Array<[string, number]>) =>
      action(
        post(
          { visit, events: events.map(([kind, p]) => ({ kind, productId: P(p) })) },
          { ip: `203.0.113.${visit.length}` },
        ),
      );
    const before = (await rows()).find((r) => r.productId === P(3) && r.kind === "click")?.count ?? 0;
    expect(
      await (
        await send("visit-cap-001", [
          ["impression", 3],
          ["click", 3],
          ["click", 3],
          ["click", 3],
        ])
      ).json(),
    ).toMatchObject({ clicks: 1 });
    expect(await (await send("visit-cap-001", [["click", 3]])).json()).toMatchObject({ clicks: 0 });
    expect(
      await (
        await send("visit-cap-0002", [
          ["click", 3],
          ["click", 3],
        ])
      ).json(),
    ).toMatchObject({ clicks: 0 }); // no impression
    expect(
      await (
        await send("visit-cap-001", [
          ["impression", 3],
          ["click", 3],
          ["click", 3],
        ])
      ).json(),
    ).toMatchObject({ impressions: 0, clicks: 0 }); // the visit's impression and click were counted already
    expect((await rows()).find((r) => r.productId === P(3) && r.kind === "click")?.count).toBe(before + 1);
    expect(
      await db.recVisit.findUnique({
        where: { shop_visitId_productId: { shop: SHOP, visitId: "visit-cap-001", productId: P(3) } },
      }),
    ).toMatchObject({
      impressions: 1,
      clicks: 1,
    });
  });
});

for (const kind of await databaseKinds()) {
  describe(`impact and retention (${kind})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(kind);
    });
    afterAll(async () => t?.cleanup());

    it("counts one impression of a product per visit, and at most MAX_PRODUCTS_PER_BATCH products a batch", async () => {
      await t.db.product.create({ data: { shop: SHOP, id: P(4), handle: "p-4" } });
      const many = {
        visit: "visit-many-01",
        events: Array.from({ length: 150 }, () => ({ kind: "impression" as const, productId: P(4) })),
      };
      expect(await recordRecEvents(t.db, SHOP, many)).toEqual({ impressions: 1, clicks: 0, dropped: 0 });
      expect((await recordRecEvents(t.db, SHOP, many)).impressions).toBe(0); // the same visit again
      expect((await recordRecEvents(t.db, SHOP, { ...many, visit: "visit-many-02" })).impressions).toBe(1);
      for (let i = 100; i < 140; i++) await t.db.product.create({ data: { shop: SHOP, id: P(i), handle: `p-${i}` } });
      const wide = {
        visit: "visit-wide-01",
        events: Array.from({ length: 40 }, (_, i) => ({ kind: "impression" as const, productId: P(100 + i) })),
      };
      expect(await recordRecEvents(t.db, SHOP, wide)).toEqual({
        impressions: MAX_PRODUCTS_PER_BATCH,
        clicks: 0,
        dropped: 0,
      });
      // A budget that grants 5 of what could count: 5 counted, the rest dropped.
      const asked: number[] = [];
      const allow = (n: number) => (asked.push(n), Promise.resolve(5));
      expect(await recordRecEvents(t.db, SHOP, { ...wide, visit: "visit-wide-02" }, new Date(), allow)).toEqual({
        impressions: 5,
        clicks: 0,
        dropped: MAX_PRODUCTS_PER_BATCH - 5,
      });
      expect(asked).toEqual([MAX_PRODUCTS_PER_BATCH]);
    });

    it("attributes only orders whose cart carried the block's attribute, to a counted click, each click once (and the summary)", async () => {
      const shop = "attr-shop.myshopify.com";
      for (let i = 1; i <= 3; i++) await t.db.product.create({ data: { shop, id: P(i), handle: `a-${i}` } });
      const clickDay = new Date("2026-11-01T10:00:00Z");
      const click = (p: number, visit: string, at: Date) =>
        recordRecEvents(
          t.db,
          shop,
          {
            visit,
            events: [
              { kind: "impression", productId: P(p) },
              { kind: "click", productId: P(p) },
            ],
          },
          at,
        );
      await click(1, "visit-attr-01", clickDay);
      await click(2, "visit-attr-01", clickDay);
      await click(2, "visit-attr-02", clickDay);
      let n = 0;
      const order = async (
        day: number,
        products: number[],
        extra: { attr?: string | null; test?: boolean; cancelled?: boolean; total?: number } = {},
      ) => {
        const at = new Date(clickDay.getTime() + day * DAY);
        const id = orderGid(++n);
        const placed = orderInput({
          id,
          processedAt: at,
          cancelledAt: extra.cancelled ? at : null,
          test: extra.test ?? false,
          total: extra.total ?? 50,
          lineItems: products.map((p) => lineItemInput(P(p))),
        });
        await t.db.order.create({ data: orderRow(shop, placed) });
        const attr = extra.attr === undefined ? `${products[0]}:${Math.floor(clickDay.getTime() / 1000)}` : extra.attr;
        const notes = attr === null ? [{ name: "gift", value: "yes" }] : [{ name: "_churnless_rec", value: attr }];
        await recordOrderAttribution(t.db, shop, { id, processedAt: at }, notes);
        return id;
      };
      const o1 = await order(2, [1]); // attributed (P1 click)
      await order(3, [1]); // P1's only counted click is used
      await order(1, [2], { attr: null }); // holds a clicked product, but no cart attribute: not attributed
      await order(1, [3], { attr: `2:${Math.floor(clickDay.getTime() / 1000)}` }); // attribute names a product not in the order
      await order(8, [2]); // 8 days after the click: outside the window
      await order(1, [2], { test: true });
      await order(1, [2], { cancelled: true });
      await order(1, [2], { attr: "2:not-a-time" }); // malformed attribute
      const o9 = await order(7, [2, 3], { total: 70 }); // attributed through P2
      const o10 = await order(0, [2]); // P2's second counted click
      await order(7.5, [2]); // P2's two counted clicks are used (by o10, then o9)
      const r = await attributedOrders(t.db, shop, new Date("2026-10-25T00:00:00Z"));
      expect(r.orderIds.sort()).toEqual([o1, o9, o10].sort());
      expect(r.revenue).toBe(170);
      expect(r.recommendedItemRevenue).toBe(30);
      expect((await attributedOrders(t.db, shop, new Date("2026-11-20T00:00:00Z"))).orders).toBe(0);
      expect(await recordOrderAttribution(t.db, shop, { id: "x", processedAt: clickDay }, undefined)).toBe(false);
      // The dashboard's summary uses the same rule.
      const summary = await impactSummary(t.db, shop, { now: new Date("2026-11-12T12:00:00Z"), days: 30 });
      expect(summary).toMatchObject({
        impressions: 3,
        clicks: 3,
        ctr: 1,
        attributedOrders: 3,
        attributedRevenue: 170,
        recommendedItemRevenue: 30,
      });
      expect((await impactSummary(t.db, "nobody.myshopify.com")).ctr).toBe(0);
    });

    it("counts impressions, clicks and attributed orders by placement (the block's template) and week", async () => {
      const shop = "placement-shop.myshopify.com";
      for (let i = 1; i <= 2; i++) await t.db.product.create({ data: { shop, id: P(i), handle: `pl-${i}` } });
      const day = new Date("2026-11-03T10:00:00Z"); // the week of Monday 2026-11-02
      const shown = (visit: string, placement: string | undefined, events: Array<["impression" | "click", number]>) =>
        recordRecEvents(
          t.db,
          shop,
          {
            visit,
            ...(placement ? { placement } : {}),
            events: events.map(([kind, p]) => ({ kind, productId: P(p) })),
          },
          day,
        );
      await shown("visit-place-01", "product", [
        ["impression", 1],
        ["click", 1],
      ]);
      await shown("visit-place-02", "product", [["impression", 1]]);
      await shown("visit-place-03", "cart", [
        ["impression", 2],
        ["click", 2],
      ]);
      await shown("visit-place-04", undefined, [["impression", 1]]); // a block from before placements
      // The same product and day from two placements: two rows.
      expect(
        await t.db.recEvent.findMany({
          where: { shop, productId: P(1), kind: "impression" },
          select: { placement: true, count: true },
          orderBy: { placement: "asc" },
        }),
      ).toEqual([
        { placement: "", count: 1 },
        { placement: "product", count: 2 },
      ]);
      // An order after the click in the cart, whose mark names that placement.
      const id = orderGid(7001);
      const at = new Date(day.getTime() + 3_600_000);
      await t.db.order.create({
        data: orderRow(shop, orderInput({ id, processedAt: at, total: 80, lineItems: [lineItemInput(P(2))] })),
      });
      const mark = `2:${Math.floor(day.getTime() / 1000)}:cart`;
      expect(
        await recordOrderAttribution(t.db, shop, { id, processedAt: at }, [{ name: "_churnless_rec", value: mark }]),
      ).toBe(true);
      expect((await t.db.recAttribution.findFirst({ where: { shop, orderId: id } }))?.placement).toBe("cart");
      const r = await getResults(t.db, shop, { now: new Date("2026-11-05T12:00:00Z"), weeks: 2 });
      expect(
        r.placements.map(({ week, placement, impressions, clicks, ctr, attributedOrders, attributedRevenue }) => ({
          week,
          placement,
          impressions,
          clicks,
          ctr,
          attributedOrders,
          attributedRevenue,
        })),
      ).toEqual([
        {
          week: "2026-11-02",
          placement: "product",
          impressions: 2,
          clicks: 1,
          ctr: 0.5,
          attributedOrders: 0,
          attributedRevenue: 0,
        },
        {
          week: "2026-11-02",
          placement: "",
          impressions: 1,
          clicks: 0,
          ctr: 0,
          attributedOrders: 0,
          attributedRevenue: 0,
        },
        {
          week: "2026-11-02",
          placement: "cart",
          impressions: 1,
          clicks: 1,
          ctr: 1,
          attributedOrders: 1,
          attributedRevenue: 80,
        },
      ]);
      expect(r.placements.map((p) => p.label)).toEqual([
        "Product pages",
        "Not reported (a block from before placements were sent)",
        "Cart",
      ]);
      // The week's row is the placements' sum.
      expect(r.weeks.at(-1)).toMatchObject({ impressions: 4, clicks: 2, attributedOrders: 1, attributedRevenue: 80 });
    });

    it("prunes rows older than the retention period, on a schedule, keeping the publish journal's pending changes", async () => {
      const shop = "prune-shop.myshopify.com";
      const now = new Date();
      const old = new Date(now.getTime() - 100 * DAY);
      const recent = new Date(now.getTime() - 5 * DAY);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      for (const [d, p] of [
        [old, "1"],
        [recent, "2"],
      ] as const) {
        await t.db.recEvent.create({ data: { shop, day: day(d), productId: P(Number(p)), kind: "click", count: 1 } });
        await t.db.recVisit.create({
          data: { shop, visitId: `v-${p}-aaaaaa`, productId: P(1), day: day(d), impressions: 1 },
        });
        await t.db.recAttribution.create({
          data: { shop, orderId: `o-${p}`, productId: P(1), clickedAt: d, processedAt: d },
        });
        await t.db.webhookEvent.create({
          data: { webhookId: `wh-${p}-${kind}`, shop, topic: "orders/create", receivedAt: d },
        });
        await t.db.tagChange.create({
          data: { shop, runId: "r", customerId: `c-${p}`, tag: "x", action: "add", status: "done", createdAt: d },
        });
      }
      await t.db.tagChange.create({
        data: { shop, runId: "r", customerId: "c-pending", tag: "x", action: "add", status: "pending", createdAt: old },
      });
      await t.db.proxyNonce.create({
        data: { shop, nonce: "old-nonce-1", seenAt: new Date(now.getTime() - 3_600_000) },
      });
      await t.db.proxyNonce.create({ data: { shop, nonce: "new-nonce-1", seenAt: now } });

      const pruned: number[] = [];
      const stop = startRetentionSchedule(t.db, {
        everyMs: 100,
        onPruned: (r) => pruned.push(r.recEvents + r.webhookEvents + r.tagChanges),
      });
      await expect.poll(() => pruned.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      stop();
      expect(pruned[0]).toBeGreaterThanOrEqual(3);
      expect(await t.db.recEvent.findMany({ where: { shop }, select: { day: true } })).toEqual([{ day: day(recent) }]);
      expect(await t.db.recVisit.count({ where: { shop } })).toBe(1);
      expect(await t.db.recAttribution.findMany({ where: { shop }, select: { orderId: true } })).toEqual([
        { orderId: "o-2" },
      ]);
      expect(await t.db.webhookEvent.findMany({ where: { shop }, select: { webhookId: true } })).toEqual([
        { webhookId: `wh-2-${kind}` },
      ]);
      expect(
        (
          await t.db.tagChange.findMany({
            where: { shop },
            select: { customerId: true },
            orderBy: { customerId: "asc" },
          })
        ).map((r) => r.customerId),
      ).toEqual(["c-2", "c-pending"]);
      expect(
        (await t.db.proxyNonce.findMany({ where: { shop }, select: { nonce: true } })).map((r) => r.nonce),
      ).toEqual(["new-nonce-1"]);
      // A shorter retention deletes the recent rows too.
      expect((await pruneOldRows(t.db, { retentionDays: 1 })).recEvents).toBeGreaterThanOrEqual(1);
      expect(await t.db.recEvent.count({ where: { shop } })).toBe(0);
    });
  });
}
