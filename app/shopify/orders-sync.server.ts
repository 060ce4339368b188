/**
 * The documents the order sync sends, and the mapping of their answers onto analytics input.
 * - ORDERS_BULK_QUERY: the full export (bulkOperationRunQuery); its JSONL is read by app/shopify/bulk-orders.ts.
 * - ORDERS_PAGE: the delta sync, `updated_at:>` cursor pages through the paced client, with a follow-up
 *   query for orders with more line items than one page holds.
 * - ACCESS_SCOPES: whether read_all_orders was granted (else only the last 60 days are visible).
 * Delta pages are turned into the bulk file's line shape and read by the same parser, so both paths
 * store exactly the same facts.
 */
import { OrderAssembler, newStats, type BulkParseStats } from "./bulk-orders";
import type { OrderInput } from "../analytics/types";
import type { AdminGraphql } from "./types";

/** What the analytics needs of an order and of a line item; the bulk export and the delta pages ask for the same. */
const ORDER_FIELDS = `id createdAt processedAt updatedAt cancelledAt test displayFinancialStatus customer { id }
  currentTotalPriceSet { shopMoney { amount currencyCode } } totalRefundedSet { shopMoney { amount currencyCode } }`;
const LINE_ITEM_FIELDS = `id quantity currentQuantity product { id } variant { id } originalUnitPriceSet { shopMoney { amount } }`;

export const ORDERS_BULK_QUERY = `#graphql
  query OrdersExport {
    orders {
      edges {
        node {
          ${ORDER_FIELDS}
          lineItems {
            edges {
              node { ${LINE_ITEM_FIELDS} }
            }
          }
        }
      }
    }
  }`;

/** Requested cost ~ 2 + first * (7 + 2 + lineItemsFirst * 5): 10 orders x 15 line items stay under 1000. */
export const ORDERS_PAGE = `#graphql
  query OrdersPage($first: Int!, $after: String, $query: String, $lineItemsFirst: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ${ORDER_FIELDS}
        lineItems(first: $lineItemsFirst) {
          pageInfo { hasNextPage endCursor }
          nodes { ${LINE_ITEM_FIELDS} }
        }
      }
    }
  }`;

export const ORDER_LINE_ITEMS_PAGE = `#graphql
  query OrderLineItemsPage($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ${LINE_ITEM_FIELDS} }
      }
    }
  }`;

export const ACCESS_SCOPES = `#graphql
  query AccessScopes {
    currentAppInstallation { accessScopes { handle } }
  }`;

/** Without read_all_orders Shopify returns only the orders of the last 60 days (Admin GraphQL Order docs). */
/** The optional scope that lets the app read orders older than LIMITED_HISTORY_DAYS. */
export const FULL_HISTORY_SCOPE = "read_all_orders";
export const LIMITED_HISTORY_DAYS = 60;

export const HISTORY_LIMITED_WARNING =
  "Only the last 60 days of orders are visible to Churnless, because the store has not granted access to all orders " +
  "(read_all_orders). Customers who bought earlier look like new or one-time buyers, so their churn risk and lifetime value " +
  "predictions will be less reliable. Approve the full order history access to fix this.";

export async function grantedScopes(admin: AdminGraphql): Promise<string[]> {
  const data = await admin.request<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>(
    ACCESS_SCOPES,
  );
  return data.currentAppInstallation.accessScopes.map((s) => s.handle);
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
type LineItemNode = Record<string, unknown>;
type OrderNode = Record<string, unknown> & { id: string; lineItems: { pageInfo: PageInfo; nodes: LineItemNode[] } };

export interface OrdersPageOptions {
  /** Shopify search query, e.g. `updated_at:>'2026-01-01T00:00:00Z'`. */
  query?: string | null;
  pageSize?: number;
  lineItemsPageSize?: number;
}

/**
 * Pages through orders (through the paced client) and yields them as analytics input, each page as one
 * batch. Malformed orders are skipped and counted in `stats`, as in the bulk file.
 */
export async function* pageOrders(
  admin: AdminGraphql,
  opts: OrdersPageOptions = {},
  stats: BulkParseStats = newStats(),
): AsyncGenerator<OrderInput[]> {
  const { query = null, pageSize = 10, lineItemsPageSize = 15 } = opts;
  let after: string | null = null;
  for (;;) {
    const data: { orders: { pageInfo: PageInfo; nodes: OrderNode[] } } = await admin.request(ORDERS_PAGE, {
      first: pageSize,
      after,
      query,
      lineItemsFirst: lineItemsPageSize,
    });
    const asm = new OrderAssembler(stats, Infinity);
    const orders: OrderInput[] = [];
    for (const node of data.orders.nodes) {
      const { lineItems, ...order } = node;
      asm.addLine(JSON.stringify(order), orders);
      const items = [...lineItems.nodes];
      let page = lineItems.pageInfo;
      while (page.hasNextPage) {
        const more: { order: { lineItems: { pageInfo: PageInfo; nodes: LineItemNode[] } } | null } =
          await admin.request(ORDER_LINE_ITEMS_PAGE, {
            id: node.id,
            after: page.endCursor,
          });
        if (!more.order) break;
        items.push(...more.order.lineItems.nodes);
        page = more.order.lineItems.pageInfo;
      }
      for (const item of items) asm.addLine(JSON.stringify({ ...item, __parentId: node.id }), orders);
    }
    asm.finish(orders);
    if (orders.length) yield orders;
    if (!data.orders.pageInfo.hasNextPage) return;
    after = data.orders.pageInfo.endCursor;
  }
}
