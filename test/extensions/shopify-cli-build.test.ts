/**
 * `shopify app build` from the @shopify/cli devDependency (Shopify's own validation of shopify.app.toml and
 * the extensions), run offline on a copy of the configuration, with Node 22 first on PATH. Its output is
 * read, not only its exit code: theme-check problems do not change the exit code, and an extension whose
 * type the CLI does not know is dropped silently, so every extension folder must show up in the CLI's own
 * count of the extensions it loaded (the `app_extensions_breakdown` of its --verbose analytics payload).
 * The web backend (shopify.web.toml) is read through the same loader `shopify app dev` uses: without one the
 * CLI cannot start the app, and `app build` says "Unable to decide project type as no web backend" only in a
 * debug line, so the test reads that and the CLI's own count of the webs it loaded.
 * What the CLI does not check offline is checked against Shopify's documented values in app-config.test.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = process.cwd();
const BIN = join(root, "node_modules/.bin");
const CLI = join(BIN, "shopify");
const haveCli = existsSync(CLI) && existsSync(join(BIN, "node"));
if (!haveCli) {
  const why = "node_modules/.bin/shopify or node_modules/.bin/node is missing (run npm ci)";
  // CI installs with npm ci, so there a missing CLI is a failure, not a skip.
  if (process.env.CI && process.env.CI !== "false") throw new Error(`shopify-cli-build.test: ${why}`);
  console.warn(`shopify-cli-build.test: skipped, ${why}`);
}

/**
 * Extension types the offline CLI cannot load: CLI 4.8's bundle has no local specification for them (it
 * gets them from Shopify when online) and drops them without a word. `flow_trigger_lifecycle_callback` is
 * Shopify's documented type for a Flow trigger lifecycle callback (shopify.dev "Track Flow lifecycle
 * events"; the CLI's own legacy-extension migration writes it). app-config.test.ts checks these folders.
 */
export const OFFLINE_UNLOADED_TYPES: ReadonlySet<string> = new Set(["flow_trigger_lifecycle_callback"]);

const staged: string[] = [];
afterAll(() => {
  for (const dir of staged) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the app's configuration (tomls, package.json, extensions) to build, so no build output lands in the repo. */
function stage(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "churnless-cli-"));
  staged.push(dir);
  cpSync(join(root, "shopify.app.toml"), join(dir, "shopify.app.toml"));
  cpSync(join(root, "shopify.web.toml"), join(dir, "shopify.web.toml"));
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  cpSync(join(root, "extensions"), join(dir, "extensions"), { recursive: true });
  edit?.(dir);
  return dir;
}

interface BuildResult {
  code: number | null;
  /** What the CLI says to a person: no debug lines, no analytics payload, no colours. */
  output: string;
  /** Extensions the CLI loaded, per type, from its own analytics payload. */
  loaded: Record<string, number> | null;
  /** Extension tomls the CLI read. */
  read: string[];
  /** Everything the CLI printed, debug lines included. */
  raw: string;
  /** The public part of the CLI's --verbose analytics payload (what it loaded: project type, webs, extensions). */
  payload: Record<string, unknown> | null;
}

function build(dir: string): BuildResult {
  const run = spawnSync(CLI, ["app", "build", "--path", dir, "--skip-dependencies-installation", "--verbose"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 180_000,
    env: {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH ?? ""}`,
      SHOPIFY_CLI_NO_ANALYTICS: "1",
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    },
  });
  if (run.error) throw new Error(`could not run ${CLI}: ${run.error.message}`);
  // eslint-disable-next-line no-control-regex -- ANSI colour codes
  const raw = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  const breakdown = /"app_extensions_breakdown":\s*("(?:[^"\\]|\\.)*")/.exec(raw);
  const read = [
    ...raw.matchAll(/Reading the content of file at (?:\S*\/)?(extensions\/[^/\s]+)\/shopify\.extension\.toml/g),
  ].map((m) => m[1]);
  const payloadAt = raw.indexOf("Skipping command analytics");
  const payloadJson = payloadAt >= 0 ? /payload: (\{[\s\S]*?\n\})/.exec(raw.slice(payloadAt))?.[1] : undefined;
  const output = (payloadAt >= 0 ? raw.slice(0, payloadAt) : raw)
    .split("\n")
    .filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z: /.test(l) && !/^\s+· (Command|Working directory):/.test(l))
    .join("\n");
  return {
    code: run.status,
    output,
    loaded: breakdown ? (JSON.parse(JSON.parse(breakdown[1]) as string) as Record<string, number>) : null,
    read,
    raw,
    payload: payloadJson ? (JSON.parse(payloadJson) as { public: Record<string, unknown> }).public : null,
  };
}

const NO_WEB_BACKEND = "Unable to decide project type as no web backend";

/** Each extension folder and the type its toml declares. */
function extensionTypes(dir: string): Array<{ folder: string; type: string }> {
  return readdirSync(join(dir, "extensions"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const text = readFileSync(join(dir, "extensions", d.name, "shopify.extension.toml"), "utf8");
      return { folder: d.name, type: /^\s*type\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? "(none)" };
    });
}

/** Folders the CLI did not load (their type missing from its count), apart from the documented offline-unloaded types. */
function unbuilt(dir: string, result: BuildResult): string[] {
  const left = { ...(result.loaded ?? {}) };
  const missing: string[] = [];
  for (const { folder, type } of extensionTypes(dir)) {
    if (OFFLINE_UNLOADED_TYPES.has(type)) continue;
    if ((left[type] ?? 0) > 0) left[type] -= 1;
    else missing.push(`${folder} (type "${type}")`);
  }
  return missing;
}

describe.skipIf(!haveCli)("shopify app build (Shopify CLI, offline)", () => {
  it("builds shopify.app.toml and every extension folder, with nothing reported", { timeout: 240_000 }, () => {
    const dir = stage();
    const result = build(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/churnless built!/);
    // Theme check problems and warnings do not change the exit code: read them.
    expect(result.output, result.output).not.toMatch(/\b(error|warning|offense)s?\b/i);
    const folders = extensionTypes(dir).map((e) => `extensions/${e.folder}`);
    expect(folders.length).toBeGreaterThanOrEqual(3);
    expect([...result.read].sort()).toEqual([...folders].sort());
    expect(
      result.loaded,
      "the CLI's --verbose analytics payload no longer carries app_extensions_breakdown",
    ).not.toBeNull();
    expect(unbuilt(dir, result)).toEqual([]);
    // Every extension type the app uses is one the CLI loads, or one documented above as loaded only online.
    for (const { type } of extensionTypes(dir))
      expect(OFFLINE_UNLOADED_TYPES.has(type) || (result.loaded![type] ?? 0) > 0, type).toBe(true);
  });

  it(
    "loads shopify.web.toml as the app's one web backend, the one `shopify app dev` starts",
    { timeout: 240_000 },
    () => {
      const dir = stage();
      const result = build(dir);
      expect(result.code, result.output).toBe(0);
      expect(result.raw).toMatch(/Reading the content of file at \S*\/shopify\.web\.toml/);
      expect(result.raw).not.toContain(NO_WEB_BACKEND);
      expect(result.payload, "the CLI's --verbose analytics payload is missing").not.toBeNull();
      expect(result.payload).toMatchObject({
        project_type: "node",
        app_web_backend_any: true,
        app_web_backend_count: 1,
        app_web_frontend_count: 1,
        app_web_framework: "remix",
      });
    },
  );

  it("without shopify.web.toml has no web backend to start, which the test above catches", { timeout: 240_000 }, () => {
    const dir = stage((d) => rmSync(join(d, "shopify.web.toml")));
    const result = build(dir);
    // `app build` still exits 0: only the debug line and the payload tell.
    expect(result.code, result.output).toBe(0);
    expect(result.raw).toContain(NO_WEB_BACKEND);
    expect(result.payload).toMatchObject({ app_web_backend_any: false, app_web_backend_count: 0 });
    expect(result.payload?.project_type).toBeUndefined();
  });

  it(
    "refuses a web backend without a dev command (the CLI's own shopify.web.toml schema)",
    { timeout: 240_000 },
    () => {
      const dir = stage((d) => {
        const file = join(d, "shopify.web.toml");
        writeFileSync(file, readFileSync(file, "utf8").replace(/^dev = .*$/m, ""));
      });
      const result = build(dir);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/shopify\.web\.toml[\s\S]*commands[\s\S]*dev/);
    },
  );

  it("fails, saying why, on a compliance topic Shopify does not have", { timeout: 240_000 }, () => {
    const dir = stage((d) => {
      const file = join(d, "shopify.app.toml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(
          'compliance_topics = [ "customers/redact" ]',
          'compliance_topics = [ "customers/redacted" ]',
        ),
      );
    });
    const result = build(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/compliance_topics[\s\S]*Invalid enum value[\s\S]*customers\/redacted/);
  });

  it(
    "drops a misspelled extension type silently (exit 0), which the folder count above catches",
    { timeout: 240_000 },
    () => {
      const folder = extensionTypes(root).find((e) => e.type === "flow_trigger")?.folder;
      expect(folder, "no flow_trigger extension to misspell").toBeDefined();
      const dir = stage((d) => {
        const file = join(d, "extensions", folder!, "shopify.extension.toml");
        writeFileSync(file, readFileSync(file, "utf8").replace('type = "flow_trigger"', 'type = "flow_triger"'));
      });
      const result = build(dir);
      expect(result.code).toBe(0);
      expect(unbuilt(dir, result)).toEqual([`${folder} (type "flow_triger")`]);
    },
  );
});

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `[commands]` of shopify.web.toml: the lines `shopify app dev` runs. */
function webCommands(): { predev?: string; dev?: string } {
  const text = readFileSync(join(root, "shopify.web.toml"), "utf8");
  const section = /^\[commands\]([\s\S]*)$/m.exec(text)?.[1] ?? "";
  const value = (key: string) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m").exec(section);
    return m ? m[1] : undefined;
  };
  return { predev: value("predev"), dev: value("dev") };
}

describe.skipIf(!haveCli)("the commands shopify.web.toml gives `shopify app dev`", () => {
  it(
    "predev migrates a fresh database and dev serves the app with the environment the CLI hands it",
    { timeout: 240_000 },
    async () => {
      const { predev, dev } = webCommands();
      expect(predev, "shopify.web.toml has no predev").toBeDefined();
      expect(dev, "shopify.web.toml has no dev command").toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), "churnless-dev-"));
      staged.push(dir);
      const port = await freePort();
      // What `shopify app dev` sets (app/env.server.ts reads it), under `npm run dev`'s PATH (Node 24 first).
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${BIN}:${process.env.PATH ?? ""}`,
        NODE_ENV: "development",
        SHOPIFY_API_KEY: "cli-dev-api-key",
        SHOPIFY_API_SECRET: "cli-dev-api-secret",
        SHOPIFY_APP_URL: "https://churnless-dev.trycloudflare.com",
        SCOPES: "read_orders,read_customers,write_customers,read_products,write_app_proxy",
        PORT: String(port),
        FRONTEND_PORT: String(await freePort()),
        DATABASE_URL: `file:${join(dir, "dev.sqlite")}`,
      };
      for (const k of ["CHURNLESS_DEMO", "REDIS_URL", "SHOPIFY_ADMIN_API_BASE_URL", "VITEST", "VITEST_POOL_ID"])
        delete env[k];

      const setup = spawnSync(predev!, { cwd: root, env, shell: true, encoding: "utf8", timeout: 120_000 });
      expect(setup.status, `${setup.stdout}\n${setup.stderr}`).toBe(0);
      expect(setup.stdout).toMatch(/applied \d{14}_/);
      expect(existsSync(join(dir, "dev.sqlite"))).toBe(true);

      const server = spawn(dev!, { cwd: root, env, shell: true, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      server.stdout.on("data", (c: Buffer) => (log += c.toString()));
      server.stderr.on("data", (c: Buffer) => (log += c.toString()));
      try {
        let landing: Response | null = null;
        let lastError = "";
        for (let i = 0; i < 120 && !landing; i++) {
          try {
            landing = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
          } catch (error) {
            // Not listening yet: try again; the last refusal is in the failure message if it never comes up.
            lastError = String(error);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
        expect(landing, `${lastError}\n${log}`).not.toBeNull();
        expect(landing?.status, log).toBe(200);
        expect(await landing!.text()).toMatch(/Churnless: keep the customers you already have/);
        // An admin page without Shopify's session token is refused by the library (not served, not a 500).
        const admin = await fetch(`http://127.0.0.1:${port}/app?shop=dev-shop.myshopify.com`, { redirect: "manual" });
        expect(admin.status, log).toBeGreaterThanOrEqual(300);
        expect(admin.status, log).toBeLessThan(500);
      } finally {
        if (server.pid) process.kill(-server.pid, "SIGTERM");
        await new Promise((r) => server.once("exit", r));
      }
    },
  );
});
