import { Prisma } from "@prisma/client";
import type { Db } from "../db.server";

/**
 * Bulk writes as one SQL statement per table and chunk (the sync's orders, the analysis's scores).
 *
 * Prisma's createMany/deleteMany (and even one raw statement) pay a fixed cost per call in the client
 * runtime and its query compiler, plus a cost per bound value, both far above the database's
 * own work; SQLite's limit of 999 bound values would make that a statement per 76 orders. So the rows of
 * a chunk go to the database as ONE parameter, a JSON array of row arrays, and the database unpacks it
 * (SQLite `json_each`, PostgreSQL `json_array_elements`): one statement per table and chunk, through the
 * same client and transaction. Identifiers are double-quoted (valid in both dialects).
 *
 * Every value is written exactly as Prisma's driver adapters write it, so the rows read back through
 * Prisma identically (test/models/orders.test.ts compares the stored text of every column with
 * rows written by createMany, on both databases):
 * - DateTime: SQLite TEXT `2024-01-02T03:04:05.678+00:00` (@prisma/adapter-better-sqlite3's default
 *   "iso8601" format); PostgreSQL timestamp(3) from the ISO text (the zone of a `timestamp` input is
 *   ignored, and the value is UTC).
 * - Float: REAL / double precision, rounded to 16 significant digits first as Prisma's createMany does
 *   (0.1 + 0.2 is stored as 0.3); as a JSON number (the shortest text that reads back as the same double,
 *   which both databases parse exactly).
 * - Boolean: SQLite INTEGER 0/1 (what `->>` gives for JSON false/true); PostgreSQL boolean.
 * - Int: a JSON integer; INTEGER / integer. Strings and NULL as themselves.
 *
 * Rows must carry every column's value: a column's database default is not applied (Prisma's
 * `@updatedAt` and `@default` live in the client, and createMany would fill them in).
 * A JSON text column (reasonsJson, recommendedJson...) is a "text" column here: its value is the text of
 * its writer in app/models/json-columns.server.ts, read back by the reader beside it.
 */
export type Dialect = "sqlite" | "postgresql";
export type ColumnType = "text" | "timestamp" | "boolean" | "integer" | "float";

type Tx = Prisma.TransactionClient;

/** SQLite's driver takes at most 999 bound values per statement. */
export const SQLITE_MAX_BOUND_VALUES = 999;

const PG_TYPES: Record<ColumnType, string> = {
  text: "text",
  timestamp: "timestamp(3)",
  boolean: "boolean",
  integer: "integer",
  float: "double precision",
};

/** The SQL dialect of the client (each generated client knows its provider). */
export function dialectOf(db: Db): Dialect {
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  if (provider === "sqlite") return "sqlite";
  if (provider === "postgresql" || provider === "postgres") return "postgresql";
  throw new Error(`unsupported database provider ${String(provider)}`);
}

/** How a column's values become the JSON that the database unpacks (see the storage formats above). */
function toJson(dialect: Dialect, type: ColumnType): (value: unknown) => unknown {
  switch (type) {
    // Prisma writes a Float rounded to 16 significant digits (0.1 + 0.2 is stored as 0.3).
    case "float":
      return (v) => (v === undefined || v === null ? null : Number((v as number).toPrecision(16)));
    case "timestamp":
      // createMany also accepts an ISO string for a DateTime: normalise it the same way.
      return (v) => {
        if (v === undefined || v === null) return null;
        const iso = (v instanceof Date ? v : new Date(v as string)).toISOString();
        return dialect === "sqlite" ? iso.replace("Z", "+00:00") : iso;
      };
    default:
      // An absent value is NULL (a column with a default must be given its value: see insertRows).
      return (v) => v ?? null;
  }
}

/**
 * The rows of a JSON array parameter as a set with a column `value` (one row array each). PostgreSQL: jsonb,
 * parsed once; with json every `->> i` re-parsed the row's text (the order sync's inserts took 60% of its time).
 */
const jsonRows = (dialect: Dialect, json: string) =>
  dialect === "sqlite"
    ? Prisma.sql`json_each(${json})`
    : Prisma.sql`jsonb_array_elements(${json}::jsonb) AS "rows"("value")`;

/** Element i of a row array, as the column's type. */
const jsonField = (dialect: Dialect, i: number, type: ColumnType) =>
  Prisma.raw(dialect === "sqlite" ? `"value" ->> ${i}` : `("value" ->> ${i})::${PG_TYPES[type]}`);

/** INSERT INTO "table" (columns) the rows, in one statement. */
export async function insertRows<Row extends object>(
  tx: Tx,
  dialect: Dialect,
  table: string,
  columns: { readonly [K in keyof Row]-?: ColumnType },
  rows: Row[],
): Promise<void> {
  if (!rows.length) return;
  const entries = Object.entries(columns) as Array<[keyof Row & string, ColumnType]>;
  const converters = entries.map(([, type]) => toJson(dialect, type));
  const json = JSON.stringify(rows.map((row) => entries.map(([name], i) => converters[i](row[name]))));
  const names = Prisma.raw(entries.map(([name]) => `"${name}"`).join(", "));
  const fields = Prisma.join(entries.map(([, type], i) => jsonField(dialect, i, type)));
  await tx.$executeRaw(
    Prisma.sql`INSERT INTO ${Prisma.raw(`"${table}"`)} (${names}) SELECT ${fields} FROM ${jsonRows(dialect, json)}`,
  );
}

/** `SELECT` of the given strings (one JSON parameter), for `"column" IN (...)`. */
export const stringList = (dialect: Dialect, values: string[]) =>
  dialect === "sqlite"
    ? Prisma.sql`SELECT "value" FROM json_each(${JSON.stringify(values)})`
    : Prisma.sql`SELECT json_array_elements_text(${JSON.stringify(values)}::json)`;

/** DELETE FROM "table" WHERE "shop" = ? AND "column" IN (the values), in one statement. */
export async function deleteWhereIn(
  tx: Tx,
  dialect: Dialect,
  table: string,
  shop: string,
  column: string,
  values: string[],
): Promise<number> {
  if (!values.length) return 0;
  return tx.$executeRaw(
    Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shop" = ${shop} AND ${Prisma.raw(`"${column}"`)} IN (${stringList(dialect, values)})`,
  );
}
