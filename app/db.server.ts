import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { DEFAULT_SQLITE_URL, env, maskUrl } from "./env.server";

/**
 * The database. SQLite (a file) is the embedded default; PostgreSQL when DATABASE_URL is a postgres URL.
 * Both use Prisma's Rust-free client with a driver adapter, so nothing is downloaded at run time.
 * The PostgreSQL client is generated from prisma/postgres/schema.prisma (same models, other provider).
 */
export type Db = PrismaClient;

export { DEFAULT_SQLITE_URL };

export function isPostgresUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export function isSqliteUrl(url: string | undefined): boolean {
  return !!url && /^file:.+/.test(url);
}

/** Throws a one-line error for a URL that is neither SQLite (file:) nor PostgreSQL (postgres(ql)://). */
export function assertDatabaseUrl(url: string): void {
  if (isPostgresUrl(url) || isSqliteUrl(url)) return;
  throw new Error(
    `DATABASE_URL must be a SQLite file URL (file:./prisma/dev.sqlite) or a PostgreSQL URL (postgresql://user:password@host:5432/db), not "${maskUrl(url)}"`,
  );
}

/** The URL each client was made with (see databaseUrlOf). */
const urls = new WeakMap<Db, string>();

export function createDb(url: string = env().DATABASE_URL): Db {
  assertDatabaseUrl(url);
  let client: Db;
  if (isPostgresUrl(url)) {
    const require = createRequire(import.meta.url);
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    const pgClientPath = join(process.cwd(), "node_modules/.prisma-pg/client/index.js");
    const { PrismaClient: PgClient } = require(pgClientPath) as { PrismaClient: new (o: unknown) => Db };
    client = new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
  } else client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  urls.set(client, url);
  return client;
}

/**
 * The URL a client of createDb (or the process's client) was made with, so another thread can open the
 * same database (the analysis thread reads a shop's history itself); null for any other client.
 */
export function databaseUrlOf(client: Db): string | null {
  if (client === db) return globalThis.__churnlessDb ? (urls.get(globalThis.__churnlessDb) ?? null) : null;
  return urls.get(client) ?? null;
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

/** The SQLite file a file: URL names (relative to the working directory, as Prisma resolves it). */
export function sqliteFile(url: string): string {
  return resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

/**
 * Checks at start that the database answers and has the app's tables, within `timeoutMs`. Throws one
 * line naming the (masked) URL, the cause and what to do. A missing SQLite file is reported as such
 * (opening it would create an empty file).
 */
export async function checkDatabase(
  url: string = env().DATABASE_URL,
  opts: { timeoutMs?: number; client?: Db } = {},
): Promise<void> {
  assertDatabaseUrl(url);
  const where = `the database at ${maskUrl(url)}`;
  if (isSqliteUrl(url) && !existsSync(sqliteFile(url))) {
    throw new Error(
      `Cannot open ${where}: the file ${sqliteFile(url)} does not exist (run npm run setup to create it)`,
    );
  }
  const client = opts.client ?? createDb(url);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${(opts.timeoutMs ?? 10_000) / 1000} s`)),
        opts.timeoutMs ?? 10_000,
      );
    });
    // A table of the app: an empty or foreign database fails here, not at the first request.
    await Promise.race([client.shop.findFirst({ select: { shop: true } }), timeout]);
  } catch (error) {
    const cause =
      ((error as Error).message || String(error))
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .pop() ?? "";
    const hint = /does not exist|no such table/i.test(cause) ? " (run npm run setup to create the tables)" : "";
    throw new Error(`Cannot use ${where}: ${maskUrl(cause)}${hint}`);
  } finally {
    clearTimeout(timer);
    if (!opts.client)
      await client
        .$disconnect()
        .catch((e: unknown) => console.error(`[db] disconnect after the start check: ${String(e)}`));
  }
}
