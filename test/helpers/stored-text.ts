/**
 * Each column's stored value as the database's own text, row by row (ordered by `orderBy`): SQLite's
 * quote() also shows the storage class. Tests compare rows written with raw SQL against rows Prisma's
 * createMany wrote, so Prisma's filters and sorts treat both the same.
 */
import type { Db } from "../../app/db.server";
import type { DbKind } from "./db";

export async function storedText(
  db: Db,
  kind: DbKind,
  table: string,
  fields: readonly string[],
  shop: string,
  orderBy = "id",
): Promise<string[][]> {
  const cols = fields
    .filter((f) => f !== "shop")
    .map((f) => (kind === "sqlite" ? `quote("${f}")` : `"${f}"::text`))
    .join(", ");
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT ${cols} FROM "${table}" WHERE "shop" = ${kind === "sqlite" ? "?" : "$1"} ORDER BY "${orderBy}"`,
    shop,
  );
  return rows.map((r) => Object.values(r).map((v) => (v === null ? "NULL" : String(v))));
}
