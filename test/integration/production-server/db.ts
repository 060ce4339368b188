/**
 * The suite's own view of the server's database, in plain SQL: node:sqlite for SQLite (a copy of the migrated
 * template, as test/helpers/db.ts makes), the pg client for PostgreSQL (a fresh database from
 * createPostgresTestDb). The test process never opens SQLite through Prisma's better-sqlite3 adapter: on
 * Node 24, better-sqlite3 11 can abort the whole test worker when the garbage collector finalizes a
 * statement ("Assertion failed: (env) != nullptr" in Statement::~Statement), which it did here mid-run.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { createPostgresTestDb, SQLITE_TEMPLATE, type DbKind } from "../../helpers/db";

export type Value = string | number | null;
export type Where = Record<string, Value | Value[]>;

export interface SqlDb {
  kind: DbKind;
  url: string;
  rows(sql: string, params?: Value[]): Promise<Array<Record<string, unknown>>>;
  run(sql: string, params?: Value[]): Promise<void>;
  /** Rows of `table` whose columns equal `where` (an array: any of its values). */
  count(table: string, where: Where): Promise<number>;
  cleanup(): Promise<void>;
}

function whereClause(where: Where): { sql: string; params: Value[] } {
  const parts: string[] = [];
  const params: Value[] = [];
  for (const [column, value] of Object.entries(where)) {
    if (Array.isArray(value)) {
      parts.push(value.length ? `"${column}" IN (${value.map(() => "?").join(", ")})` : "1 = 0");
      params.push(...value);
    } else if (value === null) parts.push(`"${column}" IS NULL`);
    else {
      parts.push(`"${column}" = ?`);
      params.push(value);
    }
  }
  return { sql: parts.length ? ` WHERE ${parts.join(" AND ")}` : "", params };
}

export async function freshDatabase(kind: DbKind): Promise<SqlDb> {
  if (kind === "sqlite") {
    const dir = join(tmpdir(), "churnless-test");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `prod-${randomBytes(6).toString("hex")}.sqlite`);
    copyFileSync(SQLITE_TEMPLATE, file);
    const db = new DatabaseSync(file);
    db.exec("PRAGMA busy_timeout = 10000");
    const self: SqlDb = {
      kind,
      url: `file:${file}`,
      async rows(sql, params = []) {
        return db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
      },
      async run(sql, params = []) {
        db.prepare(sql).run(...params);
      },
      async count(table, where) {
        const w = whereClause(where);
        const row = db.prepare(`SELECT COUNT(*) AS n FROM "${table}"${w.sql}`).get(...w.params) as { n: number };
        return Number(row.n);
      },
      async cleanup() {
        db.close();
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
      },
    };
    return self;
  }
  const created = await createPostgresTestDb();
  await created.db.$disconnect();
  const client = new pg.Client({ connectionString: created.url });
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    kind,
    url: created.url,
    async rows(sql, params = []) {
      return (await client.query(numbered(sql), params)).rows;
    },
    async run(sql, params = []) {
      await client.query(numbered(sql), params);
    },
    async count(table, where) {
      const w = whereClause(where);
      const r = await client.query(numbered(`SELECT COUNT(*) AS n FROM "${table}"${w.sql}`), w.params);
      return Number(r.rows[0].n);
    },
    async cleanup() {
      await client.end();
      await created.cleanup();
    },
  };
}
