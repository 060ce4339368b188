/**
 * `npm test`: the one gate, what CI runs (.ci/run). Formatting (Prettier), typecheck, lint, then every test: unit,
 * integration against the local Shopify stand-in, database tests on SQLite and (when reachable, always
 * in CI) PostgreSQL, queue tests on Redis, and browser tests in Debian's Chromium.
 * Extra arguments go to vitest (e.g. `npm test -- test/analytics`), and then formatting, typecheck and lint are skipped.
 */
import { spawnSync } from "node:child_process";

// The runtime is the `node` devDependency (Node 24 LTS), which npm scripts put first on PATH; CI prints it.
console.log(`node ${process.version} (${process.execPath})`);
if (Number(process.versions.node.split(".")[0]) < 24) {
  console.error("Churnless needs Node 24: run the tests through npm (`npm test`), which uses node_modules/.bin/node.");
  process.exit(1);
}

const args = process.argv.slice(2);
const steps: Array<[string, string, string[]]> = args.length
  ? [["tests", "npx", ["vitest", "run", ...args]]]
  : [
      ["format", "npx", ["prettier", "--check", "."]],
      ["typecheck", "npx", ["tsc", "--noEmit"]],
      ["lint", "npx", ["eslint", "--max-warnings", "0", "."]],
      ["tests", "npx", ["vitest", "run"]],
    ];

const results: Array<[string, number, number]> = [];
for (const [name, cmd, cmdArgs] of steps) {
  const started = Date.now();
  console.log(`\n== ${name}: ${cmd} ${cmdArgs.join(" ")}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: process.env });
  const code = r.status ?? 1;
  results.push([name, code, (Date.now() - started) / 1000]);
  if (code !== 0) break;
}
console.log("\n== summary");
for (const [name, code, secs] of results)
  console.log(`${name.padEnd(10)} ${code === 0 ? "ok" : `FAILED (exit ${code})`}  ${secs.toFixed(0)} s`);
const failed = results.some(([, code]) => code !== 0) || results.length < steps.length;
process.exit(failed ? 1 : 0);
