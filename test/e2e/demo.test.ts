/**
 * The README's first command: `npm run demo` migrates a SQLite file, starts the stand-in with the demo
 * shop, runs sync -> analyze -> publish preview and serves the admin; `--check` exits once the dashboard
 * answers. And it refuses to run with NODE_ENV=production.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/app-server";

const dir = mkdtempSync(join(tmpdir(), "churnless-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demo(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.CHURNLESS_DEMO;
  delete clean.SHOPIFY_ADMIN_API_BASE_URL;
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.ts", ...args], {
    encoding: "utf8",
    env: { ...clean, ...env },
    timeout: 280_000,
  });
}

describe("npm run demo", () => {
  it("serves the demo shop's dashboard after syncing and analysing it", { timeout: 300_000 }, async () => {
    const r = demo(["--check", "--orders", "400"], {
      PORT: String(await freePort()),
      DATABASE_URL: `file:${join(dir, "demo.sqlite")}`,
      NODE_ENV: "test",
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/full-sync: [\d.]+ s/);
    expect(out).toMatch(/analyze: [\d.]+ s/);
    expect(out).toMatch(/check: GET \/app -> 200, dashboard served/);
    // End to end: a control group on for one segment with its draws, a result on its page, and
    // customers due to reorder with their products.
    expect(out).toMatch(
      /control group on for \w+: [1-9]\d* customers drawn since \d{4}-\d{2}-\d{2}, [1-9]\d* held out/,
    );
    expect(out).toMatch(
      /check: GET \/app\/uplift -> 200, control group result: (came back more|came back less|No clear difference|Too few customers to tell yet)/,
    );
    expect(out).toMatch(/check: [1-9]\d* customers due to reorder; GET \/app\/reorder -> 200, [1-9]\d* products due/);
  });

  it("refuses NODE_ENV=production", () => {
    const r = demo(["--check"], { NODE_ENV: "production", DATABASE_URL: `file:${join(dir, "never.sqlite")}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refuses to run with NODE_ENV=production/);
  });
});
