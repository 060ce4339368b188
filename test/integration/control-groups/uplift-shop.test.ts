/**
 * The uplift report end to end on seeded shops: customers of an at-risk segment are drawn (control group
 * on, 20% held out) and recorded as a publish records them; afterwards treated customers come back more
 * than held-out ones in one shop, equally in another. The report must say "treated-more" for the first
 * and "no-clear-difference" for the second, from the stored orders (cancelled and test orders, and orders
 * from before the draw, do not count). A small shop gets "too few customers to tell yet" with the weeks
 * still needed at its rate of new members.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshHoldouts, setControlGroup, upliftReport } from "../../../app/models/holdouts.server";
import { upsertOrders } from "../../../app/models/orders.server";
import type { OrderInput } from "../../../app/analytics/types";
import { createTestDb, type TestDb } from "../../helpers/db";
import { lineItemInput, orderInput, productGid } from "../../helpers/orders";
import { mulberry32 } from "../publish/prng";

const DAY = 86_400_000;
const T0 = new Date("2026-09-01T00:00:00Z");

/** A paid order of `total` USD (one line of product 1) by `customerId` at `at`. */
function order(customerId: string, at: Date, total: number, extra: Partial<OrderInput> = {}): OrderInput {
  return orderInput({
    customerId,
    processedAt: at,
    createdAt: at,
    updatedAt: at,
    total,
    currency: "USD",
    lineItems: [lineItemInput(productGid(1), { unitPrice: total })],
    ...extra,
  });
}

async function seedSegment(db: TestDb["db"], shop: string, customers: number, from = 0): Promise<string[]> {
  const ids = Array.from({ length: customers }, (_, i) => `gid://shopify/Customer/${5000 + from + i}`);
  await db.customerScore.createMany({
    data: ids.map((customerId) => ({
      shop,
      customerId,
      asOf: T0,
      orders: 2,
      firstOrderAt: new Date("2025-06-01"),
      lastOrderAt: new Date("2026-05-01"),
      recencyDays: 120,
      monetary: 80,
      aov: 40,
      r: 2,
      f: 2,
      m: 2,
      rfmSegment: "at-risk",
      clusterKey: "c1",
      churnProbability: 0.6,
      riskBand: "high",
      pAlive: 0.4,
      expectedOrders: 0.3,
      clv12m: 30,
    })),
  });
  return ids;
}

/** After the draw, each customer comes back with the chance of their side, spending about `spend`. */
async function simulate(db: TestDb["db"], shop: string, pTreated: number, pHeld: number, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const rows = await db.holdoutAssignment.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
  const orders: OrderInput[] = [];
  for (const r of rows) {
    // Every customer had an order before the draw: it must not count.
    orders.push(order(r.customerId, new Date(r.assignedAt.getTime() - 20 * DAY), 50));
    if (rand() < (r.heldOut ? pHeld : pTreated))
      orders.push(order(r.customerId, new Date(r.assignedAt.getTime() + (5 + rand() * 40) * DAY), 30 + rand() * 40));
    // Noise that never counts: a cancelled order and a test order after the draw.
    if (rand() < 0.2)
      orders.push(
        order(r.customerId, new Date(r.assignedAt.getTime() + 10 * DAY), 60, {
          cancelledAt: new Date(r.assignedAt.getTime() + 11 * DAY),
        }),
      );
    if (rand() < 0.1) orders.push(order(r.customerId, new Date(r.assignedAt.getTime() + 12 * DAY), 60, { test: true }));
  }
  await upsertOrders(db, shop, orders);
}

describe("uplift report on seeded shops", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function shopWith(shop: string, pTreated: number, pHeld: number, seed: number, customers = 800) {
    await seedSegment(t.db, shop, customers);
    await setControlGroup(t.db, shop, "rfm", "at-risk", { enabled: true, share: 0.2 }, T0);
    // The app draws each control group's seed at random; a fixed one makes this shop's draw the same on
    // every run (with a random draw the held-out rate strayed past the test's tolerance now and then).
    await t.db.controlGroup.updateMany({ where: { shop }, data: { seed: 1000 + seed } });
    await refreshHoldouts(t.db, shop, { save: true, optedOut: new Set(), now: T0 });
    await simulate(t.db, shop, pTreated, pHeld, seed);
    // Followed 60 days from the draw (every simulated return falls in 5-45 days), as of day 60.
    return upliftReport(t.db, shop, "rfm", "at-risk", 60, new Date(T0.getTime() + 60 * DAY));
  }

  it("treated customers came back more (45% vs 20%): 'treated-more', both intervals above 0, more revenue per customer", async () => {
    const r = await shopWith("uplift-yes.myshopify.com", 0.45, 0.2, 1);
    expect(r.result.treated.customers + r.result.heldOut.customers).toBe(800);
    expect(r.result.heldOut.customers).toBeGreaterThan(120);
    expect(r.result.heldOut.customers).toBeLessThan(200);
    expect(r.result.treated.returnRate).toBeCloseTo(0.45, 1);
    expect(r.result.heldOut.returnRate).toBeCloseTo(0.2, 1);
    expect(r.result.verdict).toBe("treated-more");
    expect(r.result.returnRate!.twoProportion.low).toBeGreaterThan(0);
    expect(r.result.returnRate!.bootstrap.low).toBeGreaterThan(0);
    expect(r.result.revenuePerCustomer!.diff).toBeGreaterThan(0);
    expect(r.result.revenuePerCustomer!.normal.low).toBeGreaterThan(0);
    // The anytime-valid sequence says so too (the verdict rests on it), and the revenue interval.
    expect(r.sequence.low).toBeGreaterThan(0);
    expect(r.sequence.halfWidth).toBeGreaterThan(
      (r.result.returnRate!.twoProportion.high - r.result.returnRate!.twoProportion.low) / 2,
    );
    expect(r.revenue.low!).toBeGreaterThan(0);
    expect(r.pendingTreated + r.pendingHeldOut).toBe(0);
  });

  it("treated customers came back as often as held-out ones (30% both): 'no-clear-difference', intervals around 0", async () => {
    // 2,000 customers: the confidence sequence is about 1.5 times a fixed interval, so "no difference
    // worth acting on" (narrower than ±10 points) needs about 400 held out.
    const r = await shopWith("uplift-no.myshopify.com", 0.3, 0.3, 2, 2000);
    expect(r.sequence.low).toBeLessThan(0);
    expect(r.sequence.high).toBeGreaterThan(0);
    expect(r.sequence.halfWidth).toBeLessThanOrEqual(0.1);
    expect(r.result.verdict).toBe("no-clear-difference");
    expect(r.result.returnRate!.twoProportion.low).toBeLessThan(0);
    expect(r.result.returnRate!.twoProportion.high).toBeGreaterThan(0);
    expect(r.result.returnRate!.bootstrap.low).toBeLessThan(0);
    expect(r.result.returnRate!.bootstrap.high).toBeGreaterThan(0);
  });

  it("a small shop: too few customers to tell yet; customers drawn recently wait for their window to end", async () => {
    const shop = "uplift-small.myshopify.com";
    await setControlGroup(t.db, shop, "rfm", "at-risk", { enabled: true, share: 0.1 }, T0);
    // 30 members at first, then 3 new ones a week for 8 weeks.
    await seedSegment(t.db, shop, 30);
    await refreshHoldouts(t.db, shop, { save: true, optedOut: new Set(), now: T0 });
    for (let w = 1; w <= 8; w++) {
      await seedSegment(t.db, shop, 3, 100 + w * 3);
      await refreshHoldouts(t.db, shop, { save: true, optedOut: new Set(), now: new Date(T0.getTime() + w * 7 * DAY) });
    }
    await simulate(t.db, shop, 0.4, 0.2, 3);
    const r = await upliftReport(
      t.db,
      shop,
      "rfm",
      "at-risk",
      60,
      new Date(T0.getTime() + 60 * DAY),
      new Date(T0.getTime() + 60 * DAY),
    );
    // Only the first day's 30 have had their 60 days; the 24 drawn weekly since are pending.
    expect(r.result.treated.customers + r.result.heldOut.customers).toBe(30);
    expect(r.pendingTreated + r.pendingHeldOut).toBe(24);
    expect(r.pendingEnds).toHaveLength(24);
    expect(r.result.verdict).toBe("too-few");
    expect(r.sequence.ready).toBe(false);
    expect(r.entriesPerWeek).toBeGreaterThan(2.5);
    expect(r.entriesPerWeek).toBeLessThan(3.5);
  });
});
