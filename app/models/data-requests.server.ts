/**
 * customers/data_request, as Shopify's privacy law compliance page asks: the webhook carries the customer's
 * id and the requested orders, Shopify ignores the webhook's answer, and the app must give the data to the
 * store owner itself within 30 days. So the webhook only records the request (ids only, once per
 * data_request.id), and the admin's Data requests page lists them with their due date and offers what the
 * app holds for that customer as a JSON download, built when it is downloaded.
 */
import type { Db } from "../db.server";
import { readOrderIds, writeOrderIds } from "./json-columns.server";
import {
  customerDataExport,
  customerGid,
  orderGid,
  type CustomerDataExport,
  type CustomerPayload,
} from "./compliance.server";

/** Shopify's deadline for acting on a compliance webhook (shopify.dev "Privacy law compliance"). */
export const DATA_REQUEST_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DataRequestPayload extends CustomerPayload {
  data_request?: { id?: number | string | null } | null;
}

export interface DataRequestRow {
  id: string;
  customerId: string;
  /** The customer's number (the GID's last part), for display. */
  customerNumber: string;
  orderIds: string[];
  receivedAt: string;
  dueAt: string;
  firstDownloadedAt: string | null;
  lastDownloadedAt: string | null;
  /** open: not downloaded yet, before its due date; overdue: not downloaded, past it; downloaded. */
  status: "open" | "overdue" | "downloaded";
  daysLeft: number;
}

export class DataRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataRequestError";
  }
}

/**
 * Records one customers/data_request. Idempotent: a redelivery (same data_request.id, else the same
 * webhook id) records nothing new. Returns the stored request's id and whether it was new.
 */
export async function recordDataRequest(
  db: Db,
  shop: string,
  payload: DataRequestPayload,
  opts: { webhookId?: string | null; now?: Date } = {},
): Promise<{ id: string; created: boolean }> {
  const rawCustomer = payload.customer?.id;
  if (rawCustomer === undefined || rawCustomer === null || rawCustomer === "")
    throw new DataRequestError(`customers/data_request for ${shop} has no customer.id`);
  const requestId = payload.data_request?.id;
  const requestKey =
    requestId !== undefined && requestId !== null && requestId !== ""
      ? `request:${requestId}`
      : opts.webhookId
        ? `webhook:${opts.webhookId}`
        : null;
  if (!requestKey)
    throw new DataRequestError(`customers/data_request for ${shop} has neither data_request.id nor a webhook id`);
  const existing = await db.dataRequest.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
  if (existing) return { id: existing.id, created: false };
  const now = opts.now ?? new Date();
  const orderIds = (payload.orders_requested ?? []).map(orderGid);
  try {
    const row = await db.dataRequest.create({
      data: {
        shop,
        requestKey,
        customerId: customerGid(rawCustomer),
        orderIdsJson: writeOrderIds(orderIds),
        receivedAt: now,
        dueAt: new Date(now.getTime() + DATA_REQUEST_DAYS * DAY_MS),
      },
    });
    return { id: row.id, created: true };
  } catch (error) {
    // Two deliveries of the same request at once: the other one stored it.
    const again = await db.dataRequest.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
    if (again) return { id: again.id, created: false };
    throw error;
  }
}

function rowOf(
  r: {
    id: string;
    customerId: string;
    orderIdsJson: string;
    receivedAt: Date;
    dueAt: Date;
    firstDownloadedAt: Date | null;
    lastDownloadedAt: Date | null;
  },
  now: Date,
): DataRequestRow {
  const orderIds = readOrderIds(r.orderIdsJson, `data request ${r.id}`);
  const daysLeft = Math.ceil((r.dueAt.getTime() - now.getTime()) / DAY_MS);
  return {
    id: r.id,
    customerId: r.customerId,
    customerNumber: r.customerId.split("/").pop() ?? r.customerId,
    orderIds,
    receivedAt: r.receivedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    firstDownloadedAt: r.firstDownloadedAt?.toISOString() ?? null,
    lastDownloadedAt: r.lastDownloadedAt?.toISOString() ?? null,
    status: r.firstDownloadedAt ? "downloaded" : daysLeft < 0 ? "overdue" : "open",
    daysLeft,
  };
}

/** The shop's data requests, newest first. */
export async function listDataRequests(db: Db, shop: string, now = new Date()): Promise<DataRequestRow[]> {
  const rows = await db.dataRequest.findMany({ where: { shop }, orderBy: { receivedAt: "desc" }, take: 500 });
  return rows.map((r) => rowOf(r, now));
}

export interface DataRequestDownload {
  request: { id: string; customerId: string; ordersRequested: string[]; receivedAt: string; dueAt: string };
  generatedAt: string;
  /** What the data covers and what it does not (so the merchant can pass it on as is). */
  note: string;
  data: CustomerDataExport;
}

/**
 * What the app holds for the request's customer, as of now, and marks the request downloaded. Another
 * shop's request id is "not found", like an unknown one.
 */
export async function downloadDataRequest(
  db: Db,
  shop: string,
  id: string,
  now = new Date(),
): Promise<DataRequestDownload | null> {
  const r = await db.dataRequest.findFirst({ where: { id, shop } });
  if (!r) return null;
  const row = rowOf(r, now);
  const data = await customerDataExport(db, shop, { customer: { id: r.customerId }, orders_requested: row.orderIds });
  await db.dataRequest.update({
    where: { id: r.id },
    data: { firstDownloadedAt: r.firstDownloadedAt ?? now, lastDownloadedAt: now },
  });
  return {
    request: {
      id: r.id,
      customerId: r.customerId,
      ordersRequested: row.orderIds,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
    },
    generatedAt: now.toISOString(),
    note:
      "Everything Churnless holds about this customer, by Shopify id: its churn score and predictions, the orders it synced " +
      "(amounts in the shop's currency, with line items), the tags it wrote to the customer in Shopify, and its events " +
      "(Flow triggers sent, opt-out, control groups, reorder reminders). Churnless stores no names, emails, phone numbers or addresses.",
    data,
  };
}
