import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { importCdnow, importCdnowFile, importCompleteJourney } from "../src/importers";

const SAMPLE = join(__dirname, "../../../test/fixtures/cdnow/CDNOW_sample.txt");

describe("CDNOW importer", () => {
  const text = readFileSync(SAMPLE, "utf8");
  const data = importCdnow(text);

  it("loads the 2,357-customer sample: one order per row, one customer per id, values intact", () => {
    expect(data.customers).toHaveLength(2357);
    expect(data.orders).toHaveLength(6919);
    // The file's sum, read independently of the importer: the last field of each line, in cents.
    const fileCents = text
      .split("\n")
      .filter((l) => l.trim())
      .reduce((s, l) => s + Math.round(Number(l.trim().split(/\s+/).pop()) * 100), 0);
    expect(fileCents).toBe(24409194);
    expect(data.orders.reduce((s, o) => s + Math.round(Number(o.totalPrice) * 100), 0)).toBe(fileCents);
    const ids = new Set(data.customers.map((c) => c.id));
    expect(data.orders.every((o) => o.customerId !== null && ids.has(o.customerId))).toBe(true);
    expect(importCdnowFile(SAMPLE, { shop: "cdnow-file.myshopify.com" })).toEqual({
      ...data,
      shop: "cdnow-file.myshopify.com",
    });
  });

  it("turns a row into an order with one CD line: quantity = CDs, unit price = value / CDs", () => {
    // " 00004 0001 19970118  2   29.73" is the second row.
    const o = data.orders[1];
    expect(o).toMatchObject({
      id: "gid://shopify/Order/2",
      customerId: "gid://shopify/Customer/4",
      createdAt: "1997-01-18T12:00:00Z",
      processedAt: "1997-01-18T12:00:00Z",
      cancelledAt: null,
      test: false,
      displayFinancialStatus: "PAID",
      currencyCode: "USD",
      totalPrice: "29.73",
      totalRefunded: "0.00",
    });
    expect(o.lineItems).toEqual([
      {
        id: "gid://shopify/LineItem/2",
        productId: "gid://shopify/Product/1",
        variantId: "gid://shopify/ProductVariant/1",
        quantity: 2,
        currentQuantity: 2,
        unitPrice: "14.865",
      },
    ]);
    expect(data.products).toHaveLength(1);
    expect(data.products[0]).toMatchObject({ id: "gid://shopify/Product/1", title: "CD", status: "ACTIVE" });
    const c4 = data.customers.find((c) => c.id === "gid://shopify/Customer/4")!;
    expect(c4.createdAt).toBe("1997-01-01T12:00:00Z");
    expect(c4.updatedAt).toBe("1997-12-12T12:00:00Z");
    expect(c4.email).toBe("customer4@example.com");
  });

  it("reads the master format (header, 4 fields, CRLF) and keeps same-day rows apart", () => {
    const master =
      " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n 00002 19970112  5   77.00\r\n 00003 19970102  3   20.00\r\n 00004 19970103  1    0.00\r\n";
    const d = importCdnow(master, { shop: "cd.myshopify.com", currencyCode: "EUR" });
    expect(d.shop).toBe("cd.myshopify.com");
    expect(
      d.orders.map((o) => [o.customerId, o.createdAt, o.totalPrice, o.lineItems[0].quantity, o.lineItems[0].unitPrice]),
    ).toEqual([
      ["gid://shopify/Customer/1", "1997-01-01T12:00:00Z", "11.77", 1, "11.77"],
      ["gid://shopify/Customer/2", "1997-01-12T12:00:00Z", "12.00", 1, "12.00"],
      ["gid://shopify/Customer/2", "1997-01-12T12:01:00Z", "77.00", 5, "15.40"],
      ["gid://shopify/Customer/3", "1997-01-02T12:00:00Z", "20.00", 3, "6.666667"],
      ["gid://shopify/Customer/4", "1997-01-03T12:00:00Z", "0.00", 1, "0.00"],
    ]);
    expect(d.customers).toHaveLength(4);
    expect(d.orders.every((o) => o.currencyCode === "EUR")).toBe(true);
  });

  it("rejects a bad line with its line number", () => {
    expect(() => importCdnow(" 00001 19970101  1   11.77\n 00002 19971301  1  3.00\n")).toThrow(
      /line 2: date is not YYYYMMDD/,
    );
    expect(() => importCdnow(" 00001 19970101  x   11.77\n")).toThrow(/line 1: number of CDs/);
    expect(() => importCdnow(" 00001 19970101  1\n")).toThrow(/line 1: expected 4 fields/);
    expect(() => importCdnow(" 00001 19970101  1  -2\n")).toThrow(/line 1: dollar value/);
    expect(() => importCdnow(" 00001 19970101  1  2\nabc 19970101 1 2\n")).toThrow(
      /line 2: customer id is not a number/,
    );
  });
});

describe("Complete Journey importer (inline data)", () => {
  const csv = [
    '"household_id","store_id","basket_id","product_id","quantity","sales_value","retail_disc","coupon_disc","coupon_match_disc","week","transaction_timestamp"',
    '"7","1","900","11",1,2.5,0,0,0,1,"2017-01-03 10:00:00"',
    '"7","1","900","12",2,3,0,0,0,1,"2017-01-03 10:00:00"',
    '"7","1","900","11",1,2.5,0,0,0,1,"2017-01-03 10:00:00"',
    '"8","1","901","12",1,1.49,0,0,0,1,"2017-01-05 18:30:00"',
    '"7","1","902","13",3,1,0,0,0,2,"2017-01-02 09:00:00"',
  ].join("\n");
  const products = [
    '"product_id","manufacturer_id","department","brand","product_category","product_type","package_size"',
    '"11","2","GROCERY","National","FRZN ICE","ICE - CRUSHED/CUBED","22 LB"',
    '"12","3","PRODUCE","Private","","BANANAS","1 LB"',
  ].join("\n");

  it("makes one order per basket, one line per product with quantities summed, households as customers", () => {
    const d = importCompleteJourney(csv, gzipSync(products));
    expect(d.orders.map((o) => [o.id, o.customerId, o.createdAt, o.totalPrice])).toEqual([
      ["gid://shopify/Order/902", "gid://shopify/Customer/7", "2017-01-02T09:00:00Z", "1.00"],
      ["gid://shopify/Order/900", "gid://shopify/Customer/7", "2017-01-03T10:00:00Z", "8.00"],
      ["gid://shopify/Order/901", "gid://shopify/Customer/8", "2017-01-05T18:30:00Z", "1.49"],
    ]);
    expect(d.orders[1].lineItems.map((l) => [l.productId, l.variantId, l.quantity, l.unitPrice])).toEqual([
      ["gid://shopify/Product/11", "gid://shopify/ProductVariant/11", 2, "2.50"],
      ["gid://shopify/Product/12", "gid://shopify/ProductVariant/12", 2, "1.50"],
    ]);
    expect(d.orders[0].lineItems[0].unitPrice).toBe("0.3333");
    expect(d.customers.map((c) => [c.id, c.createdAt, c.updatedAt])).toEqual([
      ["gid://shopify/Customer/7", "2017-01-02T09:00:00Z", "2017-01-03T10:00:00Z"],
      ["gid://shopify/Customer/8", "2017-01-05T18:30:00Z", "2017-01-05T18:30:00Z"],
    ]);
    const byId = new Map(d.products.map((p) => [p.id, p]));
    expect(byId.get("gid://shopify/Product/11")).toMatchObject({
      productType: "Frzn Ice",
      title: "Ice - Crushed/Cubed (National)",
      vendor: "National",
    });
    // An empty product_category falls back to the department.
    expect(byId.get("gid://shopify/Product/12")!.productType).toBe("Produce");
    // Not in products.csv: no type.
    expect(byId.get("gid://shopify/Product/13")!.productType).toBe("");
    expect(d.products).toHaveLength(3);
  });

  it("works without a products file and names a missing column", () => {
    const d = importCompleteJourney(csv);
    expect(d.products.every((p) => p.productType === "")).toBe(true);
    expect(() => importCompleteJourney(csv, '"id","x"\n"1","2"')).toThrow(/products CSV needs a product_id column/);
    expect(() => importCompleteJourney('"household_id","basket_id"\n"1","2"')).toThrow(/requires a product_id column/);
  });
});
