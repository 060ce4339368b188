/**
 * Shopify's Prisma session storage on our schema, on SQLite and PostgreSQL: the OAuth / token-exchange
 * install stores the shop's offline session and every admin request loads it. With expiring offline tokens
 * the session carries `expires`, `refreshToken` and `refreshTokenExpires`, and a refresh stores the new
 * ones over the old (@shopify/shopify-app-session-storage-prisma 11).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";

const kinds = await databaseKinds();

describe.each(kinds)("PrismaSessionStorage on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t?.cleanup());

  it("stores, loads, finds by shop and deletes the offline session", async () => {
    const storage = new PrismaSessionStorage(t.db, { connectionRetries: 1, connectionRetryIntervalMs: 10 });
    const session = new Session({
      id: "offline_alpha.myshopify.com",
      shop: "alpha.myshopify.com",
      state: "st",
      isOnline: false,
      accessToken: "shpat_x",
      scope: "read_orders,read_customers",
    });
    await expect(storage.storeSession(session)).resolves.toBe(true);
    const loaded = await storage.loadSession(session.id);
    expect(loaded?.accessToken).toBe("shpat_x");
    expect(loaded?.scope).toBe("read_orders,read_customers");
    expect((await storage.findSessionsByShop("alpha.myshopify.com")).map((s) => s.id)).toEqual([session.id]);

    // An expiring offline token, then its refresh: the new pair replaces the old one in the same row.
    const hour = new Date(Date.now() + 3_600_000);
    const days90 = new Date(Date.now() + 90 * 86_400_000);
    const expiring = new Session({
      ...session.toObject(),
      accessToken: "shpat_a",
      expires: hour,
      refreshToken: "shprt_a",
      refreshTokenExpires: days90,
    });
    await storage.storeSession(expiring);
    const renewed = new Session({
      ...session.toObject(),
      accessToken: "shpat_b",
      expires: new Date(hour.getTime() + 1000),
      refreshToken: "shprt_b",
      refreshTokenExpires: days90,
    });
    await storage.storeSession(renewed);
    const back = await storage.loadSession(session.id);
    expect(back).toMatchObject({ accessToken: "shpat_b", refreshToken: "shprt_b" });
    expect(back?.expires?.getTime()).toBe(hour.getTime() + 1000);
    expect(back?.refreshTokenExpires?.getTime()).toBe(days90.getTime());
    expect(await t.db.session.count({ where: { shop: "alpha.myshopify.com" } })).toBe(1);

    await storage.deleteSession(session.id);
    expect(await storage.loadSession(session.id)).toBeUndefined();
  });
});
