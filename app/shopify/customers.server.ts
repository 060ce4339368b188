/**
 * Live customer reads for the admin: names and emails for the rows on screen, the customer page, the
 * CSV export and search. Nothing read here is ever stored (the database keeps only GIDs).
 *
 * Protected customer data: with Level 1 only, Shopify answers the name and email fields with an
 * ACCESS_DENIED error (and null data); the admin then shows the customer's number and says why
 * (`NAMES_NEED_LEVEL_2`). One `nodes(ids:)` request per page of rows (at most 250 ids, Shopify's limit).
 */
import { AdminApiError } from "./errors";
import type { AdminGraphql } from "./types";

/** Shopify's limit on `nodes(ids:)`. */
export const MAX_NODES = 250;

export const NAMES_NEED_LEVEL_2 =
  "Names and emails need Shopify's protected customer data Level 2 (name and email fields); this app has Level 1, so customers are shown by number.";

export interface CustomerName {
  name: string | null;
  email: string | null;
}

export type NamesResult =
  | { status: "ok"; names: Map<string, CustomerName> }
  /** Level 1 only: Shopify refused the name/email fields. */
  | { status: "level1"; note: string }
  /** Shopify could not be asked (no session, network, demo without a stand-in). */
  | { status: "unavailable"; note: string };

const CUSTOMER_NAMES = `#graphql
  query ChurnlessCustomerNames($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Customer { id displayName defaultEmailAddress { emailAddress } }
    }
  }
`;

const CUSTOMER_SEARCH = `#graphql
  query ChurnlessCustomerSearch($query: String!, $first: Int!) {
    customers(first: $first, query: $query) { nodes { id } }
  }
`;

const LIVE_CUSTOMER = `#graphql
  query ChurnlessCustomerLive($id: ID!) {
    customer(id: $id) { displayName defaultEmailAddress { emailAddress } tags }
  }
`;

const LIVE_CUSTOMER_TAGS = `#graphql
  query ChurnlessCustomerTags($id: ID!) {
    customer(id: $id) { tags }
  }
`;

const SHOP_TIMEZONE = `#graphql
  query ChurnlessShopTimezone {
    shop { ianaTimezone currencyCode }
  }
`;

/** True when Shopify refused protected customer fields (ACCESS_DENIED), as it does without Level 2. */
export function isAccessDenied(error: unknown): boolean {
  const deniedText = /ACCESS_DENIED|protected customer data|not approved to (access|use)/i;
  if (error instanceof AdminApiError)
    return error.errors.some((e) => e.extensions?.code === "ACCESS_DENIED" || deniedText.test(e.message));
  // The embedded app's client (shopify.server.ts adminGraphqlFrom) throws the errors' messages joined.
  return error instanceof Error && deniedText.test(error.message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shopify's mark for a displayName the app may not see (Level 1); no name to show. */
export const REDACTED_NAME = "•••";

function readableName(displayName: string | null | undefined): string | null {
  const name = displayName?.trim();
  return name && name !== REDACTED_NAME ? name : null;
}

/** Names and emails of `ids` (at most MAX_NODES), one request. */
export async function fetchCustomerNames(admin: AdminGraphql | null, ids: readonly string[]): Promise<NamesResult> {
  if (!admin)
    return { status: "unavailable", note: "Shopify cannot be reached right now, so customers are shown by number." };
  if (ids.length > MAX_NODES)
    throw new Error(`fetchCustomerNames: at most ${MAX_NODES} ids per request, got ${ids.length}`);
  if (ids.length === 0) return { status: "ok", names: new Map() };
  type Answer = {
    nodes: Array<{
      id?: string;
      displayName?: string | null;
      defaultEmailAddress?: { emailAddress?: string | null } | null;
    } | null>;
  };
  try {
    const data = await admin.request<Answer>(CUSTOMER_NAMES, { ids });
    const names = new Map<string, CustomerName>();
    for (const node of data.nodes ?? []) {
      if (!node?.id) continue;
      names.set(node.id, {
        name: readableName(node.displayName),
        email: node.defaultEmailAddress?.emailAddress ?? null,
      });
    }
    return { status: "ok", names };
  } catch (error) {
    if (isAccessDenied(error)) return { status: "level1", note: NAMES_NEED_LEVEL_2 };
    console.warn(`[customers] names of ${ids.length} customers of ${admin.shop} could not be read: ${describe(error)}`);
    return {
      status: "unavailable",
      note: "Shopify could not be asked for names right now, so customers are shown by number.",
    };
  }
}

/**
 * Names for any number of ids (the CSV export): requests of MAX_NODES ids, one after the other. Stops
 * asking after Level 1 is known (every later request would be refused the same way).
 */
export async function fetchCustomerNamesInBulk(
  admin: AdminGraphql | null,
  ids: readonly string[],
): Promise<NamesResult> {
  const names = new Map<string, CustomerName>();
  for (let i = 0; i < ids.length; i += MAX_NODES) {
    const part = await fetchCustomerNames(admin, ids.slice(i, i + MAX_NODES));
    if (part.status !== "ok") return part;
    for (const [id, n] of part.names) names.set(id, n);
  }
  return { status: "ok", names };
}

export type SearchResult = { status: "ok"; ids: string[]; truncated: boolean } | { status: "failed"; note: string };

/**
 * Shopify's customer search (names, emails, `field:value` terms as in the admin): the matching customer
 * GIDs, at most `first` (the app then shows its own scores for those ids).
 */
export async function searchCustomerIds(admin: AdminGraphql | null, query: string, first = 250): Promise<SearchResult> {
  if (!admin) return { status: "failed", note: "Search asks Shopify, which cannot be reached right now." };
  type Answer = { customers: { nodes: Array<{ id: string }> } };
  try {
    const data = await admin.request<Answer>(CUSTOMER_SEARCH, { query, first });
    const ids = data.customers.nodes.map((n) => n.id);
    return { status: "ok", ids, truncated: ids.length >= first };
  } catch (error) {
    if (isAccessDenied(error)) return { status: "failed", note: `Searching by name or email: ${NAMES_NEED_LEVEL_2}` };
    console.warn(`[customers] search "${query}" of ${admin.shop} failed: ${describe(error)}`);
    return { status: "failed", note: `Shopify's customer search failed: ${describe(error)}` };
  }
}

export interface LiveCustomer {
  displayName: string | null;
  email: string | null;
  tags: string[];
  /** Set when names were refused (Level 1) and only the tags could be read. */
  note: string | null;
}

/**
 * The customer's name, email and current tags, live from Shopify, for display only (never stored).
 * With Level 1 only it falls back to the tags and says why; null when Shopify cannot be reached.
 */
export async function fetchLiveCustomer(admin: AdminGraphql | null, customerId: string): Promise<LiveCustomer | null> {
  if (!admin) return null;
  type Answer = {
    customer: {
      displayName?: string | null;
      defaultEmailAddress?: { emailAddress?: string | null } | null;
      tags?: string[];
    } | null;
  };
  try {
    const data = await admin.request<Answer>(LIVE_CUSTOMER, { id: customerId });
    if (!data.customer) return null;
    return {
      displayName: readableName(data.customer.displayName),
      email: data.customer.defaultEmailAddress?.emailAddress ?? null,
      tags: data.customer.tags ?? [],
      note: null,
    };
  } catch (error) {
    if (!isAccessDenied(error)) {
      console.warn(`[customers] live read of ${customerId} failed: ${describe(error)}`);
      return null;
    }
  }
  try {
    const data = await admin.request<Answer>(LIVE_CUSTOMER_TAGS, { id: customerId });
    return data.customer
      ? { displayName: null, email: null, tags: data.customer.tags ?? [], note: NAMES_NEED_LEVEL_2 }
      : null;
  } catch (error) {
    console.warn(`[customers] tags of ${customerId} could not be read: ${describe(error)}`);
    return null;
  }
}

/** The shop's IANA time zone (e.g. "America/New_York") and currency, or null when Shopify cannot be asked. */
export async function fetchShopZone(
  admin: AdminGraphql | null,
): Promise<{ ianaTimezone: string; currencyCode: string } | null> {
  if (!admin) return null;
  try {
    const data = await admin.request<{ shop: { ianaTimezone: string; currencyCode: string } }>(SHOP_TIMEZONE);
    return data.shop;
  } catch (error) {
    console.warn(`[customers] time zone of ${admin.shop} could not be read: ${describe(error)}`);
    return null;
  }
}

const PRODUCT_TITLES = `#graphql
  query ChurnlessProductTitles($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product { id title }
    }
  }
`;

/** Product titles by GID (public catalogue data, read live for display); an empty map when Shopify cannot be asked. */
export async function fetchProductTitles(
  admin: AdminGraphql | null,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  if (!admin || ids.length === 0) return titles;
  try {
    const data = await admin.request<{ nodes: Array<{ id?: string; title?: string } | null> }>(PRODUCT_TITLES, {
      ids: ids.slice(0, MAX_NODES),
    });
    for (const n of data.nodes ?? []) if (n?.id && n.title) titles.set(n.id, n.title);
  } catch (error) {
    console.warn(`[customers] product titles for ${admin.shop} could not be read: ${describe(error)}`);
  }
  return titles;
}
