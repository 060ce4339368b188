/**
 * Makes a migration for SQLite and PostgreSQL from the one schema (prisma/schema.prisma), offline.
 * `prisma migrate dev` needs a shadow database and does not work here, so we diff the schema against
 * the snapshot taken at the previous migration with `prisma migrate diff`.
 *
 *   npm run migrations:make -- add_something
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run migrations:make -- <snake_case_name>");
  process.exit(2);
}

const root = process.cwd();
const sqliteSchema = join(root, "prisma/schema.prisma");
const pgSchema = join(root, "prisma/postgres/schema.prisma");
const snapshot = join(root, "prisma/migrations/schema.snapshot.prisma");
const pgSnapshot = join(root, "prisma/postgres/migrations/schema.snapshot.prisma");

writePostgresSchema();

const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
for (const [schema, snap, dir] of [
  [sqliteSchema, snapshot, "prisma/migrations"],
  [pgSchema, pgSnapshot, "prisma/postgres/migrations"],
] as const) {
  const from = existsSync(snap) ? ["--from-schema-datamodel", snap] : ["--from-empty"];
  const sql = execFileSync("npx", ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], {
    encoding: "utf8",
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  if (!/CREATE|ALTER|DROP/.test(sql)) {
    console.log(`${dir}: no changes`);
    continue;
  }
  const out = join(root, dir, `${stamp}_${name}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "migration.sql"), sql);
  copyFileSync(schema, snap);
  writeFileSync(
    join(root, dir, "migration_lock.toml"),
    `provider = "${schema === pgSchema ? "postgresql" : "sqlite"}"\n`,
  );
  console.log(`wrote ${out}/migration.sql`);
}

/** prisma/postgres/schema.prisma = prisma/schema.prisma with the PostgreSQL provider and its own client. */
export function writePostgresSchema() {
  const src = readFileSync(sqliteSchema, "utf8");
  const pg = src
    .replace(
      /^\/\/ Churnless data model[^\n]*\n\/\/[^\n]*\n/m,
      "// GENERATED from prisma/schema.prisma by `npm run migrations:make`: do not edit.\n",
    )
    .replace(/engineType = "client"/, 'engineType = "client"\n  output     = "../../node_modules/.prisma-pg/client"')
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    .replace(
      /url {6}= "file:dev.sqlite"/,
      'url      = "postgresql://postgres@127.0.0.1:5432/churnless" // unused: the pg driver adapter connects',
    );
  mkdirSync(join(root, "prisma/postgres"), { recursive: true });
  writeFileSync(pgSchema, pg);
}
