import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";

const kinds = await databaseKinds();

describe.each(kinds)("schema on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("migrates and round-trips an order with its line items", async () => {
    const shop = "a.myshopify.com";
    await t.db.order.create({
      data: {
        shop,
        id: "gid://shopify/Order/1",
        customerId: "gid://shopify/Customer/9",
        createdAt: new Date("2025-01-02T10:00:00Z"),
        processedAt: new Date("2025-01-02T10:00:00Z"),
        totalAmount: 42.5,
        currencyCode: "EUR",
        sourceUpdatedAt: new Date("2025-01-02T10:00:00Z"),
        lineItems: {
          create: [
            {
              id: "gid://shopify/LineItem/1",
              productId: "gid://shopify/Product/7",
              quantity: 2,
              currentQuantity: 2,
              unitPrice: 21.25,
            },
          ],
        },
      },
    });
    const order = await t.db.order.findUniqueOrThrow({
      where: { shop_id: { shop, id: "gid://shopify/Order/1" } },
      include: { lineItems: true },
    });
    expect(order.totalAmount).toBe(42.5);
    expect(order.lineItems).toHaveLength(1);
    expect(order.lineItems[0].productId).toBe("gid://shopify/Product/7");
    // The same GID in another shop is another row.
    await t.db.order.create({
      data: {
        ...{
          shop: "b.myshopify.com",
          id: "gid://shopify/Order/1",
          createdAt: new Date(),
          processedAt: new Date(),
          totalAmount: 1,
          currencyCode: "EUR",
          sourceUpdatedAt: new Date(),
        },
      },
    });
    expect(await t.db.order.count()).toBe(2);
  });

  it("stores a shop's settings with defaults", async () => {
    const s = await t.db.shop.create({ data: { shop: "c.myshopify.com" } });
    expect(s.tagPrefix).toBe("churnless");
    expect(s.autoTag).toBe(false);
    expect(s.churnHorizonDays).toBeNull();
  });
});
