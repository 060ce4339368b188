/**
 * app/analytics is the pure core (plain data in and out): the lint rule in eslint.config.js refuses
 * imports from Node, Shopify, Prisma, Remix and the app's outer layers there. This test runs ESLint with
 * the project's own config: a file placed in app/analytics with such imports is refused, the same file
 * elsewhere is not, and every file now in app/analytics passes the rule.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const PROBE = [
  'import { StringDecoder } from "node:string_decoder";',
  'import { readFileSync } from "fs";',
  'import { PrismaClient } from "@prisma/client";',
  'import { json } from "@remix-run/node";',
  'import { splitLines } from "../shopify/bulk-orders";',
  'import { upsertOrders } from "../models/orders.server";',
  'import { createDb } from "../db.server";',
  'import type { OrderInput } from "./types";',
  'export const all = [StringDecoder, readFileSync, PrismaClient, json, splitLines, upsertOrders, createDb, Buffer.from("x")];',
  "export type O = OrderInput;",
].join("\n");

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** Runs the project's ESLint (its own config) on files, or on `stdin` as if it were the file `as`. */
function lint(args: string[], stdin?: string): LintResult[] {
  const r = spawnSync(join(ROOT, "node_modules/.bin/eslint"), ["--format", "json", ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: "utf8",
  });
  if (!r.stdout.startsWith("[")) throw new Error(`eslint failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as LintResult[];
}

const restricted = (messages: LintMessage[]) =>
  messages.filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-globals");

describe("app/analytics imports nothing from Node, Shopify, Prisma or Remix", () => {
  it("refuses each outside import in a file under app/analytics, and allows them elsewhere", () => {
    const [inside] = lint(["--stdin", "--stdin-filename", "app/analytics/probe.ts"], PROBE);
    const lines = restricted(inside.messages).map((m) => m.line);
    expect([...new Set(lines)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
    // Elsewhere the analytics rule does not apply (other layers' own rules, e.g. Prisma only in app/models,
    // may refuse some of these imports there: their messages do not speak of app/analytics).
    const [outside] = lint(["--stdin", "--stdin-filename", "app/jobs/probe.ts"], PROBE);
    expect(
      restricted(outside.messages).filter(
        (m) => m.ruleId === "no-restricted-globals" || m.message.includes("app/analytics"),
      ),
    ).toEqual([]);
  }, 60_000);

  it("every file in app/analytics passes", () => {
    const results = lint(["app/analytics"]);
    expect(results.length).toBeGreaterThan(10);
    const found = results.flatMap((r) => restricted(r.messages).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(found).toEqual([]);
  }, 120_000);
});
