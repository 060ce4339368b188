/**
 * Prisma only in app/models and app/db (docs/architecture.md). Outside them no file calls a
 * Prisma model delegate (`db.order.findMany(...)`), runs a transaction or raw SQL, or imports Prisma's
 * client library; routes, jobs, webhooks and app/shopify call functions of app/models and pass the `db`
 * handle on. Checked twice: by text over every file of app/, and by the ESLint block of eslint.config.js
 * ("Prisma only in app/models and app/db") on a probe in each folder.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const APP = join(ROOT, "app");

/** Where Prisma may be used: the models, app/db, the client's own module and a page's read-model
 * (app/routes/<page>/*.server.ts, beside its route.tsx). */
const ALLOWED = (file: string) =>
  /^app\/(models|db)\//.test(file) ||
  file === "app/db.server.ts" ||
  /^app\/routes\/[^/]+\/[^/]+\.server\.ts$/.test(file);

const OPS =
  "findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findMany|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy";
/** `db.order.findMany(`, `tx.shop.upsert(`, `this.db.x.count(`, `deps.db.x.create(`. */
const DELEGATE_CALL = new RegExp(`\\b(db|tx|prisma|client)\\s*\\.\\s*[a-z][A-Za-z]*\\s*\\.\\s*(${OPS})\\s*\\(`);
/** Transactions and raw SQL (`db.$disconnect()` where a process ends is fine). */
const CLIENT_CALL = /\.\$(transaction|queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)\b/;
const PRISMA_IMPORT = /from\s+["'](@prisma\/[^"']+|prisma)["']/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "admin-schema" ? [] : sources(path);
    return /\.(ts|tsx)$/.test(e.name) ? [path] : [];
  });
}

/** Each line of `text` outside comments that matches one of the patterns, as "file:line text". */
function offending(file: string, text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (/^\s*(\*|\/\*)/.test(code)) return;
    if (DELEGATE_CALL.test(code) || CLIENT_CALL.test(code) || PRISMA_IMPORT.test(code))
      found.push(`${file}:${i + 1} ${line.trim()}`);
  });
  return found;
}

describe("Prisma only in app/models and app/db", () => {
  it("no file elsewhere in app/ queries the database, opens a transaction or imports Prisma", () => {
    const files = sources(APP).map((p) => relative(ROOT, p).split("\\").join("/"));
    expect(files.length).toBeGreaterThan(100);
    const found = files.filter((f) => !ALLOWED(f)).flatMap((f) => offending(f, readFileSync(join(ROOT, f), "utf8")));
    expect(found).toEqual([]);
  });

  it("the text check sees the shapes a query takes", () => {
    const probe = [
      "await db.order.findMany({ where: { shop } });",
      "const n = (await tx.lineItem.deleteMany({ where })).count;",
      "await this.db.syncRun.update({ where: { id } });",
      "await deps.db.customerOptOut.upsert({ where });",
      "await db.$transaction(async (tx) => tx);",
      'import { Prisma } from "@prisma/client";',
      "await db.$disconnect();",
      "// db.order.findMany() in a comment",
      "const rows = await listSyncRuns(db, shop);",
    ].join("\n");
    expect(offending("probe.ts", probe).map((l) => Number(/:(\d+) /.exec(l)![1]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each(["shopify", "jobs", "webhooks", "routes", "lib", "cli"])(
    "ESLint refuses a query in app/%s and allows one in app/models",
    (folder) => {
      const probe = [
        'import { Prisma } from "@prisma/client";', // 1
        'import type { Db } from "../db.server";', // 2
        "export async function f(db: Db, tx: Db, deps: { db: Db }) {", // 3
        '  await db.order.findMany({ where: { shop: "s" } });', // 4
        '  await tx.shop.upsert({ where: { shop: "s" }, create: { shop: "s" }, update: {} });', // 5
        "  await deps.db.syncRun.count();", // 6
        "  await db.$transaction([]);", // 7
        "  await db.$disconnect();", // 8
        "  return Prisma;", // 9
        "}",
      ].join("\n");
      const lint = (path: string) => {
        const r = spawnSync(
          join(ROOT, "node_modules/.bin/eslint"),
          ["--format", "json", "--stdin", "--stdin-filename", path],
          { cwd: ROOT, input: probe, encoding: "utf8" },
        );
        if (!r.stdout.startsWith("[")) throw new Error(`eslint failed (exit ${r.status}): ${r.stderr}`);
        const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string | null; line: number }> }>;
        const rules = new Set(["no-restricted-syntax", "no-restricted-imports"]);
        return [...new Set(result.messages.filter((m) => m.ruleId && rules.has(m.ruleId)).map((m) => m.line))].sort(
          (a, b) => a - b,
        );
      };
      expect(lint(`app/${folder}/probe.ts`)).toEqual([1, 4, 5, 6, 7]);
      expect(lint("app/models/probe.server.ts")).toEqual([]);
      // A page's read-model beside its route may query; the route module itself may not.
      expect(lint("app/routes/app.probe/data.server.ts")).toEqual([]);
      expect(lint("app/routes/app.probe/route.tsx")).toEqual([1, 4, 5, 6, 7]);
    },
    60_000,
  );
});
