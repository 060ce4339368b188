/**
 * Short leases on named resources across processes, kept in the database (the AppLock table) for when
 * there is no Redis: a row per held key, with its owner and when the lease runs out. A lease whose holder
 * died is taken over once it has run out, so a killed process never blocks the others for longer.
 */
import type { Db } from "../db.server";

/** Takes `key` for `owner` until `ttlMs` from now; false while someone else holds an unexpired lease. */
export async function acquireDbLease(db: Db, key: string, owner: string, ttlMs: number): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  // Take over a lease that ran out (or renew our own); then, if there was no row, create it.
  try {
    const taken = await db.appLock.updateMany({
      where: { key, OR: [{ expiresAt: { lt: now } }, { owner }] },
      data: { owner, expiresAt },
    });
    if (taken.count === 1) return true;
    await db.appLock.create({ data: { key, owner, expiresAt } });
    return true;
  } catch {
    // The key's row exists (another owner created it first, or holds it), or the database was busy with
    // another writer (SQLite): not ours this time; the caller tries again.
    return false;
  }
}

/** Gives `key` back, if `owner` still holds it. */
export async function releaseDbLease(db: Db, key: string, owner: string): Promise<void> {
  await db.appLock.deleteMany({ where: { key, owner } });
}
