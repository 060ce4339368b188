/**
 * Loads real, public purchase histories into the stand-in's shape (StandinShopData), so the app can be
 * run end to end on real buying behaviour.
 *
 * - importCdnow: the CDNOW files (Fader & Hardie). Sample file: no header, whitespace-separated
 *   `master_id sample_id YYYYMMDD number_of_cds dollar_value`; master file: a header line and
 *   `customer_id date number_of_cds dollar_value`. CRLF or LF. One order per row (id = row number, in
 *   file order), at noon UTC of its day (a customer's second row on the same day a minute later), with
 *   one line of the generic "CD" product: quantity = number_of_cds, unit price = value / cds (up to six
 *   decimals; the order total is the file's value exactly). One customer per id.
 * - importCompleteJourney: the 84.51 Complete Journey transactions CSV, through the engine's own
 *   converter (app/cli/complete-journey.ts), so both read baskets the same way:
 *   basket_id -> order, household_id -> customer, product_id -> product (one line per product,
 *   quantities summed), the basket's first row's timestamp. With products.csv(.gz), productType is the
 *   product_category (the department when it is empty) and the title its product_type and brand.
 * Names and emails are generated (the data has none; the app never stores them). Bad input: an Error
 * naming the line. Cost: O(rows).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { completeJourneyToOrders, splitCsv } from "../../../app/cli/complete-journey";
import { FIRST_NAMES, LAST_NAMES } from "./demo-catalogue";
import type { StandinCustomer, StandinLineItem, StandinOrder, StandinProduct, StandinShopData } from "./types";

export interface ImportOptions {
  /** Shop domain (default cdnow.myshopify.com / complete-journey.myshopify.com). */
  shop?: string;
  currencyCode?: string;
}

const SCOPES = ["read_orders", "read_all_orders", "read_customers", "write_customers", "read_products"];
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A decimal string with at most `digits` decimals and at least two. */
function decimal(n: number, digits: number): string {
  const fixed = n.toFixed(digits);
  const trimmed = fixed.replace(/0+$/, "");
  const dot = trimmed.indexOf(".");
  return trimmed.length - dot - 1 < 2 ? n.toFixed(2) : trimmed;
}

function fakeCustomer(id: string, numeric: number, firstAt: number, lastAt: number): StandinCustomer {
  const first = FIRST_NAMES[numeric % FIRST_NAMES.length];
  const last = LAST_NAMES[Math.floor(numeric / FIRST_NAMES.length) % LAST_NAMES.length];
  return {
    id,
    firstName: first,
    lastName: last,
    email: `customer${numeric}@example.com`,
    tags: [],
    createdAt: iso(firstAt),
    updatedAt: iso(lastAt),
    rfmGroup: null,
  };
}

/** A paid, uncancelled, non-test order placed (and last updated) at `when`. */
function paidOrder(
  id: string,
  name: string,
  customerId: string,
  when: string,
  currencyCode: string,
  total: number,
  lineItems: StandinLineItem[],
): StandinOrder {
  return {
    id,
    name,
    customerId,
    createdAt: when,
    processedAt: when,
    updatedAt: when,
    cancelledAt: null,
    test: false,
    displayFinancialStatus: "PAID",
    currencyCode,
    totalPrice: total.toFixed(2),
    totalRefunded: "0.00",
    lineItems,
  };
}

/** CDNOW sample or master file -> one order per row, one customer per id, one "CD" product. */
export function importCdnow(text: string, opts: ImportOptions = {}): StandinShopData {
  const currencyCode = opts.currencyCode ?? "USD";
  const productId = "gid://shopify/Product/1";
  const variantId = "gid://shopify/ProductVariant/1";
  const orders: StandinOrder[] = [];
  const span = new Map<string, [number, number, number]>(); // customer GID -> [numeric id, first, last]
  const sameDay = new Map<string, number>();
  const unitPrices: number[] = [];
  const lines = text.split(/\r?\n/);
  let dataRows = 0;
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (!raw) continue;
    const f = raw.split(/\s+/);
    if (dataRows === 0 && orders.length === 0 && !/^\d+$/.test(f[0])) continue; // header line
    const where = `importCdnow: line ${k + 1}`;
    if (f.length !== 4 && f.length !== 5)
      throw new Error(
        `${where}: expected 4 fields (customer_id date cds value) or 5 (master_id sample_id date cds value), got ${f.length}: ${raw}`,
      );
    const [idText, date, cdsText, valueText] = f.length === 5 ? [f[0], f[2], f[3], f[4]] : f;
    if (!/^\d+$/.test(idText)) throw new Error(`${where}: customer id is not a number: ${idText}`);
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
    const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    if (!m || Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`)
      throw new Error(`${where}: date is not YYYYMMDD: ${date}`);
    const cds = Number(cdsText);
    if (!Number.isInteger(cds) || cds < 0)
      throw new Error(`${where}: number of CDs is not a non-negative integer: ${cdsText}`);
    const value = Number(valueText);
    if (!/^\d+(\.\d+)?$/.test(valueText) || !Number.isFinite(value))
      throw new Error(`${where}: dollar value is not a non-negative number: ${valueText}`);
    dataRows++;
    const numeric = Number(idText);
    const customerId = `gid://shopify/Customer/${numeric}`;
    const dayKey = `${numeric}:${date}`;
    const nth = sameDay.get(dayKey) ?? 0;
    sameDay.set(dayKey, nth + 1);
    const at = day + 12 * 3_600_000 + nth * 60_000;
    const s = span.get(customerId);
    if (s) {
      s[1] = Math.min(s[1], at);
      s[2] = Math.max(s[2], at);
    } else span.set(customerId, [numeric, at, at]);
    const unit = cds > 0 ? value / cds : value;
    if (cds > 0) unitPrices.push(unit);
    const when = iso(at);
    const line = {
      id: `gid://shopify/LineItem/${dataRows}`,
      productId,
      variantId,
      quantity: cds,
      currentQuantity: cds,
      unitPrice: decimal(unit, 6),
    };
    orders.push(
      paidOrder(`gid://shopify/Order/${dataRows}`, `#${1000 + dataRows}`, customerId, when, currencyCode, value, [
        line,
      ]),
    );
  }
  unitPrices.sort((a, b) => a - b);
  const median = unitPrices.length ? unitPrices[Math.floor(unitPrices.length / 2)] : 0;
  const first = orders.length
    ? orders.reduce((a, o) => (o.createdAt < a ? o.createdAt : a), orders[0].createdAt)
    : iso(Date.UTC(1997, 0, 1));
  const products: StandinProduct[] = [
    {
      id: productId,
      handle: "cd",
      title: "CD",
      productType: "Music",
      vendor: "CDNOW",
      status: "ACTIVE",
      createdAt: first,
      updatedAt: first,
      imageUrl: null,
      variants: [{ id: variantId, price: median.toFixed(2), inventoryQuantity: 1000, sku: "CD" }],
    },
  ];
  const customers = [...span].map(([id, [numeric, a, b]]) => fakeCustomer(id, numeric, a, b));
  return { shop: opts.shop ?? "cdnow.myshopify.com", currencyCode, scopes: SCOPES, products, customers, orders };
}

interface ProductFacts {
  category: string;
  type: string;
  brand: string;
}

/** products.csv (text, or its .gz bytes) -> product_id -> facts. */
function readProducts(productsCsv: string | Uint8Array, wanted: Set<string>): Map<string, ProductFacts> {
  let text: string;
  if (typeof productsCsv === "string") text = productsCsv;
  else {
    const gz = productsCsv.length > 2 && productsCsv[0] === 0x1f && productsCsv[1] === 0x8b;
    text = (gz ? gunzipSync(productsCsv) : Buffer.from(productsCsv)).toString("utf8");
  }
  const lines = text.split(/\r?\n/);
  const header = splitCsv(lines[0] ?? "");
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`importCompleteJourney: products CSV needs a ${name} column (header: ${lines[0]})`);
    return i;
  };
  const [id, department, brand, category, type] = [
    col("product_id"),
    col("department"),
    col("brand"),
    col("product_category"),
    col("product_type"),
  ];
  const out = new Map<string, ProductFacts>();
  const quoted = /^"?([^",]*)"?,/;
  for (let k = 1; k < lines.length; k++) {
    if (!lines[k].trim()) continue;
    // Only the products the transactions sold (a fifth of the file): skip the rest before splitting.
    const head = id === 0 ? quoted.exec(lines[k]) : null;
    if (head && !wanted.has(head[1])) continue;
    const f = splitCsv(lines[k]);
    if (!wanted.has(f[id])) continue;
    out.set(f[id], { category: f[category] || f[department] || "", type: f[type] ?? "", brand: f[brand] ?? "" });
  }
  return out;
}

const titleCase = (s: string) =>
  s.toLowerCase().replace(/(^|[\s/-])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());

/** Complete Journey transactions CSV (+ optional products CSV or .csv.gz bytes) -> StandinShopData. */
export function importCompleteJourney(
  csvText: string,
  productsCsv?: string | Uint8Array,
  opts: ImportOptions = {},
): StandinShopData {
  const currencyCode = opts.currencyCode ?? "USD";
  const converted = completeJourneyToOrders(csvText);
  const sold = new Set<string>();
  for (const o of converted)
    for (const l of o.lineItems) sold.add(l.productId!.slice(l.productId!.lastIndexOf("/") + 1));
  const facts = productsCsv === undefined ? null : readProducts(productsCsv, sold);
  converted.sort(
    (a, b) => a.processedAt.getTime() - b.processedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const orders: StandinOrder[] = [];
  const span = new Map<string, [number, number, number]>();
  const prices = new Map<string, number>();
  let lineSeq = 0;
  for (const o of converted) {
    const when = iso(o.processedAt.getTime());
    const t = o.processedAt.getTime();
    const customerId = o.customerId!;
    const s = span.get(customerId);
    if (s) s[2] = Math.max(s[2], t);
    else span.set(customerId, [Number(customerId.slice(customerId.lastIndexOf("/") + 1)), t, t]);
    const lines = o.lineItems.map((l) => {
      const pid = l.productId!;
      if (!prices.has(pid) && l.quantity > 0) prices.set(pid, l.unitPrice);
      return {
        id: `gid://shopify/LineItem/${++lineSeq}`,
        productId: pid,
        variantId: `gid://shopify/ProductVariant/${pid.slice(pid.lastIndexOf("/") + 1)}`,
        quantity: l.quantity,
        currentQuantity: l.quantity,
        unitPrice: decimal(l.unitPrice, 4),
      };
    });
    orders.push(paidOrder(o.id, `#${1001 + orders.length}`, customerId, when, currencyCode, o.total, lines));
  }
  const firstSeen = new Map<string, number>();
  for (const o of orders)
    for (const l of o.lineItems) if (!firstSeen.has(l.productId!)) firstSeen.set(l.productId!, Date.parse(o.createdAt));
  const products: StandinProduct[] = [...firstSeen].map(([id, at]) => {
    const raw = id.slice(id.lastIndexOf("/") + 1);
    const f = facts?.get(raw);
    const name =
      f && (f.type || f.brand)
        ? [titleCase(f.type), f.brand && `(${f.brand})`].filter(Boolean).join(" ")
        : `Product ${raw}`;
    return {
      id,
      handle: `cj-${raw}`,
      title: name,
      productType: f ? titleCase(f.category) : "",
      vendor: f?.brand || "Complete Journey",
      status: "ACTIVE",
      createdAt: iso(at - 86_400_000),
      updatedAt: iso(at - 86_400_000),
      imageUrl: null,
      variants: [
        {
          id: `gid://shopify/ProductVariant/${raw}`,
          price: (prices.get(id) ?? 0).toFixed(2),
          inventoryQuantity: 100,
          sku: raw,
        },
      ],
    };
  });
  products.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const customers = [...span].map(([id, [numeric, a, b]]) => fakeCustomer(id, numeric, a, b));
  return {
    shop: opts.shop ?? "complete-journey.myshopify.com",
    currencyCode,
    scopes: SCOPES,
    products,
    customers,
    orders,
  };
}

/** importCdnow on a file (CDNOW_sample.txt or CDNOW_master.txt). */
export function importCdnowFile(path: string, opts: ImportOptions = {}): StandinShopData {
  return importCdnow(readFileSync(path, "utf8"), opts);
}

/** importCompleteJourney on files (transactions CSV, and products.csv or products.csv.gz when given). */
export function importCompleteJourneyFiles(
  transactionsPath: string,
  productsPath?: string,
  opts: ImportOptions = {},
): StandinShopData {
  return importCompleteJourney(
    readFileSync(transactionsPath, "utf8"),
    productsPath === undefined ? undefined : readFileSync(productsPath),
    opts,
  );
}
