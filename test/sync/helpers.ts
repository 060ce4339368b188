/**
 * Test databases for the sync tests. Other test runs on the same machine may be re-creating the SQLite
 * template (test/setup/global-setup.ts) while this one copies it, so a copy without the schema is
 * dropped and taken again.
 */
import { createTestDb, type DbKind, type TestDb } from "../helpers/db";

export async function freshTestDb(kind: DbKind): Promise<TestDb> {
  for (let i = 0; ; i++) {
    try {
      const t = await createTestDb(kind);
      try {
        await t.db.syncRun.count();
      } catch (error) {
        await t.cleanup();
        throw error;
      }
      return t;
    } catch (error) {
      if (i >= 20 || !/ENOENT|does not exist/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
