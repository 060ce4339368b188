/**
 * Data sets in ../shared/data (beside the clone; /work/shared/data on our machines). A newcomer's clone
 * has no ../shared: a test that needs it skips there and says why; under CI=true it runs, and a missing
 * file fails it. CHURNLESS_SHARED_DATA points the lookup at another folder (a test of this rule does
 * that to see the skip without moving ../shared).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** The shared data folder: CHURNLESS_SHARED_DATA, else ../shared/data beside the repository. */
export function sharedDataDir(env: Record<string, string | undefined> = process.env): string {
  return env.CHURNLESS_SHARED_DATA ? resolve(env.CHURNLESS_SHARED_DATA) : resolve(__dirname, "../../../shared/data");
}

/** `relative` (e.g. "cdnow/CDNOW_master.txt") inside the shared data folder. */
export function sharedDataFile(relative: string, env: Record<string, string | undefined> = process.env): string {
  return join(sharedDataDir(env), relative);
}

export interface SharedDataNeed {
  /** Absolute paths, in the order asked. */
  files: string[];
  /** The files that are not there. */
  missing: string[];
  /** True outside CI when a file is missing: the test skips. */
  skip: boolean;
  /** A describe/it title that says what the test reads, or why it is skipped. */
  title: string;
}

/**
 * What a test that reads `relatives` from ../shared/data should do. Under CI=true it never skips (a
 * missing file then fails the test where it is read, with the path in the error).
 */
export function needSharedData(
  name: string,
  relatives: string[],
  env: Record<string, string | undefined> = process.env,
): SharedDataNeed {
  const files = relatives.map((r) => sharedDataFile(r, env));
  const missing = files.filter((f) => !existsSync(f));
  const ci = !!env.CI && env.CI !== "false" && env.CI !== "0";
  const skip = missing.length > 0 && !ci;
  const title = skip
    ? `${name} (SKIPPED: needs ../shared/data, not found: ${missing.join(", ")}; CI requires it)`
    : `${name} (reads ../shared/data)`;
  if (skip) console.warn(`[shared-data] skipping "${name}": ${missing.join(", ")} not found (outside CI only)`);
  return { files, missing, skip, title };
}
