/**
 * Seeds a shop's control groups with known effects, as weekly publishes and real orders would have left
 * them: segments, control groups, each customer's draw (dated the week they entered) and their orders
 * after it. Scenarios (as of `asOf`, 90-day follow-up):
 * - "effect": "At risk" (1,500 customers, 20% held out): 45% of treated come back, 20% of held out;
 *   "Lost" (800, 20% held out): 10% of both. The campaign works for At risk, not for Lost.
 * - "none": "At risk" (2,500, 20% held out): 30% of both.
 * - "unclear": "At risk" (60 counted, 12 held out, and 40 drawn in the last 60 days): too few yet.
 * Customers and orders carry the scenario in their ids, so scenarios can share a database.
 */
import type { Db } from "../../../app/db.server";
import { upsertOrders } from "../../../app/models/orders.server";
import type { OrderInput } from "../../../app/analytics/types";
import { lineItemInput, orderInput, productGid } from "../../helpers/orders";
import { mulberry32 } from "../publish/prng";

const DAY = 86_400_000;

export type Scenario = "effect" | "none" | "unclear";

interface GroupSpec {
  key: string;
  name: string;
  counted: number;
  pending: number;
  share: number;
  pTreated: number;
  pHeldOut: number;
}

const SCENARIOS: Record<Scenario, GroupSpec[]> = {
  effect: [
    { key: "effect-at-risk", name: "At risk", counted: 1500, pending: 0, share: 0.2, pTreated: 0.45, pHeldOut: 0.2 },
    { key: "effect-lost", name: "Lost", counted: 800, pending: 0, share: 0.2, pTreated: 0.1, pHeldOut: 0.1 },
  ],
  none: [{ key: "none-at-risk", name: "At risk", counted: 2500, pending: 0, share: 0.2, pTreated: 0.3, pHeldOut: 0.3 }],
  unclear: [
    { key: "unclear-at-risk", name: "At risk", counted: 60, pending: 40, share: 0.2, pTreated: 0.4, pHeldOut: 0.25 },
  ],
};

export interface SeededGroup {
  key: string;
  name: string;
  heldOut: number;
  treated: number;
}

/** Seeds the scenario's control groups (other control groups of the shop are removed first). */
export async function seedControlGroups(
  db: Db,
  shop: string,
  scenario: Scenario,
  asOf: Date,
  seed = 28,
): Promise<SeededGroup[]> {
  const rand = mulberry32(seed);
  await db.controlGroup.deleteMany({ where: { shop } });
  await db.holdoutAssignment.deleteMany({ where: { shop } });
  const out: SeededGroup[] = [];
  for (const g of SCENARIOS[scenario]) {
    await db.segment.upsert({
      where: { shop_kind_key: { shop, kind: "rfm", key: g.key } },
      create: { shop, kind: "rfm", key: g.key, name: g.name, size: g.counted + g.pending },
      update: { name: g.name, active: true, size: g.counted + g.pending },
    });
    const start = new Date(asOf.getTime() - (91 + 26 * 7) * DAY);
    await db.controlGroup.create({
      data: { shop, segmentKind: "rfm", segmentKey: g.key, enabled: true, share: g.share, seed, enabledAt: start },
    });
    const rows: Array<{ customerId: string; heldOut: boolean; assignedAt: Date }> = [];
    // Counted: drawn weekly over 26 weeks ending 91 days before asOf (their 90 days are over).
    for (let i = 0; i < g.counted; i++)
      rows.push({
        customerId: `gid://shopify/Customer/${g.key}-${i}`,
        heldOut: i % Math.round(1 / g.share) === 0,
        assignedAt: new Date(start.getTime() + Math.floor((i / g.counted) * 26) * 7 * DAY),
      });
    // Pending: drawn weekly in the last 60 days.
    for (let i = 0; i < g.pending; i++)
      rows.push({
        customerId: `gid://shopify/Customer/${g.key}-p${i}`,
        heldOut: i % Math.round(1 / g.share) === 0,
        assignedAt: new Date(asOf.getTime() - (60 - Math.floor((i / g.pending) * 8) * 8) * DAY),
      });
    for (let i = 0; i < rows.length; i += 500)
      await db.holdoutAssignment.createMany({
        data: rows.slice(i, i + 500).map((r) => ({ shop, segmentKind: "rfm", segmentKey: g.key, ...r })),
      });
    const orders: OrderInput[] = [];
    for (const r of rows) {
      if (rand() >= (r.heldOut ? g.pHeldOut : g.pTreated)) continue;
      const at = new Date(r.assignedAt.getTime() + (3 + rand() * 50) * DAY);
      if (at.getTime() > asOf.getTime()) continue;
      // Heavy-tailed spend: lognormal order values.
      const u = Math.max(1e-9, rand());
      const total =
        Math.round(Math.exp(3.6 + 0.9 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())) * 100) / 100;
      orders.push(
        orderInput({
          id: `gid://shopify/Order/${r.customerId.split("/").pop()}`,
          customerId: r.customerId,
          processedAt: at,
          createdAt: at,
          updatedAt: at,
          total,
          currency: "USD",
          lineItems: [lineItemInput(productGid(1), { unitPrice: total })],
        }),
      );
    }
    await upsertOrders(db, shop, orders);
    out.push({
      key: g.key,
      name: g.name,
      heldOut: rows.filter((r) => r.heldOut).length,
      treated: rows.filter((r) => !r.heldOut).length,
    });
  }
  return out;
}
