/** Debian's Chromium driven by playwright-core, headless, in a fresh profile. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether the browser tests can run here, with the rule the ../shared tests follow
 * (test/helpers/shared-data.ts): on a newcomer's machine without Chromium they skip and say why; under
 * CI=true they never skip (.ci/run installs Chromium), and a missing Chromium fails them.
 */
export function needChromium(
  name: string,
  env: Record<string, string | undefined> = process.env,
): { skip: boolean; title: string } {
  const path = env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const ci = !!env.CI && env.CI !== "false" && env.CI !== "0";
  const skip = !existsSync(path) && !ci;
  if (skip) console.warn(`[chromium] skipping "${name}": ${path} not found (outside CI only)`);
  const why = `SKIPPED: needs Chromium at ${path}, not found (apt-get install -y chromium); CI requires it`;
  return { skip, title: skip ? `${name} (${why})` : name };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`);
  const userDataDir = mkdtempSync(join(tmpdir(), "churnless-e2e-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
