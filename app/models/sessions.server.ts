/**
 * The Session table beyond what the library's PrismaSessionStorage (app/shopify.server.ts) does itself:
 * whether a shop has an offline session, which shops have one, and what the lifecycle webhooks change.
 */
import type { Db } from "../db.server";

/** True when the shop has a stored offline access token (the app is installed there). */
export async function hasOfflineSession(db: Db, shop: string): Promise<boolean> {
  const stored = await db.session.findUnique({ where: { id: `offline_${shop}` }, select: { accessToken: true } });
  return !!stored?.accessToken;
}

/** Every shop with an offline session, once each. */
export async function shopsWithOfflineSession(db: Db): Promise<string[]> {
  const sessions = await db.session.findMany({ where: { isOnline: false }, select: { shop: true } });
  return [...new Set(sessions.map((s) => s.shop))];
}

/** Deletes the shop's sessions (app/uninstalled); how many there were. */
export async function deleteShopSessions(db: Db, shop: string): Promise<number> {
  return (await db.session.deleteMany({ where: { shop } })).count;
}

/** Records the scopes granted on one of the shop's sessions (app/scopes_update). */
export async function setSessionScopes(db: Db, shop: string, sessionId: string, scopes: string[]): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, shop }, data: { scope: scopes.join(",") } });
}
