/**
 * `npx tsx scripts/theme-check.ts [DIR]`: Shopify's theme-check on the theme app extension
 * (default extensions/churnless-recommendations). The config is chosen by theme-check itself: a
 * folder with shopify.extension.toml gets "theme-check:theme-app-extension". Prints every offense and
 * exits 1 when any is an error (severity 0), 0 otherwise.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Severity, themeCheckRun, type Offense } from "@shopify/theme-check-node";

export const EXTENSION_DIR = resolve("extensions/churnless-recommendations");

export function formatOffense(o: Offense): string {
  const level = o.severity === Severity.ERROR ? "error" : o.severity === Severity.WARNING ? "warning" : "info";
  const where = o.uri.replace(/^file:\/\//, "");
  return `${level} ${o.check} ${where}:${o.start.line + 1}:${o.start.character + 1} ${o.message}`;
}

export async function runThemeCheck(
  dir: string = EXTENSION_DIR,
): Promise<{ offenses: Offense[]; errors: Offense[]; files: number }> {
  const run = await themeCheckRun(dir, undefined, () => undefined);
  const errors = run.offenses.filter((o) => o.severity === Severity.ERROR);
  return { offenses: run.offenses, errors, files: run.theme.length };
}

async function main(argv: string[]): Promise<number> {
  const dir = argv[0] ? resolve(argv[0]) : EXTENSION_DIR;
  const { offenses, errors, files } = await runThemeCheck(dir);
  for (const o of offenses) console.log(formatOffense(o));
  console.log(`theme-check: ${files} files, ${offenses.length} offenses, ${errors.length} errors`);
  return errors.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
