/**
 * The customer list's query and page against small hand-checked data, on SQLite and PostgreSQL:
 * server-side filters, sort and pages, always per shop, and bad parameters refused with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { InvalidQueryError, listCustomers, parseCustomerQuery } from "../../../app/routes/app/customer-list.server";
import { seedAdminShops, SHOP } from "../../helpers/app-fixtures";

const kinds = await databaseKinds();
const q = (s: string) => parseCustomerQuery(new URLSearchParams(s));

describe.each(kinds)("the customer list on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedAdminShops(t.db);
  });
  afterAll(async () => t?.cleanup());

  it("sorts on the server, with stable pages", async () => {
    // Savable customers first: the default sort is value at risk (fixtures: churn × CLV), highest first.
    const byValueAtRisk = await listCustomers(t.db, SHOP, q(""));
    expect(byValueAtRisk.total).toBe(5);
    expect(byValueAtRisk.rows.map((r) => r.numericId)).toEqual(["5", "3", "4", "1", "2"]);
    const byChurn = await listCustomers(t.db, SHOP, q("sort=churnProbability"));
    expect(byChurn.rows.map((r) => r.numericId)).toEqual(["4", "2", "3", "5", "1"]);
    const byClvAsc = await listCustomers(t.db, SHOP, q("sort=clv12m&direction=asc"));
    expect(byClvAsc.rows.map((r) => r.clv12m)).toEqual([20, 35, 80, 150, 300]);
    const page1 = await listCustomers(t.db, SHOP, q("sort=monetary&page=1"), 2);
    const page3 = await listCustomers(t.db, SHOP, q("sort=monetary&page=3"), 2);
    expect(page1.pageCount).toBe(3);
    expect(page1.rows.map((r) => r.monetary)).toEqual([500, 250]);
    expect(page3.rows.map((r) => r.monetary)).toEqual([40]);
    // Past the last page: the last page.
    expect((await listCustomers(t.db, SHOP, q("sort=monetary&page=9"), 2)).page).toBe(3);
  });

  it("filters by segment, risk band and CLV range", async () => {
    expect((await listCustomers(t.db, SHOP, q("risk=high"))).rows.map((r) => r.numericId)).toEqual(["4", "2"]);
    expect((await listCustomers(t.db, SHOP, q("segment=rfm:at_risk&clvMin=30"))).rows.map((r) => r.numericId)).toEqual([
      "4",
    ]);
    const cluster = await listCustomers(
      t.db,
      SHOP,
      q("segment=cluster:loyal-regulars&clvMax=150&sort=clv12m&direction=desc"),
    );
    expect(cluster.rows.map((r) => [r.numericId, r.clusterName])).toEqual([
      ["5", "Loyal regulars"],
      ["3", "Loyal regulars"],
    ]);
    expect(cluster.segments.map((s) => s.value)).toContain("cluster:one-timers");
  });

  it("rejects bad parameters with a clear message", () => {
    expect(() => q("sort=email")).toThrow(InvalidQueryError);
    expect(() => q("sort=email")).toThrow(/Unknown sort "email"/);
    expect(() => q("risk=extreme")).toThrow(/low, medium or high/);
    expect(() => q("clvMin=abc")).toThrow(/Minimum CLV must be a number/);
    expect(() => q("clvMin=10&clvMax=5")).toThrow(/above maximum/);
    expect(() => q("page=0")).toThrow(/Page must be/);
    expect(() => q("segment=drop table")).toThrow(/Segment must look like/);
  });
});
