/**
 * Shopify's Prisma session storage on our schema, on SQLite and PostgreSQL: the OAuth / token-exchange
 * install stores the shop's offline session and every admin request loads it. (@shopify/shopify-app-
 * session-storage-prisma 9 writes refreshToken and refreshTokenExpires on every store.)
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
    const session = new Session({ id: "offline_alpha.myshopify.com", shop: "alpha.myshopify.com", state: "st", isOnline: false, accessToken: "shpat_x", scope: "read_orders,read_customers" });
    await expect(storage.storeSession(session)).resolves.toBe(true);
    const loaded = await storage.loadSession(session.id);
    expect(loaded?.accessToken).toBe("shpat_x");
    expect(loaded?.scope).toBe("read_orders,read_customers");
    expect((await storage.findSessionsByShop("alpha.myshopify.com")).map((s) => s.id)).toEqual([session.id]);
    await storage.deleteSession(session.id);
    expect(await storage.loadSession(session.id)).toBeUndefined();
  });
});
