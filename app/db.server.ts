import { createRequire } from "node:module";
import { join } from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/**
 * The database. SQLite (a file) is the embedded default; PostgreSQL when DATABASE_URL is a postgres URL.
 * Both use Prisma's Rust-free client with a driver adapter, so nothing is downloaded at run time.
 * The PostgreSQL client is generated from prisma/postgres/schema.prisma (same models, other provider).
 */
export type Db = PrismaClient;

export const DEFAULT_SQLITE_URL = "file:./prisma/dev.sqlite";

export function isPostgresUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export function createDb(url: string = process.env.DATABASE_URL ?? DEFAULT_SQLITE_URL): Db {
  if (isPostgresUrl(url)) {
    const require = createRequire(import.meta.url);
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    const pgClientPath = join(process.cwd(), "node_modules/.prisma-pg/client/index.js");
    const { PrismaClient: PgClient } = require(pgClientPath) as { PrismaClient: new (o: unknown) => Db };
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  const adapter = new PrismaBetterSQLite3({ url });
  return new PrismaClient({ adapter });
}

declare global {
  // eslint-disable-next-line no-var
  var __churnlessDb: Db | undefined;
}

/**
 * The process's client, created on first use (not at import), so DATABASE_URL may be set after this
 * module is imported (tests, scripts), and one client survives Remix dev reloads.
 */
export function getDb(): Db {
  if (!globalThis.__churnlessDb) globalThis.__churnlessDb = createDb();
  return globalThis.__churnlessDb;
}

const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = getDb();
    const value = Reflect.get(real, prop, real) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
  has(_target, prop) {
    return Reflect.has(getDb(), prop);
  },
});

export default db;
