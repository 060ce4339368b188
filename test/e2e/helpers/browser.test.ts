/**
 * The browser tests on a machine without Chromium: outside CI they skip and say why (a newcomer's
 * `npm test` passes); under CI=true they never skip, so a missing Chromium fails them.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needChromium } from "./browser";

const ROOT = join(__dirname, "../../..");
const NOWHERE = "/nonexistent/chromium";

describe("browser tests without Chromium", () => {
  it("skip outside CI with the reason in their title, and never skip under CI", () => {
    const outside = needChromium("x", { CHROMIUM_PATH: NOWHERE });
    expect(outside.skip).toBe(true);
    expect(outside.title).toContain(`needs Chromium at ${NOWHERE}, not found`);
    expect(needChromium("x", { CHROMIUM_PATH: NOWHERE, CI: "true" }).skip).toBe(false);
    expect(needChromium("x", { CHROMIUM_PATH: NOWHERE, CI: "false" }).skip).toBe(true);
  });

  it("the storefront file runs as skipped, not failed, on such a machine", { timeout: 120_000 }, () => {
    const env = { ...process.env, CHROMIUM_PATH: NOWHERE, CI: "" };
    const r = spawnSync(join(ROOT, "node_modules/.bin/vitest"), ["run", "test/e2e/storefront.test.ts"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/skipped/);
    expect(out).not.toMatch(/\d+ passed/);
  });
});
