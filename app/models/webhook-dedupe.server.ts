/**
 * Shopify may deliver a webhook more than once; each delivery carries X-Shopify-Webhook-Id. The first
 * delivery of an id is recorded in WebhookEvent; later ones are recognised and ignored
 * (app/webhooks/orders.server.ts).
 */
import { Prisma } from "@prisma/client";
import type { Db } from "../db.server";

/** Records the delivery; true the first time this webhook id is seen, false for a duplicate. */
export async function recordWebhookOnce(db: Db, webhookId: string, shop: string, topic: string): Promise<boolean> {
  try {
    await db.webhookEvent.create({ data: { webhookId, shop, topic } });
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return false;
    if (/unique constraint|duplicate key/i.test((error as Error)?.message ?? "")) return false;
    throw error;
  }
}

/** Forgets a delivery whose handling failed, so Shopify's retry of it is processed. */
export async function forgetWebhook(db: Db, webhookId: string): Promise<void> {
  await db.webhookEvent.deleteMany({ where: { webhookId } });
}

/**
 * orders/delete leaves a mark among the deliveries (kept, like them, for the retention period): an
 * orders/create or orders/updated of the same order delivered late (a retry, deliveries out of order) must
 * not store the deleted order again.
 */
const deletedKey = (shop: string, orderId: string) => `order-deleted:${shop}:${orderId}`;

export async function markOrderDeleted(db: Db, shop: string, orderId: string): Promise<void> {
  await recordWebhookOnce(db, deletedKey(shop, orderId), shop, "orders/delete");
}

export async function isOrderDeleted(db: Db, shop: string, orderId: string): Promise<boolean> {
  return !!(await db.webhookEvent.findUnique({ where: { webhookId: deletedKey(shop, orderId) } }));
}
