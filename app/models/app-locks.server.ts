/**
 * Short leases on named resources across processes, kept in the database (the AppLock table) for when
 * there is no Redis: a row per held key, with its owner and when the lease runs out (epoch ms). A lease
 * whose holder died is taken over once it has run out, so a killed process never blocks the others for
 * longer. Taking and renewing is one statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE, the same in
 * SQLite and PostgreSQL): no transaction, so SQLite writers contending for it never wait on each other.
 */
import type { Db } from "../db.server";

/** Takes `key` for `owner` until `ttlMs` from now; false while someone else holds an unexpired lease. */
export async function acquireDbLease(db: Db, key: string, owner: string, ttlMs: number): Promise<boolean> {
  const now = Date.now();
  const expiresAt = now + ttlMs;
  try {
    const changed = await db.$executeRaw`
      INSERT INTO "AppLock" ("key", "owner", "expiresAt") VALUES (${key}, ${owner}, ${expiresAt})
      ON CONFLICT ("key") DO UPDATE SET "owner" = excluded."owner", "expiresAt" = excluded."expiresAt"
      WHERE "AppLock"."expiresAt" < ${now} OR "AppLock"."owner" = ${owner}`;
    return changed === 1;
  } catch (error) {
    // The database was busy with another writer (SQLite) or out of reach: not ours this time; the caller
    // tries again until its wait runs out.
    console.error(`[locks] taking ${key}: ${(error as Error).message}`);
    return false;
  }
}

/** Gives `key` back, if `owner` still holds it. */
export async function releaseDbLease(db: Db, key: string, owner: string): Promise<void> {
  await db.appLock.deleteMany({ where: { key, owner } });
}
