/**
 * Control-group results move only with evidence. A customer's arm is drawn once and kept (a customer who
 * moves segment keeps it; one who leaves and comes back gets their first assignment back); results are as
 * of the data's date (the latest analysis), each customer followed for a fixed window from their draw, so
 * - two publishes with no new orders give identical results;
 * - a publish that brings many new members into the segment (the reported jump, 87 treated / 29.9% to
 *   152 / 17.1%) changes nothing counted until their window is over, and the report says who entered;
 * - new orders (with a new analysis) change the results, and the previous weekly look says by how much.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshHoldouts, setControlGroup, upliftReport } from "../../../app/models/holdouts.server";
import { upsertOrders } from "../../../app/models/orders.server";
import type { OrderInput } from "../../../app/analytics/types";
import { createTestDb, type TestDb } from "../../helpers/db";
import { lineItemInput, orderInput, productGid } from "../../helpers/orders";
import { mulberry32 } from "../publish/prng";

const DAY = 86_400_000;
const T0 = new Date("2026-06-01T00:00:00Z");
const SHOP = "stable-results.myshopify.com";

function order(customerId: string, at: Date, total: number): OrderInput {
  return orderInput({
    customerId,
    processedAt: at,
    createdAt: at,
    updatedAt: at,
    total,
    currency: "USD",
    lineItems: [lineItemInput(productGid(1), { unitPrice: total })],
  });
}

const idOf = (i: number) => `gid://shopify/Customer/${7000 + i}`;

async function setSegment(db: TestDb["db"], ids: string[], rfmSegment: string) {
  for (const customerId of ids)
    await db.customerScore.upsert({
      where: { shop_customerId: { shop: SHOP, customerId } },
      create: {
        shop: SHOP,
        customerId,
        asOf: T0,
        orders: 2,
        firstOrderAt: new Date("2025-06-01"),
        lastOrderAt: new Date("2026-03-01"),
        recencyDays: 90,
        monetary: 80,
        aov: 40,
        r: 2,
        f: 2,
        m: 2,
        rfmSegment,
        clusterKey: "c1",
        churnProbability: 0.6,
        riskBand: "high",
        pAlive: 0.4,
        expectedOrders: 0.3,
        clv12m: 30,
      },
      update: { rfmSegment },
    });
}

async function analysedAt(db: TestDb["db"], asOf: Date) {
  await db.analysis.create({ data: { shop: SHOP, asOf, horizonDays: 90, model: "test", createdAt: asOf } });
}

describe("control-group results move only with evidence", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("identical after a second publish with no new orders; new members wait for their window; orders move it", async () => {
    const db = t.db;
    const first = Array.from({ length: 300 }, (_, i) => idOf(i));
    await setSegment(db, first, "at-risk");
    await setControlGroup(db, SHOP, "rfm", "at-risk", { enabled: true, share: 0.2 }, T0);
    await setControlGroup(db, SHOP, "rfm", "lost", { enabled: true, share: 0.2 }, T0);
    await refreshHoldouts(db, SHOP, { save: true, optedOut: new Set(), now: T0 });
    // Returns within 60 days of the draw: 40% of treated, 20% of held out.
    const rand = mulberry32(25);
    const rows = await db.holdoutAssignment.findMany({ where: { shop: SHOP } });
    await upsertOrders(
      db,
      SHOP,
      rows
        .filter((r) => rand() < (r.heldOut ? 0.2 : 0.4))
        .map((r) => order(r.customerId, new Date(T0.getTime() + (3 + rand() * 50) * DAY), 20 + rand() * 80)),
    );
    const day70 = new Date(T0.getTime() + 70 * DAY);
    await analysedAt(db, day70);
    const clock = new Date(T0.getTime() + 71 * DAY);
    const before = await upliftReport(db, SHOP, "rfm", "at-risk", 60, undefined, clock);
    expect(before.asOf).toEqual(day70);
    expect(before.current.treated + before.current.heldOut).toBe(300);

    // Publish again, days later, no new orders, same members: the same figures.
    await refreshHoldouts(db, SHOP, { save: true, optedOut: new Set(), now: new Date(T0.getTime() + 71 * DAY) });
    const again = await upliftReport(db, SHOP, "rfm", "at-risk", 60, undefined, new Date(T0.getTime() + 74 * DAY));
    expect(again).toEqual(before);

    // A publish bringing 200 new members, still no new orders: the counted figures do not move; the new
    // members wait for their 60 days.
    const newcomers = Array.from({ length: 200 }, (_, i) => idOf(1000 + i));
    await setSegment(db, newcomers, "at-risk");
    const publishDay = new Date(T0.getTime() + 75 * DAY);
    await refreshHoldouts(db, SHOP, { save: true, optedOut: new Set(), now: publishDay });
    const afterEntry = await upliftReport(db, SHOP, "rfm", "at-risk", 60, undefined, publishDay);
    expect(afterEntry.result).toEqual(before.result);
    expect(afterEntry.sequence).toEqual(before.sequence);
    expect(afterEntry.revenue).toEqual(before.revenue);
    expect(afterEntry.pendingTreated + afterEntry.pendingHeldOut).toBe(200);

    // A customer who moves to "lost" keeps their arm there; one who leaves and comes back keeps their date.
    const movers = first.slice(0, 40);
    const armBefore = new Map(rows.map((r) => [r.customerId, r.heldOut]));
    await setSegment(db, movers, "lost");
    await refreshHoldouts(db, SHOP, { save: true, optedOut: new Set(), now: new Date(T0.getTime() + 76 * DAY) });
    const lost = await db.holdoutAssignment.findMany({ where: { shop: SHOP, segmentKey: "lost" } });
    expect(lost).toHaveLength(40);
    for (const a of lost) expect(a.heldOut, a.customerId).toBe(armBefore.get(a.customerId));
    await setSegment(db, movers, "at-risk");
    await refreshHoldouts(db, SHOP, { save: true, optedOut: new Set(), now: new Date(T0.getTime() + 77 * DAY) });
    const back = await db.holdoutAssignment.findMany({
      where: { shop: SHOP, segmentKey: "at-risk", customerId: { in: movers } },
    });
    for (const a of back) {
      expect(a.leftAt).toBeNull();
      expect(a.assignedAt).toEqual(T0);
      expect(a.heldOut).toBe(armBefore.get(a.customerId));
    }
    const afterMoves = await upliftReport(db, SHOP, "rfm", "at-risk", 60, undefined, new Date(T0.getTime() + 78 * DAY));
    expect(afterMoves.sequence).toEqual(before.sequence);

    // New orders and a new analysis: the figures move, and the previous weekly look shows from what.
    const heldOutIds = rows.filter((r) => r.heldOut).map((r) => r.customerId);
    // Orders after the 60-day window do not count for the first cohort.
    await upsertOrders(
      db,
      SHOP,
      heldOutIds.slice(0, 10).map((id) => order(id, new Date(T0.getTime() + 72 * DAY), 50)),
    );
    await analysedAt(db, new Date(T0.getTime() + 140 * DAY));
    const later = await upliftReport(db, SHOP, "rfm", "at-risk", 60, undefined, new Date(T0.getTime() + 141 * DAY));
    expect(later.current.treated + later.current.heldOut).toBe(500);
    expect(later.previous.treated + later.previous.heldOut).toBe(300);
    expect(later.previous.diff).toBeCloseTo(before.current.diff!, 12);
    // The first 300 keep their outcomes (the late orders fell outside their window).
    expect(later.previous.heldOutReturned).toBe(before.current.heldOutReturned);
  });
});
