import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { migrateDatabase } from "../../app/db/migrate.server";
import { SQLITE_TEMPLATE } from "../helpers/db";

/**
 * Migrates the SQLite template once per test run; each test file copies it (test/helpers/db.ts).
 * Built beside it and renamed into place, so runs side by side never see a half-built template.
 */
export default async function setup() {
  mkdirSync(dirname(SQLITE_TEMPLATE), { recursive: true });
  const building = `${SQLITE_TEMPLATE}.${process.pid}.building`;
  rmSync(building, { force: true });
  await migrateDatabase(`file:${building}`);
  renameSync(building, SQLITE_TEMPLATE);
}
