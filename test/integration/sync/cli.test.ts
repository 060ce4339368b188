/**
 * `npm run cli -- import` and `npm run cli -- sync` as a merchant or developer runs them: a child
 * process with DATABASE_URL pointing at a test database (and the stand-in for sync).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImportArgs, parseSyncArgs } from "../../../app/cli/sync";
import { adminForShop } from "../../../app/shopify/admin.server";
import { hasOfflineSession } from "../../../app/models/sessions.server";
import type { TestDb } from "../../helpers/db";
import { generateDemoShop } from "../../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { bulkLinesOf, freshTestDb } from "./helpers";

const run = promisify(execFile);
const SHOP = "cli-shop.myshopify.com";
const data = generateDemoShop({ orders: 120, shop: SHOP, seed: 9 });
const dir = mkdtempSync(join(tmpdir(), "churnless-cli-"));

function cli(args: string[], env: Record<string, string>) {
  return run(join(process.cwd(), "node_modules/.bin/tsx"), ["app/cli/main.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe("cli argument checks", () => {
  it("say what is wrong", () => {
    expect(() => parseSyncArgs([])).toThrow(
      "sync needs --shop DOMAIN (usage: npm run cli -- sync --shop DOMAIN [--full])",
    );
    expect(() => parseSyncArgs(["--shop", "not a shop"])).toThrow(/must be a shop domain like my-store.myshopify.com/);
    expect(() => parseSyncArgs(["--shop", SHOP, "--fast"])).toThrow(/unknown argument --fast/);
    expect(parseSyncArgs(["--shop", SHOP.toUpperCase(), "--full"])).toEqual({ shop: SHOP, full: true });
    expect(() => parseImportArgs(["--shop", SHOP, "--input", join(dir, "missing.jsonl")])).toThrow(
      /no such file .*missing.jsonl/,
    );
  });
});

describe("cli import and sync", () => {
  let t: TestDb;
  let standin: Standin;
  beforeAll(async () => {
    t = await freshTestDb("sqlite");
    standin = await startStandin({ shops: [data], bulkMinMs: 50, restoreRate: 1000 });
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("import ingests a bulk JSONL file through the sync's parser, skipping and counting bad lines", async () => {
    const file = join(dir, "orders.jsonl");
    const lines = data.orders.map(bulkLinesOf);
    lines.splice(10, 0, '{"id":"gid://shopify/Order/', "garbage");
    writeFileSync(file, lines.join("\n") + "\n");
    const r = await cli(["import", "--input", file, "--shop", "import-shop.myshopify.com"], { DATABASE_URL: t.url });
    expect(r.stderr).not.toMatch(/churnless import:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `import sync of import-shop.myshopify.com succeeded: ${data.orders.length} orders, .* 2 skipped lines`,
      ),
    );
    expect(await t.db.order.count({ where: { shop: "import-shop.myshopify.com" } })).toBe(data.orders.length);
    const run = await t.db.syncRun.findFirstOrThrow({ where: { shop: "import-shop.myshopify.com", kind: "import" } });
    expect(run).toMatchObject({ status: "succeeded", ordersCount: data.orders.length, skippedLines: 2 });
  });

  it("sync pulls the shop through its offline session; without one it says what to do", async () => {
    await expect(
      adminForShop("nobody.myshopify.com", { isInstalled: (s) => hasOfflineSession(t.db, s) }),
    ).rejects.toThrow(/No offline session for nobody.myshopify.com: the app is not installed there/);

    await t.db.session.create({
      data: { id: `offline_${SHOP}`, shop: SHOP, state: "test", isOnline: false, accessToken: standin.tokenFor(SHOP) },
    });
    // The CLI renews the shop's offline token through the Shopify library: it needs the app's credentials.
    const app = {
      SHOPIFY_API_KEY: "cli-api-key",
      SHOPIFY_API_SECRET: "cli-api-secret",
      SHOPIFY_APP_URL: "https://churnless.example.com",
    };
    const r = await cli(["sync", "--shop", SHOP, "--full"], {
      ...app,
      DATABASE_URL: t.url,
      SHOPIFY_ADMIN_API_BASE_URL: standin.url,
    });
    expect(r.stderr).not.toMatch(/churnless sync:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`full sync of ${SHOP} succeeded: ${data.orders.length} orders`));
    expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(data.orders.length);
  });
});
