/**
 * scripts/house/move.ts on a tiny git repository: files and whole folders move with `git mv`, every
 * specifier that resolved to a moved file is written again from the file's new place in the style it had,
 * a second run changes nothing, and a file another branch adds later in an old folder (with old
 * specifiers) is moved and mended by the next run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MoveMap, run, type Move } from "../../scripts/house/move";

const MOVES: Move[] = [
  { from: "app/models/page.server.ts", to: "app/routes/app.page/data.server.ts" },
  { from: "app/routes/app.page.tsx", to: "app/routes/app.page/route.tsx" },
  { from: "app/jobs/loop.ts", to: "app/jobs/runtime/loop.ts" },
  { from: "test/stub/**/*.test.ts", to: "packages/standin/test/" },
  { from: "test/stub/**", to: "packages/standin/src/" },
];

const FILES: Record<string, string> = {
  "app/models/table.server.ts": "export const table = 1;\n",
  "app/models/page.server.ts": 'import { table } from "./table.server";\nexport const page = table;\n',
  "app/routes/app.page.tsx": [
    'import { page } from "../models/page.server";',
    'import { table } from "~/models/table.server";',
    'export { page as again } from "~/models/page.server";',
    'import { run } from "../jobs/loop";',
    "export const x = [page, table, run];",
    "",
  ].join("\n"),
  "app/jobs/loop.ts": 'import { page } from "../models/page.server";\nexport const run = page;\n',
  "test/stub/server.ts": [
    'import { table } from "../../app/models/table.server";',
    'const root = join(__dirname, "../..");',
    "const schema = new URL(`../../app/models/schema_${v}.json`, import.meta.url);",
    "export const s = table;",
    "",
  ].join("\n"),
  "test/stub/deep/store.ts": 'export * from "../server";\n',
  "test/stub/server.test.ts": 'import { s } from "./server";\nexport const t = s;\n',
  "test/page.test.ts": [
    'import { vi } from "vitest";',
    'vi.mock("../app/models/page.server", async () => ({ ...(await vi.importActual("../app/models/page.server")) }));',
    'const standin = await import("./stub/deep/store");',
    'const main = join(ROOT, "test/stub/server.ts");',
    'const worker = "app/jobs/loop.ts"; // app/jobs/loop.ts',
    'const untouched = ["./nowhere", "app/uninstalled", "/app/page"];',
    "",
  ].join("\n"),
  "package.json": '{ "scripts": { "worker": "tsx app/jobs/loop.ts" } }\n',
};

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function repo(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), "house-move-"));
  write(files);
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "tree");
  return dir;
}
function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
const read = (path: string) => readFileSync(join(dir, path), "utf8");
const quiet = { log: () => undefined as void };

describe("scripts/house/move.ts", () => {
  it("maps files and folder globs in order, first match wins, and back", () => {
    const map = new MoveMap(MOVES);
    expect(map.forward("app/models/page.server.ts")).toBe("app/routes/app.page/data.server.ts");
    expect(map.forward("test/stub/deep/store.ts")).toBe("packages/standin/src/deep/store.ts");
    expect(map.forward("test/stub/server.test.ts")).toBe("packages/standin/test/server.test.ts");
    expect(map.forward("app/models/table.server.ts")).toBe("app/models/table.server.ts");
    expect(map.backward("packages/standin/src/deep/store.ts")).toBe("test/stub/deep/store.ts");
    expect(map.backward("packages/standin/test/server.test.ts")).toBe("test/stub/server.test.ts");
    expect(map.backward("app/routes/app.page/route.tsx")).toBe("app/routes/app.page.tsx");
  });

  it("moves with git mv, rewrites specifiers in their style, and a second run is a no-op", () => {
    repo(FILES);
    const first = run(dir, MOVES, quiet);
    expect(first.moved.map(([, to]) => to).sort()).toEqual([
      "app/jobs/runtime/loop.ts",
      "app/routes/app.page/data.server.ts",
      "app/routes/app.page/route.tsx",
      "packages/standin/src/deep/store.ts",
      "packages/standin/src/server.ts",
      "packages/standin/test/server.test.ts",
    ]);
    expect(existsSync(join(dir, "test/stub"))).toBe(false);
    // git records renames, not deletions and additions.
    expect(git("status", "--porcelain")).toMatch(
      /^R[ M] app\/models\/page\.server\.ts -> app\/routes\/app\.page\/data\.server\.ts$/m,
    );

    expect(read("app/routes/app.page/route.tsx")).toBe(
      [
        'import { page } from "./data.server";',
        'import { table } from "~/models/table.server";',
        'export { page as again } from "~/routes/app.page/data.server";',
        'import { run } from "../../jobs/runtime/loop";',
        "export const x = [page, table, run];",
        "",
      ].join("\n"),
    );
    expect(read("app/routes/app.page/data.server.ts")).toContain('from "../../models/table.server"');
    expect(read("app/jobs/runtime/loop.ts")).toContain('from "../../routes/app.page/data.server"');
    expect(read("packages/standin/src/server.ts")).toContain('from "../../../app/models/table.server"');
    // Folder strings and a template literal's fixed folder follow the file's new depth.
    expect(read("packages/standin/src/server.ts")).toContain('join(__dirname, "../../..")');
    expect(read("packages/standin/src/server.ts")).toContain("new URL(`../../../app/models/schema_${v}.json`");
    expect(read("packages/standin/src/deep/store.ts")).toBe('export * from "../server";\n');
    expect(read("packages/standin/test/server.test.ts")).toContain('from "../src/server"');
    const test = read("test/page.test.ts");
    expect(test).toContain('vi.mock("../app/routes/app.page/data.server", async');
    expect(test).toContain('vi.importActual("../app/routes/app.page/data.server")');
    expect(test).toContain('await import("../packages/standin/src/deep/store")');
    expect(test).toContain('join(ROOT, "packages/standin/src/server.ts")');
    expect(test).toContain('const worker = "app/jobs/runtime/loop.ts"; // app/jobs/runtime/loop.ts');
    expect(test).toContain('const untouched = ["./nowhere", "app/uninstalled", "/app/page"];');
    expect(read("package.json")).toContain('"tsx app/jobs/runtime/loop.ts"');

    git("add", "-A");
    const before = git("diff", "--cached", "--stat");
    const second = run(dir, MOVES, quiet);
    expect(second).toEqual({ moved: [], rewritten: [] });
    git("add", "-A");
    expect(git("diff", "--cached", "--stat")).toBe(before);
  });

  it("moves and mends a file another branch added in an old folder, and old lines merged into a moved file", () => {
    repo(FILES);
    run(dir, MOVES, quiet);
    // After a merge: a new file at an old place (old specifiers), and an old line in a moved file.
    write({
      "test/stub/extra.ts":
        'import { s } from "./server";\nimport { page } from "../../app/models/page.server";\nexport const e = [s, page];\n',
      "app/routes/app.page/route.tsx":
        read("app/routes/app.page/route.tsx") +
        'import { table as t2 } from "../models/table.server";\nexport const y = t2;\n',
    });
    const third = run(dir, MOVES, quiet);
    expect(third.moved).toEqual([["test/stub/extra.ts", "packages/standin/src/extra.ts"]]);
    expect(read("packages/standin/src/extra.ts")).toBe(
      'import { s } from "./server";\nimport { page } from "../../../app/routes/app.page/data.server";\nexport const e = [s, page];\n',
    );
    expect(read("app/routes/app.page/route.tsx")).toContain('import { table as t2 } from "../../models/table.server";');
    expect(read("app/routes/app.page/route.tsx")).toContain('import { page } from "./data.server";');
    expect(run(dir, MOVES, quiet)).toEqual({ moved: [], rewritten: [] });
  });
});
