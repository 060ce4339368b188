import { describe, expect, it } from "vitest";
import type { Db } from "../../../app/db.server";
import { badRequestOnInvalidQuery, customerQueryFrom } from "../../../app/routes/app/admin-loader.server";
import { getShopCurrency } from "../../../app/models/shop-settings.server";
import { InvalidQueryError } from "../../../app/routes/app/customer-list.server";

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("admin loader helpers", () => {
  it("reads the customer query of the URL", async () => {
    const q = await customerQueryFrom(
      new Request("https://x.example/app/customers?risk=high&sort=clv12m&direction=asc&page=2"),
    );
    expect(q).toMatchObject({ risk: "high", sort: "clv12m", direction: "asc", page: 2 });
  });

  it("answers an invalid query with a 400 whose plain-text body says what is wrong", async () => {
    const res = await thrown(customerQueryFrom(new Request("https://x.example/app/customers?risk=extreme")));
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(400);
    expect((res as Response).headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await (res as Response).text()).toBe('Risk band must be low, medium or high, not "extreme".');
  });

  it("lets other errors through unchanged", async () => {
    const boom = new Error("database down");
    expect(await thrown(badRequestOnInvalidQuery(() => Promise.reject(boom)))).toBe(boom);
    const bad = await thrown(
      badRequestOnInvalidQuery(() => {
        throw new InvalidQueryError("bad id");
      }),
    );
    expect((bad as Response).status).toBe(400);
    expect(await badRequestOnInvalidQuery(() => 7)).toBe(7);
  });

  it("gives the shop's currency, USD for a shop not synced yet", async () => {
    const fake = (row: { currencyCode: string } | null) => ({ shop: { findUnique: async () => row } }) as unknown as Db;
    expect(await getShopCurrency(fake({ currencyCode: "EUR" }), "a.myshopify.com")).toBe("EUR");
    expect(await getShopCurrency(fake(null), "a.myshopify.com")).toBe("USD");
  });
});
