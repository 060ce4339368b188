/** POST /proxy/events (batched impressions and clicks) and the impact numbers: attribution and summary. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import { signProxyParams } from "../../app/shopify/app-proxy.server";
import { attributedOrders, handleEventsProxy, impactSummary, recordRecEvents } from "../../app/models/rec-events.server";

const SECRET = "events-secret";
const SHOP = "events-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const P = (n: number) => `gid://shopify/Product/${n}`;
const NOW = new Date("2026-11-20T15:00:00Z");
const DAY = 86_400_000;

function post(body: unknown, opts: { secret?: string; shop?: string; method?: string } = {}) {
  const params = signProxyParams(new URLSearchParams(), { shop: opts.shop ?? SHOP, secret: opts.secret ?? SECRET });
  return new Request(`http://app.test/proxy/events?${params}`, {
    method: opts.method ?? "POST",
    body: opts.method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    headers: { "Content-Type": "text/plain" },
  });
}

for (const kind of await databaseKinds()) {
  describe(`recommendation events and impact (${kind})`, () => {
    let t: TestDb;
    const deps = () => ({ db: t.db, verify: { secret: SECRET }, now: () => NOW });
    const rows = (shop = SHOP) =>
      t.db.recEvent.findMany({ where: { shop }, orderBy: [{ productId: "asc" }, { kind: "asc" }], select: { day: true, productId: true, kind: true, count: true } });

    beforeAll(async () => {
      t = await createTestDb(kind);
      for (let i = 1; i <= 4; i++) {
        await t.db.product.create({ data: { shop: SHOP, id: P(i), handle: `p-${i}`, price: 10 * i } });
      }
      await t.db.product.create({ data: { shop: OTHER, id: P(99), handle: "other" } });
    });
    afterAll(async () => t?.cleanup());

    it("adds batches to the daily counts of the signed shop's known products only", async () => {
      const batch = {
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
      const res = await handleEventsProxy(post(batch), deps());
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ recorded: 4 });
      await handleEventsProxy(post({ events: [{ kind: "impression", productId: P(1) }] }), deps());
      expect(await rows()).toEqual([
        { day: "2026-11-20", productId: P(1), kind: "impression", count: 2 },
        { day: "2026-11-20", productId: P(2), kind: "click", count: 1 },
        { day: "2026-11-20", productId: P(2), kind: "impression", count: 2 },
      ]);
      expect(await rows(OTHER)).toEqual([]);
    });

    it("rejects forged, non-POST and malformed batches without recording anything", async () => {
      const before = await rows();
      const forged = await handleEventsProxy(post({ events: [{ kind: "click", productId: P(1) }] }, { secret: "nope" }), deps());
      expect(forged.status).toBe(401);
      expect((await handleEventsProxy(post(null, { method: "GET" }), deps())).status).toBe(405);
      const notJson = await handleEventsProxy(post("{oops"), deps());
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: string }).error).toMatch(/Body must be JSON/);
      const badKind = await handleEventsProxy(post({ events: [{ kind: "purchase", productId: P(1) }] }), deps());
      expect(((await badKind.json()) as { error: string }).error).toMatch(/events\.0\.kind/);
      const tooMany = { events: Array.from({ length: 201 }, () => ({ kind: "impression", productId: P(1) })) };
      expect((await handleEventsProxy(post(tooMany), deps())).status).toBe(400);
      const huge = post({ events: [], pad: "x".repeat(40_000) });
      expect((await handleEventsProxy(huge, deps())).status).toBe(413);
      expect(await rows()).toEqual(before);
    });

    it("caps one product's count per batch", async () => {
      const n = await recordRecEvents(
        t.db,
        SHOP,
        { events: Array.from({ length: 150 }, () => ({ kind: "impression" as const, productId: P(4) })) },
        NOW,
      );
      expect(n).toBe(20);
    });

    it("attributes an order to a click on one of its products within 7 days, each click once", async () => {
      const shop = "attr-shop.myshopify.com";
      for (let i = 1; i <= 3; i++) await t.db.product.create({ data: { shop, id: P(i), handle: `a-${i}` } });
      const clickDay = new Date("2026-11-01T10:00:00Z");
      // 1 click on P1 and 2 clicks on P2 on Nov 1; 1 click on P3 on Oct 1 (too old for any order).
      await recordRecEvents(t.db, shop, { events: [{ kind: "click", productId: P(1) }, { kind: "click", productId: P(2) }, { kind: "click", productId: P(2) }] }, clickDay);
      await recordRecEvents(t.db, shop, { events: [{ kind: "click", productId: P(3) }] }, new Date("2026-10-01T10:00:00Z"));
      let n = 0;
      const order = async (day: number, products: number[], extra: { test?: boolean; cancelled?: boolean; total?: number } = {}) => {
        const at = new Date(clickDay.getTime() + day * DAY);
        const id = `gid://shopify/Order/${++n}`;
        await t.db.order.create({
          data: {
            shop,
            id,
            customerId: null,
            createdAt: at,
            processedAt: at,
            cancelledAt: extra.cancelled ? at : null,
            test: extra.test ?? false,
            totalAmount: extra.total ?? 50,
            currencyCode: "EUR",
            sourceUpdatedAt: at,
            lineItems: {
              create: products.map((p, k) => ({ id: `${id}-li-${k}`, productId: P(p), quantity: 1, currentQuantity: 1, unitPrice: 10 })),
            },
          },
        });
        return id;
      };
      const o1 = await order(2, [1]); // attributed (P1 click)
      await order(3, [1]); // P1's only click is used
      await order(8, [2]); // 7 days + 1: outside the window
      const o4 = await order(7, [2, 3], { total: 70 }); // attributed through P2
      await order(1, [2], { test: true }); // test order
      await order(1, [2], { cancelled: true }); // cancelled
      await order(1, [3]); // P3's click is a month old
      const o8 = await order(0, [2]); // same day as the click: attributed
      const r = await attributedOrders(t.db, shop, new Date("2026-10-25T00:00:00Z"));
      expect(r.orderIds.sort()).toEqual([o1, o4, o8].sort());
      expect(r.orders).toBe(3);
      expect(r.revenue).toBe(170);
      expect(r.recommendedItemRevenue).toBe(30); // P1 in o1, P2 in o4 (P3 was clicked too long ago), P2 in o8
      // Before the clicks: nothing.
      expect((await attributedOrders(t.db, shop, new Date("2026-11-20T00:00:00Z"))).orders).toBe(0);
    });

    it("summarises impressions, clicks, CTR and attributed orders for the dashboard", async () => {
      const s = await impactSummary(t.db, SHOP, { now: NOW, days: 30 });
      expect(s.impressions).toBe(24); // 2 + 2 + 20
      expect(s.clicks).toBe(1);
      expect(s.ctr).toBeCloseTo(1 / 24, 10);
      expect(s.attributedOrders).toBe(0);
      const at = new Date(NOW.getTime() - 3_600_000);
      await t.db.order.create({
        data: {
          shop: SHOP,
          id: "gid://shopify/Order/900",
          customerId: null,
          createdAt: at,
          processedAt: at,
          totalAmount: 33.5,
          currencyCode: "EUR",
          sourceUpdatedAt: at,
          lineItems: { create: [{ id: "li-900", productId: P(2), quantity: 1, currentQuantity: 1, unitPrice: 20 }] },
        },
      });
      const after = await impactSummary(t.db, SHOP, { now: NOW, days: 30 });
      expect(after).toMatchObject({ attributedOrders: 1, attributedRevenue: 33.5, recommendedItemRevenue: 20, days: 30 });
      expect(after.since.toISOString()).toBe("2026-10-22T00:00:00.000Z");
      expect((await impactSummary(t.db, "nobody.myshopify.com", { now: NOW })).ctr).toBe(0);
    });
  });
}
