/**
 * `npm run setup`: brings the database named by DATABASE_URL (default: the SQLite file
 * prisma/dev.sqlite) to the current schema. Used by `npm run demo`, deployments and `shopify app dev`.
 */
import { migrateDatabase } from "../app/db/migrate.server";
import { DEFAULT_SQLITE_URL } from "../app/db.server";

const url = process.env.DATABASE_URL ?? DEFAULT_SQLITE_URL;
const applied = await migrateDatabase(url);
console.log(
  `database ${url.replace(/\/\/[^@/]*@/, "//***@")}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`,
);
