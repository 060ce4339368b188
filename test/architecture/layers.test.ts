/**
 * The layers of app/ (docs/architecture.md): eslint.config.js gives each folder the layers it may not
 * import (typescript-eslint's no-restricted-imports). This test runs ESLint with the project's config on
 * one probe per folder that imports every layer, and checks which imports are refused: the table below is
 * docs/architecture.md's, line by line. Then every file of app/ passes the rule, with no file excepted.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const RULE = "@typescript-eslint/no-restricted-imports";

/** One import of each layer, as a file directly inside an app/ folder writes it (line numbers from 1). */
const PROBE = [
  'import { analyzeOrders } from "../analytics/analyze";', // 1 analytics
  'import type { OrderInput } from "../analytics/types";', // 2 analytics, types
  'import { adminForShop } from "../shopify/admin.server";', // 3 shopify
  'import type { AdminGraphql } from "../shopify/types";', // 4 shopify, types
  'import { upsertOrders } from "../models/orders.server";', // 5 models
  'import type { UpsertOrdersResult } from "../models/orders.server";', // 6 models, types
  'import db from "../db.server";', // 7 the database handle
  'import type { Db } from "../db.server";', // 8 its type
  'import { migrateDatabase } from "../db/migrate.server";', // 9 app/db
  'import { getQueue } from "../jobs/runtime/queue.server";', // 10 jobs
  'import type { JobKind } from "../jobs/runtime/kinds";', // 11 jobs, types
  'import { receiveOrderWebhook } from "../webhooks/orders.server";', // 12 webhooks
  'import { adminLoader } from "../lib/admin-loader.server";', // 13 lib
  'import Dashboard from "../routes/app._index/route";', // 14 routes
  'import { formatCount } from "../components/format";', // 15 components
  'import { main } from "../cli/main";', // 16 cli
  'import { authenticate } from "../shopify.server";', // 17 the web app's setup
  'import { env } from "../env.server";', // 18 the environment
  'import { normalizePrefix } from "../shopify/tags";', // 19 shopify's pure tag scheme
  "export const all = [analyzeOrders, adminForShop, upsertOrders, db, migrateDatabase, getQueue, receiveOrderWebhook, adminLoader, Dashboard, formatCount, main, authenticate, env, normalizePrefix];",
  "export type T = [OrderInput, AdminGraphql, UpsertOrdersResult, Db, JobKind];",
].join("\n");

/** For each folder, the probe's lines its rule refuses. */
const REFUSED: Record<string, number[]> = {
  // analytics types only; no models, database, jobs, webhooks, lib, routes, components, cli or app setup.
  shopify: [1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
  // db and analytics; Shopify's types and its pure tag scheme only; nothing that runs jobs or serves pages.
  models: [3, 10, 11, 12, 13, 14, 15, 16, 17],
  // nothing of the app but app/db.server.ts, app/db/ and the environment.
  db: [1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 19],
  // models, shopify, analytics; the handle's type only; not webhooks, lib, routes, components, cli, auth.
  jobs: [7, 9, 12, 13, 14, 15, 16, 17],
  // as jobs, and no jobs.
  webhooks: [7, 9, 10, 11, 13, 14, 15, 16, 17],
  // the routes' helpers: models, shopify, analytics, the handle's type.
  lib: [7, 9, 10, 11, 12, 14, 15, 16],
  // anything but app/db/ and the CLI (they pass app/db.server.ts's handle on).
  routes: [9, 16],
  // nothing server-side: types only from models, shopify, jobs, webhooks, lib, routes (a page's read-model).
  components: [3, 5, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 19],
  // command-line entry points: not the web app's webhooks, lib, routes, components or setup.
  cli: [12, 13, 14, 15, 17],
};

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}

function lint(args: string[], stdin?: string): LintResult[] {
  const r = spawnSync(join(ROOT, "node_modules/.bin/eslint"), ["--format", "json", ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: "utf8",
  });
  if (!r.stdout.startsWith("[")) throw new Error(`eslint failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as LintResult[];
}

describe("the layers of app/", () => {
  it.each(Object.entries(REFUSED))(
    "app/%s refuses exactly the imports docs/architecture.md forbids",
    (folder, refused) => {
      const [result] = lint(["--stdin", "--stdin-filename", `app/${folder}/probe.ts`], PROBE);
      const lines = [...new Set(result.messages.filter((m) => m.ruleId === RULE).map((m) => m.line))].sort(
        (a, b) => a - b,
      );
      expect(lines).toEqual(refused);
    },
    60_000,
  );

  it("every file of app/ keeps to its layer", () => {
    const results = lint(["app"]);
    expect(results.length).toBeGreaterThan(100);
    const found = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === RULE).map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  }, 180_000);
});
