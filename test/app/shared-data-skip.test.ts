/**
 * A newcomer's clone has no ../shared: the tests that read ../shared/data must skip there (saying why)
 * and run under CI=true. ../shared is hidden by pointing the lookup (CHURNLESS_SHARED_DATA) at an empty
 * folder, and the test files are run by vitest in a child process, as `npm test` would run them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needSharedData } from "../helpers/shared-data";

const SHARED_TESTS = [
  "test/analytics/eval-recs-shared-completejourney.test.ts",
  "test/standin/importers-shared-data.test.ts",
  "test/analytics/bgnbd-paper.test.ts",
];

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
  it("name the missing file and the CI rule in their title when they skip", () => {
    const need = needSharedData("x", ["cdnow/CDNOW_master.txt"], { CHURNLESS_SHARED_DATA: empty });
    expect(need.skip).toBe(true);
    expect(need.title).toContain(join(empty, "cdnow/CDNOW_master.txt"));
    expect(need.title).toMatch(/SKIPPED: needs \.\.\/shared\/data.*CI requires it/);
    expect(needSharedData("x", ["cdnow/CDNOW_master.txt"], { CHURNLESS_SHARED_DATA: empty, CI: "true" }).skip).toBe(
      false,
    );
  });

  it("skip without ../shared outside CI, and the run passes", () => {
    const { code, report, output } = runVitest({ CI: undefined });
    expect(code, output).toBe(0);
    expect(report.numFailedTests).toBe(0);
    const skipped = report.testResults.flatMap((f) => f.assertionResults).filter((a) => a.status !== "passed");
    // eval-recs (1), importers (2), bgnbd-paper's summary-file case (1).
    expect(skipped.length).toBe(4);
    for (const a of skipped) expect(a.fullName).toMatch(/SKIPPED: needs \.\.\/shared\/data/);
  });

  it("run, and fail, without ../shared under CI=true", () => {
    const { code, report } = runVitest({ CI: "true" });
    expect(code).not.toBe(0);
    expect(report.numFailedTests).toBe(4);
  });
});
