/**
 * What the compliance webhooks read and delete (GDPR): the customer's data export, customer and shop
 * redactions (CustomerRedaction, ShopRedaction) and the deletes they imply. The webhook handlers in
 * app/webhooks/compliance.server.ts parse the payloads and decide; every query lives here.
 */
import type { Db } from "../db.server";
import { readOrderIds, writeOrderIds } from "./json-columns.server";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** The rows a customers/data_request answers with, by customer GID (and the order GIDs it names). */
export async function customerDataRows(db: Db, shop: string, customerId: string, requestedOrderIds: string[]) {
  const [score, orders, tagChanges, flowTriggers, optOut, holdouts, reorderDue] = await Promise.all([
    db.customerScore.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.order.findMany({
      where: { shop, OR: [{ customerId }, ...(requestedOrderIds.length ? [{ id: { in: requestedOrderIds } }] : [])] },
      include: { lineItems: true },
      orderBy: { processedAt: "asc" },
    }),
    db.tagChange.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
    db.flowTriggerLog.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
    db.customerOptOut.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.holdoutAssignment.findMany({ where: { shop, customerId }, orderBy: { assignedAt: "asc" } }),
    db.reorderDue.findMany({ where: { shop, customerId }, orderBy: { dueFrom: "asc" } }),
  ]);
  // Orders of the customer that came through a recommendation click (the storefront block's cart attribute).
  const attributions = orders.length
    ? await db.recAttribution.findMany({
        where: { shop, orderId: { in: orders.map((o) => o.id) } },
        orderBy: { clickedAt: "asc" },
      })
    : [];
  return { score, orders, tagChanges, flowTriggers, optOut, holdouts, reorderDue, attributions };
}

/** Records a customers/redact (before anything is deleted, so running jobs delete what they write back). */
export async function recordCustomerRedaction(
  db: Db,
  shop: string,
  customerId: string,
  orderIds: string[],
): Promise<void> {
  await db.customerRedaction.create({ data: { shop, customerId, orderIdsJson: writeOrderIds(orderIds) } });
}

export interface CustomerRedaction {
  customerId: string;
  orderIds: string[];
  redactedAt: Date;
}

/** Every customers/redact received for the shop. */
export async function listCustomerRedactions(db: Db, shop: string): Promise<CustomerRedaction[]> {
  const rows = await db.customerRedaction.findMany({
    where: { shop },
    select: { id: true, customerId: true, orderIdsJson: true, redactedAt: true },
  });
  return rows.map((r) => ({
    customerId: r.customerId,
    orderIds: readOrderIds(r.orderIdsJson, `redaction ${r.id}`),
    redactedAt: r.redactedAt,
  }));
}

/**
 * True when customers/redact named this order or its customer. An order webhook delivered after the
 * redaction (a retry, a late update) must not store them again.
 */
export async function isOrderRedacted(
  db: Db,
  shop: string,
  orderId: string,
  customerId: string | null,
): Promise<boolean> {
  const redactions = await listCustomerRedactions(db, shop);
  return redactions.some((r) => (customerId !== null && r.customerId === customerId) || r.orderIds.includes(orderId));
}

export async function isShopRedacted(db: Db, shop: string): Promise<boolean> {
  return !!(await db.shopRedaction.findUnique({ where: { shop } }));
}

/**
 * customers/redact: the customer's recorded data requests go too (they hold the customer's and orders' ids,
 * and nothing is left to give). Only requests received by `until`: a later request is a new one.
 */
export async function deleteDataRequestsOf(
  db: Db,
  shop: string,
  customerId: string,
  until = new Date(),
): Promise<number> {
  return (await db.dataRequest.deleteMany({ where: { shop, customerId, receivedAt: { lte: until } } })).count;
}

/** Records a shop/redact (jobs check it before and after each step); a reinstall clears it (clearShopRedaction). */
export async function recordShopRedaction(db: Db, shop: string): Promise<void> {
  await db.shopRedaction.upsert({ where: { shop }, create: { shop }, update: { redactedAt: new Date() } });
}

/**
 * Deletes what is stored about these customers (and orders), the storefront attributions of those orders,
 * and scrubs their ids from the run details.
 */
export async function purgeCustomers(
  db: Db,
  shop: string,
  customerIds: string[],
  orderIds: string[],
  /** Per customer: only runs that finished after this (or still run) can mention them again. */
  runsSince?: Map<string, Date>,
): Promise<{ orders: number; scores: number; tagChanges: number; runDetails: number }> {
  const orderWhere = {
    shop,
    OR: [{ customerId: { in: customerIds } }, ...(orderIds.length ? [{ id: { in: orderIds } }] : [])],
  };
  const counts = await db.$transaction(async (tx: Tx) => {
    const ids = (await tx.order.findMany({ where: orderWhere, select: { id: true } })).map((o) => o.id);
    if (ids.length) await tx.lineItem.deleteMany({ where: { shop, orderId: { in: ids } } });
    const orders = ids.length ? (await tx.order.deleteMany({ where: { shop, id: { in: ids } } })).count : 0;
    const byCustomer = { shop, customerId: { in: customerIds } };
    const scores = (await tx.customerScore.deleteMany({ where: byCustomer })).count;
    const tagChanges = (await tx.tagChange.deleteMany({ where: byCustomer })).count;
    await tx.flowTriggerLog.deleteMany({ where: byCustomer });
    await tx.holdoutAssignment.deleteMany({ where: byCustomer });
    await tx.customerOptOut.deleteMany({ where: byCustomer });
    await tx.reorderDue.deleteMany({ where: byCustomer });
    // Storefront attributions name the order (no customer column): they go with the customer's orders.
    const attributed = [...new Set([...ids, ...orderIds])];
    if (attributed.length) await tx.recAttribution.deleteMany({ where: { shop, orderId: { in: attributed } } });
    return { orders, scores, tagChanges };
  });
  return { ...counts, runDetails: await scrubRunDetails(db, shop, customerIds, runsSince) };
}

/** Removes the customers' ids from every SyncRun.detailsJson of the shop that mentions them. */
async function scrubRunDetails(
  db: Db,
  shop: string,
  customerIds: string[],
  runsSince?: Map<string, Date>,
): Promise<number> {
  let changed = 0;
  for (const customerId of customerIds) {
    const since = runsSince?.get(customerId);
    const recent = since ? { OR: [{ finishedAt: null }, { finishedAt: { gte: since } }] } : {};
    const runs = await db.syncRun.findMany({
      where: { shop, detailsJson: { contains: customerId }, ...recent },
      select: { id: true, detailsJson: true },
    });
    for (const run of runs) {
      let details: unknown;
      try {
        details = JSON.parse(run.detailsJson);
      } catch (error) {
        // Not JSON (the app never writes that): the id is cut out of the text.
        console.error(
          `[redact] SyncRun ${run.id} details are not JSON (${(error as Error).message}); cutting the id out of the text`,
        );
        await db.syncRun.update({
          where: { id: run.id },
          data: { detailsJson: run.detailsJson.split(customerId).join("[redacted]") },
        });
        changed++;
        continue;
      }
      await db.syncRun.update({
        where: { id: run.id },
        data: { detailsJson: JSON.stringify(withoutId(details, customerId)) },
      });
      changed++;
    }
  }
  return changed;
}

/** A copy of `value` without `id`: list entries that are it or carry it are dropped, other strings have it cut. */
export function withoutId(value: unknown, id: string): unknown {
  const mentions = (v: unknown): boolean =>
    typeof v === "string"
      ? v === id
      : !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).some((x) => x === id);
  if (Array.isArray(value)) return value.filter((v) => !mentions(v)).map((v) => withoutId(v, id));
  if (typeof value === "string") return value.includes(id) ? value.split(id).join("[redacted]") : value;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutId(v, id)]));
  return value;
}

/**
 * Deletes every row of the shop, in one transaction; the counts per table. Every table with a `shop` column
 * but ShopRedaction (the record that keeps jobs out) is here: test/webhooks/compliance.test.ts reads the
 * list of such tables from prisma/schema.prisma and seeds and checks each.
 */
export async function deleteShopData(db: Db, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx: Tx) => {
    const where = { shop };
    const counts: Record<string, number> = {};
    counts.lineItems = (await tx.lineItem.deleteMany({ where })).count;
    counts.orders = (await tx.order.deleteMany({ where })).count;
    counts.products = (await tx.product.deleteMany({ where })).count;
    counts.customerScores = (await tx.customerScore.deleteMany({ where })).count;
    counts.segments = (await tx.segment.deleteMany({ where })).count;
    counts.syncRuns = (await tx.syncRun.deleteMany({ where })).count;
    counts.analyses = (await tx.analysis.deleteMany({ where })).count;
    counts.analysisSnapshots = (await tx.analysisSnapshot.deleteMany({ where })).count;
    counts.tagChanges = (await tx.tagChange.deleteMany({ where })).count;
    counts.webhookEvents = (await tx.webhookEvent.deleteMany({ where })).count;
    counts.recEvents = (await tx.recEvent.deleteMany({ where })).count;
    counts.appShopifySegments = (await tx.appShopifySegment.deleteMany({ where })).count;
    counts.flowTriggers = (await tx.flowTriggerLog.deleteMany({ where })).count;
    counts.customerRedactions = (await tx.customerRedaction.deleteMany({ where })).count;
    counts.controlGroups = (await tx.controlGroup.deleteMany({ where })).count;
    counts.holdoutAssignments = (await tx.holdoutAssignment.deleteMany({ where })).count;
    counts.customerOptOuts = (await tx.customerOptOut.deleteMany({ where })).count;
    counts.productCycles = (await tx.productCycle.deleteMany({ where })).count;
    counts.reorderDue = (await tx.reorderDue.deleteMany({ where })).count;
    counts.recVisits = (await tx.recVisit.deleteMany({ where })).count;
    counts.recAttributions = (await tx.recAttribution.deleteMany({ where })).count;
    counts.proxyNonces = (await tx.proxyNonce.deleteMany({ where })).count;
    counts.flowTriggerUsage = (await tx.flowTriggerUsage.deleteMany({ where })).count;
    counts.dataRequests = (await tx.dataRequest.deleteMany({ where })).count;
    counts.sessions = (await tx.session.deleteMany({ where })).count;
    counts.shops = (await tx.shop.deleteMany({ where })).count;
    return counts;
  });
}
