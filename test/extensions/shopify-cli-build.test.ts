/**
 * `shopify app build` from the @shopify/cli devDependency (Shopify's own validation of shopify.app.toml and
 * the extensions), run offline on a copy of the configuration, with Node 22 first on PATH. Its output is
 * read, not only its exit code: theme-check problems do not change the exit code, and an extension whose
 * type the CLI does not know is dropped silently, so every extension folder must show up in the CLI's own
 * count of the extensions it loaded (the `app_extensions_breakdown` of its --verbose analytics payload).
 * What the CLI does not check offline is checked against Shopify's documented values in app-config.test.ts.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A copy of the app's configuration (toml, package.json, extensions) to build, so no build output lands in the repo. */
function stage(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "churnless-cli-"));
  staged.push(dir);
  cpSync(join(root, "shopify.app.toml"), join(dir, "shopify.app.toml"));
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
  const output = (payloadAt >= 0 ? raw.slice(0, payloadAt) : raw)
    .split("\n")
    .filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z: /.test(l) && !/^\s+· (Command|Working directory):/.test(l))
    .join("\n");
  return {
    code: run.status,
    output,
    loaded: breakdown ? (JSON.parse(JSON.parse(breakdown[1]) as string) as Record<string, number>) : null,
    read,
  };
}

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
