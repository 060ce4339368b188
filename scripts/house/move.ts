/**
 * Replayable folder moves: `npx tsx scripts/house/move.ts [--dry-run] [--root DIR] [--moves FILE]`
 * (--dry-run lists the moves and changes nothing).
 *
 * scripts/house/moves.json lists the moves in order: `{ "from": "app/routes/app._index/kpis.server.ts", "to":
 * "app/routes/app._index/kpis.server.ts" }` moves one file; `{ "from": "test/standin/**", "to":
 * "packages/shopify-standin/src/" }` moves every file under a folder (files added there later too), keeping
 * the path below the pattern's fixed prefix. For each file the FIRST move that matches decides.
 *
 * 1. Every file still at an old place is `git mv`ed to its new one (already moved: skipped).
 * 2. In every .ts/.tsx/.js/.mjs/.cjs file of app/, test/, scripts/, packages/, extensions/, .ci/ and the
 *    root config files, each import/export/import()/require()/vi.mock()/vi.importActual() specifier and
 *    each relative path string is resolved in the OLD tree from the file's OLD place (the move map run
 *    backwards), mapped to its new place and written again from the file's new place, in the style it had
 *    (`~/` alias or relative; with or without extension). Root-relative paths with an extension
 *    ("app/jobs/runtime/worker.ts") are mapped too, there and in package.json and docs/*.md.
 * 3. It prints each move and each rewritten file.
 *
 * Running it again on a moved tree changes nothing: a file moved in an earlier run keeps a specifier that
 * already resolves where it is (its text may mix old lines merged from another branch with new ones; an
 * old line resolves only in the old tree and is rewritten).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";

export interface Move {
  from: string;
  to: string;
}

const CODE = /\.(ts|tsx|js|mjs|cjs)$/;
const CODE_DIRS = ["app", "test", "scripts", "packages", "extensions", ".ci"];
const ROOT_FILES = [
  "vite.config.ts",
  "vitest.config.ts",
  "eslint.config.js",
  "prisma.config.ts",
  "env.d.ts",
  "tsconfig.json",
  "package.json",
];
const EXTS = [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".jsx", ".json"];
const SKIP_DIRS = new Set(["node_modules", "build", ".tmp", "artifacts", "dist", ".cache"]);

/** A glob's fixed prefix ("test/standin/**" -> "test/standin/") and a matcher for it. */
function compileGlob(pattern: string): { prefix: string; test: (p: string) => boolean } {
  const star = pattern.search(/[*?[{]/);
  const prefix = star < 0 ? pattern : pattern.slice(0, pattern.lastIndexOf("/", star) + 1);
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      re += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const rx = new RegExp(`^${re}$`);
  return { prefix, test: (p) => rx.test(p) };
}

const isGlob = (m: Move) => /[*?]/.test(m.from);

/** The move map: old path -> new path, and back. Paths are POSIX, relative to the repository's root. */
export class MoveMap {
  private files = new Map<string, string>();
  private back = new Map<string, string>();
  private globs: Array<{ prefix: string; test: (p: string) => boolean; to: string }> = [];
  private order: Array<{ kind: "file"; from: string } | { kind: "glob"; index: number }> = [];

  constructor(moves: Move[]) {
    for (const m of moves) {
      if (isGlob(m)) {
        const g = compileGlob(m.from);
        const to = m.to.endsWith("/") ? m.to : `${m.to}/`;
        this.order.push({ kind: "glob", index: this.globs.length });
        this.globs.push({ ...g, to });
      } else if (!this.files.has(m.from)) {
        this.files.set(m.from, m.to);
        this.back.set(m.to, m.from);
        this.order.push({ kind: "file", from: m.from });
      }
    }
  }

  /** Where an old path goes (itself when no move matches). The first matching move decides. */
  forward(path: string): string {
    for (const o of this.order) {
      if (o.kind === "file") {
        if (o.from === path) return this.files.get(path)!;
      } else {
        const g = this.globs[o.index];
        // A file already under the destination is not moved again (a destination inside its source).
        if (g.test(path) && !path.startsWith(g.to)) return g.to + path.slice(g.prefix.length);
      }
    }
    return path;
  }

  /** Where an old folder goes: a whole-folder move ("dir/**") takes it (and what is below it) along. */
  forwardDir(dir: string): string {
    for (const g of this.globs) {
      const prefix = g.prefix.replace(/\/$/, "");
      if (!g.test(`${g.prefix}x`) || !g.test(`${g.prefix}x/y`)) continue; // only "dir/**" moves folders
      if (dir === prefix) return g.to.replace(/\/$/, "");
      if (dir.startsWith(g.prefix)) return g.to + dir.slice(g.prefix.length);
    }
    return dir;
  }

  /** Where a path of the moved tree came from (itself when it was not moved). */
  backward(path: string): string {
    const f = this.back.get(path);
    if (f !== undefined) return f;
    for (const g of this.globs) {
      if (!path.startsWith(g.to)) continue;
      const old = g.prefix + path.slice(g.to.length);
      if (g.test(old) && this.forward(old) === path) return old;
    }
    return path;
  }
}

function walk(root: string, dir: string, out: string[]) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return;
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name)) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, rel, out);
    else out.push(rel);
  }
}

function gitFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  return out
    .split("\0")
    .filter(Boolean)
    .filter((p) => existsSync(join(root, p)));
}

/** Resolves a module path (no alias) against a set of files the way TypeScript's bundler resolution does. */
function resolveIn(files: Set<string>, base: string): { file: string; how: "exact" | "ext" | "index" } | null {
  const p = posix.normalize(base);
  if (p.startsWith("..")) return null;
  if (files.has(p)) return { file: p, how: "exact" };
  for (const e of EXTS) if (files.has(p + e)) return { file: p + e, how: "ext" };
  // "./x.js" written for x.ts (ESM style)
  const js = /\.(m|c)?js$/.exec(p);
  if (js) {
    const stem = p.slice(0, -js[0].length);
    for (const e of [".ts", ".tsx", ".mts", ".cts"]) if (files.has(stem + e)) return { file: stem + e, how: "exact" };
  }
  for (const e of EXTS) if (files.has(`${p}/index${e}`)) return { file: `${p}/index${e}`, how: "index" };
  return null;
}

interface Spec {
  alias: boolean;
  rest: string; // path after "~/" or the relative path
}

function parseSpec(s: string): Spec | null {
  if (s.startsWith("~/")) return { alias: true, rest: s.slice(2) };
  if (s.startsWith("./") || s.startsWith("../")) return { alias: false, rest: s };
  return null;
}

/** Writes `target` (a file of the new tree) from `fromFile` in the style of the original specifier. */
function writeSpec(original: string, how: "exact" | "ext" | "index", target: string, fromFile: string): string {
  let path = target;
  if (how === "ext") path = target.replace(/(\.d\.ts|\.tsx?|\.m?js|\.cjs|\.jsx|\.json)$/, "");
  else if (how === "index") path = target.replace(/\/index(\.d\.ts|\.tsx?|\.m?js|\.cjs|\.jsx|\.json)$/, "");
  else if (/\.(m|c)?js$/.test(original) && /\.(m|c)?tsx?$/.test(target))
    path = target.replace(/\.(m|c)?tsx?$/, original.match(/\.(m|c)?js$/)![0]);
  const spec = parseSpec(original)!;
  if (spec.alias && path.startsWith("app/")) return `~/${path.slice(4)}`;
  let rel = posix.relative(posix.dirname(fromFile), path);
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

export interface Context {
  map: MoveMap;
  oldFiles: Set<string>;
  newFiles: Set<string>;
  /** Every folder of each tree ("" is the root). */
  oldDirs?: Set<string>;
  newDirs?: Set<string>;
}

function dirsOf(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>([""]);
  for (const f of files) for (let d = posix.dirname(f); d !== "." && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
  return dirs;
}

/**
 * A path string that names a folder ("../..", "../standin/", a template literal's fixed part): resolved
 * from the file's old place in the old tree, the folder mapped (a whole-folder move's source goes to its
 * destination) and written again from the file's new place. Null to keep it.
 */
function rewriteDir(ctx: Context, file: string, s: string, movedNow: boolean): string | null {
  const spec = parseSpec(s);
  if (!spec || spec.alias) return null;
  const oldDirs = (ctx.oldDirs ??= dirsOf(ctx.oldFiles));
  const newDirs = (ctx.newDirs ??= dirsOf(ctx.newFiles));
  const norm = (p: string) => {
    const n = posix.normalize(p).replace(/\/$/, "");
    return n === "." ? "" : n;
  };
  const inNew = norm(posix.join(posix.dirname(file), spec.rest));
  if (!inNew.startsWith("..") && newDirs.has(inNew) && !movedNow) return null;
  const old = norm(posix.join(posix.dirname(ctx.map.backward(file)), spec.rest));
  if (old.startsWith("..") || !oldDirs.has(old)) return null;
  const target = ctx.map.forwardDir(old);
  if (!newDirs.has(target)) return null;
  let rel = posix.relative(posix.dirname(file), target) || ".";
  if (!rel.startsWith(".")) rel = `./${rel}`;
  if (s.endsWith("/") && !rel.endsWith("/")) rel += "/";
  return rel === s ? null : rel;
}

/**
 * The new text of a specifier or path string written in `file` (a path of the new tree), or null to keep
 * it. `movedNow`: the file was moved in this run, so its whole text is old (old resolution first);
 * otherwise a specifier that resolves in the new tree is kept.
 */
export function rewriteSpecifier(ctx: Context, file: string, s: string, movedNow: boolean): string | null {
  const spec = parseSpec(s);
  if (!spec) return null;
  const oldFile = ctx.map.backward(file);
  const from = (f: string) => (spec.alias ? posix.join("app", spec.rest) : posix.join(posix.dirname(f), spec.rest));
  const inNew = resolveIn(ctx.newFiles, from(file));
  if (inNew && !movedNow) return null;
  const inOld = resolveIn(ctx.oldFiles, from(oldFile));
  if (!inOld) return inNew ? null : rewriteDir(ctx, file, s, movedNow);
  const target = ctx.map.forward(inOld.file);
  if (!ctx.newFiles.has(target)) return null;
  const out = writeSpec(s, inOld.how, target, file);
  return out === s ? null : out;
}

/** Specifiers: from "x", import "x", import("x"), require("x"), vi.mock("x"), vi.importActual<T>("x"), and
 * every other string literal that starts with ./ ../ or ~/ (paths handed to join/URL/spawn). */
const STRING = /(["'`])((?:\.\.?|~)\/(?:[^"'`\n$]|\$(?!\{))*)\1/g;
const TEMPLATE_DIR = /`(\.\.?\/(?:[^`$\n]*\/)?)([^`$\n/]*)\$\{/g;
/** Root-relative file paths with an extension, anywhere in the text. */
const ROOT_PATH =
  /(?<![\w./-])((?:app|test|scripts|packages|extensions|prisma|docs)\/[\w.$@/-]*\.[a-z]{2,4})(?![\w/])/g;

export function rewriteText(ctx: Context, file: string, text: string, movedNow: boolean): string {
  const code = CODE.test(file);
  let out = text;
  if (code) {
    out = out.replace(STRING, (all, q: string, s: string) => {
      const r = rewriteSpecifier(ctx, file, s, movedNow);
      return r === null ? all : `${q}${r}${q}`;
    });
  }
  if (code) {
    // A template literal's fixed folder before the first ${...}: `../../app/x/name_${v}.gz`.
    out = out.replace(TEMPLATE_DIR, (all, dir: string, name: string) => {
      const r = rewriteDir(ctx, file, dir, movedNow);
      return r === null ? all : `\`${r}${name}\${`;
    });
  }
  out = out.replace(ROOT_PATH, (all: string) => {
    if (!ctx.oldFiles.has(all)) return all;
    const to = ctx.map.forward(all);
    return ctx.newFiles.has(to) ? to : all;
  });
  return out;
}

function removeEmptyDirs(root: string, dir: string) {
  const abs = join(root, dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return;
  for (const e of readdirSync(abs, { withFileTypes: true }))
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) removeEmptyDirs(root, `${dir}/${e.name}`);
  if (readdirSync(abs).length === 0) rmdirSync(abs);
}

export interface Report {
  moved: Array<[string, string]>;
  rewritten: Array<[string, number]>;
}

export function run(root: string, moves: Move[], opts: { dryRun?: boolean; log?: (s: string) => void } = {}): Report {
  const log = opts.log ?? ((s: string) => console.log(s));
  const map = new MoveMap(moves);
  const report: Report = { moved: [], rewritten: [] };

  // 1. git mv what is still at its old place.
  const movedNow = new Set<string>();
  for (const path of gitFiles(root)) {
    const to = map.forward(path);
    if (to === path) continue;
    if (existsSync(join(root, to))) {
      log(`skip ${path}: ${to} exists`);
      continue;
    }
    report.moved.push([path, to]);
    movedNow.add(to);
    log(`move ${path} -> ${to}`);
    if (opts.dryRun) continue;
    mkdirSync(dirname(join(root, to)), { recursive: true });
    const tracked = execFileSync("git", ["ls-files", "--", path], { cwd: root, encoding: "utf8" }).trim() !== "";
    if (tracked) execFileSync("git", ["mv", "--", path, to], { cwd: root });
    else execFileSync("mv", ["--", path, to], { cwd: root });
  }
  if (!opts.dryRun)
    for (const { from } of moves) removeEmptyDirs(root, compileGlob(from).prefix.replace(/\/$/, "") || ".");

  // 2. Rewrite specifiers and paths by resolution (a dry run lists the moves only).
  if (opts.dryRun) {
    log(`${report.moved.length} to move (dry run: nothing moved or rewritten)`);
    return report;
  }
  const current = gitFiles(root);
  const newFiles = new Set(current);
  const oldFiles = new Set([...newFiles].map((p) => map.backward(p)));
  const ctx: Context = { map, oldFiles, newFiles };
  const targets: string[] = [];
  for (const d of CODE_DIRS) walk(root, d, targets);
  const candidates = new Set([
    ...targets.filter((p) => CODE.test(p) && !p.endsWith(".d.ts")),
    ...ROOT_FILES.filter((p) => existsSync(join(root, p))),
    ...[...newFiles].filter(
      (p) => /^docs\/.*\.md$/.test(p) || p === "README.md" || /^packages\/[^/]+\/(README\.md|package\.json)$/.test(p),
    ),
  ]);
  for (const file of [...candidates].sort()) {
    // The script and its test hold example paths of their own, not the project's.
    if (file.startsWith("scripts/house/") || file === "test/scripts/house-move.test.ts") continue;
    const abs = join(root, file);
    const text = readFileSync(abs, "utf8");
    const next = rewriteText(ctx, file, text, movedNow.has(file));
    if (next === text) continue;
    const changed = next.split("\n").filter((l, i) => l !== text.split("\n")[i]).length;
    report.rewritten.push([file, changed]);
    log(`rewrite ${file} (${changed} line${changed === 1 ? "" : "s"})`);
    writeFileSync(abs, next);
  }
  // A rewritten specifier changes a line's length: Prettier (the project's own, when installed) formats
  // the files it rewrote, as CI checks.
  const prettier = join(root, "node_modules/.bin/prettier");
  const formattable = report.rewritten.map(([f]) => f).filter((f) => /\.(ts|tsx|js|mjs|cjs|json)$/.test(f));
  if (formattable.length && existsSync(prettier)) {
    execFileSync(prettier, ["--write", "--log-level", "warn", ...formattable], { cwd: root, stdio: "inherit" });
    log(`formatted ${formattable.length} rewritten files with Prettier`);
  }
  log(`${report.moved.length} moved, ${report.rewritten.length} files rewritten`);
  return report;
}

function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = resolve(flag("--root") ?? process.cwd());
  const movesFile = flag("--moves") ?? join(root, "scripts/house/moves.json");
  const data = JSON.parse(readFileSync(movesFile, "utf8")) as { moves: Move[] };
  run(root, data.moves, { dryRun: args.includes("--dry-run") });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? "")) main();
