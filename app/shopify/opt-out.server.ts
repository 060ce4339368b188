/**
 * Opt-out, at once: when a customer is opted out (by the shopper through the proxy, or by the
 * merchant), their app tags and app metafields are removed from Shopify right away instead of at the next
 * publish, so the storefront block stops showing personal suggestions now. Merchant tags are never
 * touched (only tags of the app's kinds, isAppTag). The next publish checks again (an opted-out customer
 * is published as unscored), so a failure here is logged and repaired then.
 */
import { deleteMetafields } from "./metafields.server";
import { APP_METAFIELD_KEYS, BULK_THRESHOLD, writeTagsSmall } from "./tag-writer.server";
import { isAppTag } from "./tags";
import type { AdminGraphql } from "./types";

const CUSTOMER_TAGS = `#graphql
  query optOutCustomerTags($id: ID!) {
    customer(id: $id) { id tags }
  }`;

export interface WithdrawReport {
  tagsRemoved: number;
  metafieldsDeleted: number;
  errors: string[];
}

/** Removes the customer's app tags and app metafields from Shopify now. */
export async function withdrawFromShopify(
  admin: AdminGraphql,
  customerId: string,
  prefix: string,
): Promise<WithdrawReport> {
  const report: WithdrawReport = { tagsRemoved: 0, metafieldsDeleted: 0, errors: [] };
  const data = await admin.request<{ customer: { id: string; tags: string[] } | null }>(CUSTOMER_TAGS, {
    id: customerId,
  });
  if (!data.customer) {
    report.errors.push(`customer ${customerId} not found in Shopify`);
    return report;
  }
  const tags = data.customer.tags.filter((tag) => isAppTag(tag, prefix));
  if (tags.length) {
    await writeTagsSmall(admin, [{ customerId, action: "remove", tags }], async (r) => {
      if (r.ok) report.tagsRemoved += tags.length;
      else report.errors.push(`tagsRemove ${customerId}: ${r.error ?? "refused"}`);
    });
  }
  const deleted = await deleteMetafields(
    admin,
    APP_METAFIELD_KEYS.map((key) => ({ ownerId: customerId, key })),
    { bulkThreshold: BULK_THRESHOLD },
  );
  report.errors.push(...deleted.errors.map((e) => e.message));
  report.metafieldsDeleted = deleted.written;
  return report;
}
