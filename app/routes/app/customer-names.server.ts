/**
 * Customer rows with their names: the app's scores (app/models/customers.server.ts, listed by ./customer-list.server.ts) joined, for the
 * rows on screen only, with names and emails read live from Shopify (app/shopify/customers.server.ts).
 * Nothing read from Shopify is stored. Search goes through Shopify's customer search: text -> ids ->
 * the app's scores of those ids.
 */
import type { Db } from "../../db.server";
import type { AdminGraphql } from "../../shopify/types";
import {
  fetchCustomerNames,
  searchCustomerIds,
  type CustomerName,
  type NamesResult,
} from "../../shopify/customers.server";
import { customerGid, listCustomers, type CustomerPage, type CustomerQuery } from "./customer-list.server";
import type { CustomerRow } from "../../models/customers.server";

export type NamedRow = CustomerRow & CustomerName;

/** How the names were read: "ok", "level1" (protected data Level 1 only) or "unavailable"; note in words. */
export interface NamesStatus {
  status: NamesResult["status"];
  note: string | null;
}

/** Adds name and email to `rows` with one `nodes(ids:)` request. */
export async function withNames<R extends CustomerRow>(
  admin: AdminGraphql | null,
  rows: R[],
): Promise<{ rows: Array<R & CustomerName>; names: NamesStatus }> {
  const result = await fetchCustomerNames(
    admin,
    rows.map((r) => r.customerId),
  );
  const lookup = result.status === "ok" ? result.names : new Map<string, CustomerName>();
  return {
    rows: rows.map((r) => ({
      ...r,
      name: lookup.get(r.customerId)?.name ?? null,
      email: lookup.get(r.customerId)?.email ?? null,
    })),
    names: { status: result.status, note: result.status === "ok" ? null : result.note },
  };
}

export interface NamedCustomerPage extends Omit<CustomerPage, "rows"> {
  rows: NamedRow[];
  names: NamesStatus;
  /** What the search did, when there is a search: matches, a cap, or why it failed. */
  search: { text: string; matched: number | null; truncated: boolean; note: string | null } | null;
}

/**
 * The customer table's page: a search (`q`) is resolved by Shopify's customer search first (a customer
 * number searches that customer directly), then the app's scores of the matching ids are listed, then
 * the names of the rows on screen are read (one request).
 */
export async function customerPageWithNames(
  db: Db,
  shop: string,
  admin: AdminGraphql | null,
  query: CustomerQuery,
): Promise<NamedCustomerPage> {
  const { query: effective, search } = await resolveSearch(admin, query);
  const page = await listCustomers(db, shop, effective);
  const named = await withNames(admin, page.rows);
  return { ...page, query: { ...page.query, ids: undefined }, rows: named.rows, names: named.names, search };
}

/** Resolves the query's search text (`q`) to customer ids: a customer number directly, else Shopify's customer search. */
export async function resolveSearch<Q extends Omit<CustomerQuery, "page">>(
  admin: AdminGraphql | null,
  query: Q,
): Promise<{ query: Q; search: NamedCustomerPage["search"] }> {
  if (!query.q) return { query, search: null };
  const number = query.q.replace(/^#/, "");
  if (/^\d+$/.test(number))
    return {
      query: { ...query, ids: [customerGid(number)] },
      search: { text: query.q, matched: null, truncated: false, note: null },
    };
  const found = await searchCustomerIds(admin, query.q);
  return {
    query: { ...query, ids: found.status === "ok" ? found.ids : [] },
    search:
      found.status === "ok"
        ? { text: query.q, matched: found.ids.length, truncated: found.truncated, note: null }
        : { text: query.q, matched: null, truncated: false, note: found.note },
  };
}
