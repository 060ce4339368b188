import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { migrateDatabase } from "../../app/db/migrate.server";
import { SQLITE_TEMPLATE } from "../helpers/db";

/** Migrates the SQLite template once per test run; each test file copies it (test/helpers/db.ts). */
export default async function setup() {
  mkdirSync(dirname(SQLITE_TEMPLATE), { recursive: true });
  rmSync(SQLITE_TEMPLATE, { force: true });
  await migrateDatabase(`file:${SQLITE_TEMPLATE}`);
}
