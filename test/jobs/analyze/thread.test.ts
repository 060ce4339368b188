/**
 * The analysis thread loads wherever the app runs: under vitest (the other tests), under tsx (`npm run
 * worker`, `npm run cli`), and from a bundled server file run by plain node (`npm start` serves
 * build/server/index.js, which Vite bundles; the thread's TypeScript entry stays in app/jobs).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "esbuild";

const ROOT = process.cwd();

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJson(stdout: string) {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as { customers: number; analysisThread: number; mainThread: number; recommended: number };
}

describe("the analysis thread in each runtime", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("under tsx, as npm run worker and the CLI run", async () => {
    const r = await run(join(ROOT, "node_modules/.bin/tsx"), ["test/jobs/fixtures/thread-smoke.ts"]);
    expect(r.code, r.stderr).toBe(0);
    const out = lastJson(r.stdout);
    expect(out.customers).toBeGreaterThan(30);
    expect(out.recommended).toBe(out.customers);
    expect(out.analysisThread).not.toBe(out.mainThread);
  });

  it("from a bundled server file under plain node, as the built Remix server runs", async () => {
    // A bundle beside the project, like build/server/index.js: its own directory has no worker.ts.
    const dir = await mkdtemp(join(ROOT, "node_modules", ".cache-thread-test-"));
    dirs.push(dir);
    const outfile = join(dir, "build", "server", "index.mjs");
    await build({
      entryPoints: ["test/jobs/fixtures/thread-smoke.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outfile,
      logLevel: "silent",
    });
    const r = await run(process.execPath, [outfile]);
    expect(r.code, r.stderr).toBe(0);
    const out = lastJson(r.stdout);
    expect(out.customers).toBeGreaterThan(30);
    expect(out.analysisThread).not.toBe(out.mainThread);
  });
});
