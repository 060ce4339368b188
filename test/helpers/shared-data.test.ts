/**
 * A newcomer's clone has no ../shared: the tests that read ../shared/data must skip there (saying why)
 * and run under CI=true. ../shared is hidden by pointing the lookup (CHURNLESS_SHARED_DATA) at an empty
 * folder, and the test files are run by vitest in a child process, as `npm test` would run them.
 * The files are found, not listed: every test file that mentions ../shared or the helpers that read it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needSharedData } from "./shared-data";

/** Every *.test.ts under test/, app/ and the workspace packages (this file aside). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : testFiles(path);
    return d.name.endsWith(".test.ts") ? [relative(process.cwd(), path)] : [];
  });
}

/** What marks a test as reading ../shared: the path itself, the helper, or test/helpers/cdnow.ts's full-file reader. */
const READS_SHARED = /needSharedData\(|\.\.\/shared\b|\/work\/shared\b|cdnowShop\(|CDNOW_MASTER|sharedDataFile\(/;
const SELF = relative(process.cwd(), __filename);
const SHARED_TESTS = ["test", "app", "packages"]
  .flatMap(testFiles)
  .filter((f) => f !== SELF && READS_SHARED.test(readFileSync(f, "utf8")))
  .sort();

const empty = mkdtempSync(join(tmpdir(), "churnless-no-shared-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

interface VitestJson {
  numFailedTests: number;
  numPassedTests: number;
  numPendingTests: number;
  testResults: Array<{ name: string; assertionResults: Array<{ title: string; fullName: string; status: string }> }>;
}

function runVitest(env: Record<string, string | undefined>): {
  code: number | null;
  report: VitestJson;
  output: string;
} {
  const outFile = join(empty, `report-${Date.now()}.json`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, CHURNLESS_SHARED_DATA: empty };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  delete childEnv.VITEST;
  delete childEnv.VITEST_WORKER_ID;
  delete childEnv.VITEST_POOL_ID;
  const r = spawnSync(
    "npx",
    ["vitest", "run", "--project", "unit", "--reporter=json", `--outputFile=${outFile}`, ...SHARED_TESTS],
    { cwd: process.cwd(), encoding: "utf8", env: childEnv, timeout: 240_000 },
  );
  const report = JSON.parse(readFileSync(outFile, "utf8")) as VitestJson;
  return { code: r.status, report, output: `${r.stdout}\n${r.stderr}` };
}

describe("tests that need ../shared/data", () => {
  it("are found, and each decides through needSharedData (skip outside CI, run in CI)", () => {
    // The four known today; a new one is found by the same rule.
    expect(SHARED_TESTS).toEqual(
      expect.arrayContaining([
        "test/analytics/models/bgnbd.test.ts",
        "test/cli/complete-journey.test.ts",
        "test/analytics/churn/predict.small-shops.test.ts",
        "packages/shopify-standin/test/importers-shared-data.test.ts",
      ]),
    );
    for (const f of SHARED_TESTS)
      expect(readFileSync(f, "utf8"), `${f} reads ../shared without needSharedData`).toMatch(/needSharedData\(/);
  });

  it("name the missing file and the CI rule in their title when they skip", () => {
    const need = needSharedData("x", ["cdnow/CDNOW_master.txt"], { CHURNLESS_SHARED_DATA: empty });
    expect(need.skip).toBe(true);
    expect(need.title).toContain(join(empty, "cdnow/CDNOW_master.txt"));
    expect(need.title).toMatch(/SKIPPED: needs \.\.\/shared\/data.*CI requires it/);
    expect(needSharedData("x", ["cdnow/CDNOW_master.txt"], { CHURNLESS_SHARED_DATA: empty, CI: "true" }).skip).toBe(
      false,
    );
  });

  let skippedWithoutCi = 0;
  it("skip without ../shared outside CI, saying why, and the run passes", () => {
    const { code, report, output } = runVitest({ CI: undefined });
    expect(code, output).toBe(0);
    expect(report.numFailedTests).toBe(0);
    expect(report.testResults.map((r) => relative(process.cwd(), r.name)).sort()).toEqual(SHARED_TESTS);
    for (const file of report.testResults) {
      const skipped = file.assertionResults.filter((a) => a.status !== "passed");
      expect(skipped.length, `${file.name} skipped nothing`).toBeGreaterThan(0);
      for (const a of skipped) expect(a.fullName).toMatch(/SKIPPED: needs \.\.\/shared\/data/);
      skippedWithoutCi += skipped.length;
    }
  });

  it("run, and fail, without ../shared under CI=true: every test skipped above fails", () => {
    const { code, report } = runVitest({ CI: "true" });
    expect(code).not.toBe(0);
    expect(skippedWithoutCi).toBeGreaterThan(0);
    expect(report.numFailedTests).toBe(skippedWithoutCi);
    for (const file of report.testResults)
      expect(
        file.assertionResults.filter((a) => a.status === "failed").length,
        `${file.name} did not fail under CI`,
      ).toBeGreaterThan(0);
  });
});
