/**
 * Databases for tests. Every test file gets its own fresh database:
 * - SQLite: a copy of the template migrated once by test/setup/global-setup.ts;
 * - PostgreSQL (127.0.0.1:5432, trust auth): a new database, migrated, dropped afterwards.
 * `databaseKinds()` lists the kinds to run database tests on: PostgreSQL whenever it is reachable,
 * and always under CI=true (where an unreachable PostgreSQL is a failure, not a skip).
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "../../app/db.server";
import { migrateDatabase } from "../../app/db/migrate.server";

export const SQLITE_TEMPLATE = join(process.cwd(), "test/.tmp/template.sqlite");
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type DbKind = "sqlite" | "postgres";

export interface TestDb {
  kind: DbKind;
  url: string;
  db: Db;
  cleanup(): Promise<void>;
}

let pgReachable: boolean | undefined;

export async function postgresReachable(): Promise<boolean> {
  if (pgReachable !== undefined) return pgReachable;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    pgReachable = true;
  } catch {
    // Unreachable: the callers skip PostgreSQL (or fail under CI=true, see databaseKinds).
    pgReachable = false;
  } finally {
    await client
      .end()
      .catch((error: unknown) =>
        console.warn(`[test db] closing the PostgreSQL probe: ${(error as Error)?.message ?? error}`),
      );
  }
  return pgReachable;
}

/** The database kinds to run database tests on. */
export async function databaseKinds(): Promise<DbKind[]> {
  if (await postgresReachable()) return ["sqlite", "postgres"];
  if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}; CI must test on it`);
  return ["sqlite"];
}

export async function createTestDb(kind: DbKind = "sqlite"): Promise<TestDb> {
  return kind === "postgres" ? createPostgresTestDb() : createSqliteTestDb();
}

export async function createSqliteTestDb(): Promise<TestDb> {
  const dir = join(tmpdir(), "churnless-test");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomBytes(6).toString("hex")}.sqlite`);
  copyFileSync(SQLITE_TEMPLATE, file);
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    kind: "sqlite",
    url,
    db,
    async cleanup() {
      await db.$disconnect();
      rmSync(file, { force: true });
    },
  };
}

export async function createPostgresTestDb(): Promise<TestDb> {
  const name = `churnless_t_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  await migrateDatabase(url);
  const db = createDb(url);
  return {
    kind: "postgres",
    url,
    db,
    async cleanup() {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
