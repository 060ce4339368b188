/**
 * upsertOrders and addLateLineItems write their rows with raw SQL (one JSON parameter a table and
 * chunk). These tests check, on SQLite and PostgreSQL, that:
 * - the rows read back through Prisma exactly as the inputs say (dates, amounts, nulls, booleans, the
 *   defaults createMany would apply);
 * - the stored representation of every column is the one Prisma's own createMany writes (so Prisma's
 *   filters and sorts on these rows behave the same as on rows Prisma wrote);
 * - the write rules hold across chunk boundaries: newest version wins, older ones are ignored but marked
 *   as synced, line items of a replaced order are replaced, a line item id met under another order moves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import type { Db } from "../../app/db.server";
import type { LineItemInput, OrderInput } from "../../app/analytics/types";
import { loadOrdersForAnalysis } from "../../app/models/analysis-input.server";
import { addLateLineItems, upsertOrders, UPSERT_CHUNK } from "../../app/models/orders.server";
import { databaseKinds, type TestDb } from "../helpers/db";
import { storedText } from "../helpers/stored-text";
import { freshTestDb } from "../integration/sync/helpers";

const kinds = await databaseKinds();

const ORDER_FIELDS = [
  "shop",
  "id",
  "customerId",
  "createdAt",
  "processedAt",
  "cancelledAt",
  "test",
  "financialStatus",
  "totalAmount",
  "refundedAmount",
  "currencyCode",
  "sourceUpdatedAt",
  "syncedAt",
] as const;
const LINE_ITEM_FIELDS = [
  "shop",
  "id",
  "orderId",
  "productId",
  "variantId",
  "quantity",
  "currentQuantity",
  "unitPrice",
] as const;

const d = (iso: string) => new Date(iso);
const SYNCED = d("2026-11-20T08:00:00.123Z");
// Amounts that Prisma stores rounded to 16 significant digits: 0.3 and 15.5.
const SUM = 0.1 + 0.2;
const NEAR = 15.499999999999998;

/** Orders that exercise every column's edge cases. */
function edgeOrders(): OrderInput[] {
  const item = (id: string | undefined, patch: Partial<LineItemInput> = {}): LineItemInput => ({
    id,
    productId: "gid://shopify/Product/1",
    variantId: "gid://shopify/ProductVariant/10",
    quantity: 2,
    currentQuantity: 2,
    unitPrice: 19.99,
    ...patch,
  });
  return [
    {
      id: "gid://shopify/Order/1",
      customerId: "gid://shopify/Customer/1",
      processedAt: d("2025-01-02T03:04:05.678Z"),
      createdAt: d("2025-01-02T03:04:05.000Z"),
      updatedAt: d("2025-01-03T00:00:00.001Z"),
      cancelledAt: null,
      test: false,
      total: SUM,
      refunded: 0,
      currency: "EUR",
      financialStatus: "PAID",
      lineItems: [
        item("gid://shopify/LineItem/1", { unitPrice: NEAR }),
        item("gid://shopify/LineItem/2", { productId: null, variantId: null, unitPrice: 1 / 3 }),
      ],
    },
    {
      // A guest order, cancelled, test, no financial status, no createdAt/updatedAt (version = processedAt).
      id: "gid://shopify/Order/2",
      customerId: null,
      processedAt: d("1999-12-31T23:59:59.999Z"),
      cancelledAt: d("2000-01-01T00:00:00.000Z"),
      test: true,
      total: 123456789.125,
      refunded: 1e-7,
      currency: "",
      financialStatus: null,
      lineItems: [
        // No id (a generated one), quantity not whole, no currentQuantity, a price that is not a number.
        item(undefined, { quantity: 2.6, currentQuantity: undefined, unitPrice: Number.NaN }),
        item(undefined, { quantity: Number.NaN, currentQuantity: 4, unitPrice: -0 }),
      ],
    },
    {
      // Big and odd amounts; an apostrophe, a quote, a backslash and non-ASCII text in strings.
      id: "gid://shopify/Order/3'\"\\é",
      customerId: "gid://shopify/Customer/ü'2",
      processedAt: d("2026-06-30T12:00:00.000Z"),
      updatedAt: d("2026-07-01T12:00:00.000Z"),
      cancelledAt: null,
      test: false,
      total: 1e21,
      refunded: 2 ** 53 + 2,
      currency: "JPY",
      financialStatus: "PARTIALLY_REFUNDED",
      lineItems: [item("gid://shopify/LineItem/3", { unitPrice: 1e20, quantity: 0, currentQuantity: 0 })],
    },
    {
      // An absent `test` (createMany stores the column default, false) and an absent financialStatus.
      id: "gid://shopify/Order/4",
      customerId: "gid://shopify/Customer/4",
      processedAt: d("2026-02-28T23:00:00.500Z"),
      cancelledAt: null,
      test: undefined as unknown as boolean,
      total: Number.POSITIVE_INFINITY,
      refunded: Number.NaN,
      currency: "USD",
      lineItems: [],
    },
  ];
}

/**
 * The rows the inputs above must become, written independently of the code under test: as given to
 * createMany (`stored` false) or as Prisma reads them back (`stored` true: amounts rounded as stored).
 */
function expectedRows(
  shop: string,
  stored: boolean,
): { orders: Prisma.OrderCreateManyInput[]; lineItems: Prisma.LineItemCreateManyInput[] } {
  const o = (id: string, row: Omit<Prisma.OrderCreateManyInput, "shop" | "id" | "syncedAt">) => ({
    shop,
    id,
    ...row,
    syncedAt: SYNCED,
  });
  const l = (id: string, orderId: string, row: Omit<Prisma.LineItemCreateManyInput, "shop" | "id" | "orderId">) => ({
    shop,
    id,
    orderId,
    ...row,
  });
  const P = { productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/10" };
  return {
    orders: [
      o("gid://shopify/Order/1", {
        customerId: "gid://shopify/Customer/1",
        createdAt: d("2025-01-02T03:04:05.000Z"),
        processedAt: d("2025-01-02T03:04:05.678Z"),
        cancelledAt: null,
        test: false,
        financialStatus: "PAID",
        totalAmount: stored ? 0.3 : SUM,
        refundedAmount: 0,
        currencyCode: "EUR",
        sourceUpdatedAt: d("2025-01-03T00:00:00.001Z"),
      }),
      o("gid://shopify/Order/2", {
        customerId: null,
        createdAt: d("1999-12-31T23:59:59.999Z"),
        processedAt: d("1999-12-31T23:59:59.999Z"),
        cancelledAt: d("2000-01-01T00:00:00.000Z"),
        test: true,
        financialStatus: null,
        totalAmount: 123456789.125,
        refundedAmount: 1e-7,
        currencyCode: "",
        sourceUpdatedAt: d("1999-12-31T23:59:59.999Z"),
      }),
      o("gid://shopify/Order/3'\"\\é", {
        customerId: "gid://shopify/Customer/ü'2",
        createdAt: d("2026-06-30T12:00:00.000Z"),
        processedAt: d("2026-06-30T12:00:00.000Z"),
        cancelledAt: null,
        test: false,
        financialStatus: "PARTIALLY_REFUNDED",
        totalAmount: 1e21,
        refundedAmount: 2 ** 53 + 2,
        currencyCode: "JPY",
        sourceUpdatedAt: d("2026-07-01T12:00:00.000Z"),
      }),
      o("gid://shopify/Order/4", {
        customerId: "gid://shopify/Customer/4",
        createdAt: d("2026-02-28T23:00:00.500Z"),
        processedAt: d("2026-02-28T23:00:00.500Z"),
        cancelledAt: null,
        test: false,
        financialStatus: null,
        totalAmount: 0,
        refundedAmount: 0,
        currencyCode: "USD",
        sourceUpdatedAt: d("2026-02-28T23:00:00.500Z"),
      }),
    ],
    lineItems: [
      l("gid://shopify/LineItem/1", "gid://shopify/Order/1", {
        ...P,
        quantity: 2,
        currentQuantity: 2,
        unitPrice: stored ? 15.5 : NEAR,
      }),
      l("gid://shopify/LineItem/2", "gid://shopify/Order/1", {
        productId: null,
        variantId: null,
        quantity: 2,
        currentQuantity: 2,
        unitPrice: 1 / 3,
      }),
      l("gid://shopify/Order/2/line/0", "gid://shopify/Order/2", {
        ...P,
        quantity: 3,
        currentQuantity: 3,
        unitPrice: 0,
      }),
      l("gid://shopify/Order/2/line/1", "gid://shopify/Order/2", {
        ...P,
        quantity: 0,
        currentQuantity: 4,
        unitPrice: stored ? 0 : -0,
      }),
      l("gid://shopify/LineItem/3", "gid://shopify/Order/3'\"\\é", {
        ...P,
        quantity: 0,
        currentQuantity: 0,
        unitPrice: 1e20,
      }),
    ],
  };
}

const byId = <T extends { id: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

describe.each(kinds)("order writes on %s", (kind) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await freshTestDb(kind);
    db = t.db;
  });
  afterAll(async () => t?.cleanup());

  it("stores every column as Prisma's createMany does, and reads back through Prisma as written", async () => {
    const raw = "raw.myshopify.com";
    const ref = "reference.myshopify.com";
    const r = await upsertOrders(db, raw, edgeOrders(), SYNCED);
    expect(r).toEqual({ written: 4, olderIgnored: 0, lineItems: 5 });

    const expected = expectedRows(raw, true);
    const reference = expectedRows(ref, false);
    await db.order.createMany({ data: reference.orders });
    await db.lineItem.createMany({ data: reference.lineItems });

    // Through Prisma: the values of the inputs, as createMany would have stored them (toEqual compares
    // numbers with Object.is: 0.3 is not 0.1 + 0.2, 0 is not -0).
    const strip = <T extends { shop: string; id: string }>(rows: T[]) =>
      byId(rows.map(({ shop: _shop, ...rest }) => rest));
    const orders = await db.order.findMany({ where: { shop: raw } });
    expect(byId(orders)).toEqual(byId(expected.orders));
    expect(strip(orders)).toEqual(strip(await db.order.findMany({ where: { shop: ref } })));
    for (const row of orders)
      for (const f of ["createdAt", "processedAt", "sourceUpdatedAt", "syncedAt"] as const)
        expect(row[f]).toBeInstanceOf(Date);
    const lines = await db.lineItem.findMany({ where: { shop: raw } });
    expect(byId(lines)).toEqual(byId(expected.lineItems));
    expect(strip(lines)).toEqual(strip(await db.lineItem.findMany({ where: { shop: ref } })));

    // In the database: the same representation, column by column, as the rows createMany wrote.
    expect(await storedText(db, kind, "Order", ORDER_FIELDS, raw)).toEqual(
      await storedText(db, kind, "Order", ORDER_FIELDS, ref),
    );
    expect(await storedText(db, kind, "LineItem", LINE_ITEM_FIELDS, raw)).toEqual(
      await storedText(db, kind, "LineItem", LINE_ITEM_FIELDS, ref),
    );

    // Prisma's filters and sorts on those columns see the raw rows as they see createMany's.
    const where = (shop: string) => ({
      shop,
      processedAt: { gte: d("2025-01-02T03:04:05.678Z") },
      sourceUpdatedAt: { lte: d("2026-07-01T12:00:00.000Z") },
      test: false,
      totalAmount: { gt: 0.25 },
    });
    const ids = async (shop: string) =>
      (await db.order.findMany({ where: where(shop), orderBy: { createdAt: "desc" }, select: { id: true } })).map(
        (o) => o.id,
      );
    expect(await ids(raw)).toEqual(["gid://shopify/Order/3'\"\\é", "gid://shopify/Order/1"]);
    expect(await ids(raw)).toEqual(await ids(ref));
    const notCancelled = async (shop: string) =>
      db.order.count({ where: { shop, cancelledAt: null, customerId: { not: null } } });
    expect(await notCancelled(raw)).toBe(3);
    expect(await notCancelled(raw)).toBe(await notCancelled(ref));

    // And the analytics' loader gets the inputs back.
    const loaded = byId([...(await loadOrdersForAnalysis(db, raw))]);
    expect(loaded.map((o) => [o.id, o.total, o.refunded, o.test, o.cancelledAt, o.lineItems.length])).toEqual([
      ["gid://shopify/Order/1", 0.3, 0, false, null, 2],
      ["gid://shopify/Order/2", 123456789.125, 1e-7, true, d("2000-01-01T00:00:00.000Z"), 2],
      ["gid://shopify/Order/3'\"\\é", 1e21, 2 ** 53 + 2, false, null, 1],
      ["gid://shopify/Order/4", 0, 0, false, null, 0],
    ]);
  });

  it("late line items are stored as createMany stores them, once, and only under stored orders", async () => {
    const shop = "late.myshopify.com";
    const ref = "late-reference.myshopify.com";
    const base = edgeOrders().map((o) => ({ ...o, lineItems: [] }));
    await upsertOrders(db, shop, base, SYNCED);
    const late = [
      {
        parentId: "gid://shopify/Order/1",
        lineItem: {
          id: "gid://shopify/LineItem/L1",
          productId: null,
          variantId: "v",
          quantity: 1.4,
          unitPrice: 0.1 + 0.7,
        },
      },
      {
        parentId: "gid://shopify/Order/1",
        lineItem: { id: "gid://shopify/LineItem/L1", productId: null, variantId: "v", quantity: 1, unitPrice: 0.8 },
      },
      {
        parentId: "gid://shopify/Order/3'\"\\é",
        lineItem: {
          id: "gid://shopify/LineItem/L2",
          productId: "p",
          variantId: null,
          quantity: 3,
          currentQuantity: 1,
          unitPrice: 2.5,
        },
      },
      {
        parentId: "gid://shopify/Order/404",
        lineItem: { id: "gid://shopify/LineItem/L3", productId: "p", variantId: null, quantity: 1, unitPrice: 1 },
      },
      { parentId: "gid://shopify/Order/1", lineItem: { productId: "p", variantId: null, quantity: 1, unitPrice: 1 } },
    ];
    expect(await addLateLineItems(db, shop, late)).toEqual({ added: 2, orphaned: 2 });
    // Already stored: left alone.
    expect(await addLateLineItems(db, shop, late.slice(0, 1))).toEqual({ added: 0, orphaned: 0 });
    await db.order.createMany({ data: expectedRows(ref, false).orders });
    await db.lineItem.createMany({
      data: [
        // The last copy of a repeated id wins, as in a Map.
        {
          shop: ref,
          id: "gid://shopify/LineItem/L1",
          orderId: "gid://shopify/Order/1",
          productId: null,
          variantId: "v",
          quantity: 1,
          currentQuantity: 1,
          unitPrice: 0.8,
        },
        {
          shop: ref,
          id: "gid://shopify/LineItem/L2",
          orderId: "gid://shopify/Order/3'\"\\é",
          productId: "p",
          variantId: null,
          quantity: 3,
          currentQuantity: 1,
          unitPrice: 2.5,
        },
      ],
    });
    const strip = <T extends { shop: string; id: string }>(rows: T[]) =>
      byId(rows.map(({ shop: _shop, ...rest }) => rest));
    expect(strip(await db.lineItem.findMany({ where: { shop } }))).toEqual(
      strip(await db.lineItem.findMany({ where: { shop: ref } })),
    );
    expect(await storedText(db, kind, "LineItem", LINE_ITEM_FIELDS, shop)).toEqual(
      await storedText(db, kind, "LineItem", LINE_ITEM_FIELDS, ref),
    );
  });

  it("across chunks: the newest version wins, older ones only mark the order as synced, moved line items follow", async () => {
    const shop = "chunks.myshopify.com";
    // More orders than one chunk, and more replaced orders than one SQLite delete statement takes (333).
    const n = UPSERT_CHUNK + 237;
    const make = (i: number, version: Date, patch: Partial<OrderInput> = {}): OrderInput => ({
      id: `gid://shopify/Order/${1000 + i}`,
      customerId: `gid://shopify/Customer/${i % 17}`,
      processedAt: d("2025-05-01T00:00:00.000Z"),
      updatedAt: version,
      cancelledAt: null,
      test: false,
      total: i + 0.25,
      refunded: 0,
      currency: "USD",
      financialStatus: "PAID",
      lineItems: [
        { id: `gid://shopify/LineItem/${1000 + i}-a`, productId: "p1", variantId: "v1", quantity: 1, unitPrice: 10 },
        { id: `gid://shopify/LineItem/${1000 + i}-b`, productId: "p2", variantId: "v2", quantity: 2, unitPrice: 0.25 },
      ],
      ...patch,
    });
    const v1 = d("2025-05-02T00:00:00.000Z");
    const v2 = d("2025-05-03T00:00:00.000Z");
    const v0 = d("2025-05-01T12:00:00.000Z");
    const first = Array.from({ length: n }, (_, i) => make(i, v1));
    expect(await upsertOrders(db, shop, first, d("2025-06-01T00:00:00.000Z"))).toEqual({
      written: n,
      olderIgnored: 0,
      lineItems: 2 * n,
    });

    // Second pass: even orders newer (one line item fewer, a new total), odd ones older (ignored), and a
    // repeated copy of one order in the batch; order 1's line item "a" moves to order 0.
    const second: OrderInput[] = Array.from({ length: n }, (_, i) =>
      i % 2 === 0
        ? make(i, v2, {
            total: 99,
            lineItems: [
              {
                id: `gid://shopify/LineItem/${1000 + i}-b`,
                productId: "p2",
                variantId: "v2",
                quantity: 5,
                unitPrice: 0.25,
              },
            ],
          })
        : make(i, v0, { total: -1 }),
    );
    second[0].lineItems.push(
      { id: "gid://shopify/LineItem/1001-a", productId: "p1", variantId: "v1", quantity: 7, unitPrice: 10 },
      { id: "gid://shopify/LineItem/1001-a", productId: "p1", variantId: "v1", quantity: 7, unitPrice: 10 },
    );
    second.push(make(2, v1, { total: -2 }));
    const synced2 = d("2025-07-01T00:00:00.000Z");
    const evens = Math.ceil(n / 2);
    const r = await upsertOrders(db, shop, second, synced2);
    expect(r).toEqual({ written: evens, olderIgnored: n - evens + 1, lineItems: evens + 1 });

    const orders = await db.order.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(orders).toHaveLength(n);
    for (const o of orders) {
      const i = Number(o.id.split("/").pop()) - 1000;
      expect(o.syncedAt).toEqual(synced2); // written or kept: both seen by this sync
      if (i % 2 === 0) expect([o.totalAmount, o.sourceUpdatedAt]).toEqual([99, v2]);
      else expect([o.totalAmount, o.sourceUpdatedAt]).toEqual([i + 0.25, v1]);
    }
    const lines = await db.lineItem.findMany({ where: { shop } });
    expect(lines).toHaveLength(evens + 1 + 2 * (n - evens) - 1);
    const moved = lines.filter((l) => l.id === "gid://shopify/LineItem/1001-a");
    expect(moved).toEqual([expect.objectContaining({ orderId: "gid://shopify/Order/1000", quantity: 7 })]);
    expect(lines.filter((l) => l.orderId === "gid://shopify/Order/1002").map((l) => [l.id, l.quantity])).toEqual([
      ["gid://shopify/LineItem/1002-b", 5],
    ]);

    // The same batch again changes nothing but syncedAt: every copy is now equal or older.
    const again = await upsertOrders(db, shop, second, synced2);
    expect(again.written).toBe(evens);
    expect(await db.order.count({ where: { shop } })).toBe(n);
    expect(await db.lineItem.count({ where: { shop } })).toBe(lines.length);
  });
});
