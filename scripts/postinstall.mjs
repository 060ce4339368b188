/**
 * Runs after `npm ci` / `npm install`, under the Node 24 that the `node` devDependency puts first on
 * npm's script PATH (the system Node may be older; see README, "Two commands").
 * 1. better-sqlite3 13 ships Node-API binaries in its package (no download); when none loads (another
 *    platform), it is compiled from source, possibly by
 *    the system Node before the `node` package was in place: when it does not load in this Node,
 *    rebuild it against this Node's own headers (shipped inside the `node` package), offline.
 * 2. Generates both Prisma clients (SQLite default, PostgreSQL).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(
    `postinstall: running on Node ${process.version}; Churnless needs Node 24 (the \`node\` devDependency).`,
  );
  process.exit(1);
}

function sqliteLoads() {
  const r = spawnSync(process.execPath, ["-e", "require('better-sqlite3')(':memory:').close()"], { encoding: "utf8" });
  return r.status === 0;
}

if (!sqliteLoads()) {
  // The headers of the running Node: the `node` package's platform tarball has include/node.
  const nodeDir = join(dirname(dirname(process.execPath)), "node_modules", `node-${process.platform}-${process.arch}`);
  const headers = [nodeDir, dirname(dirname(process.execPath))].find((d) => existsSync(join(d, "include/node/node.h")));
  if (!headers) throw new Error(`postinstall: no Node ${process.version} headers found to rebuild better-sqlite3`);
  console.log(`postinstall: rebuilding better-sqlite3 for Node ${process.version} (headers: ${headers})`);
  execFileSync("npm", ["rebuild", "better-sqlite3"], {
    stdio: "inherit",
    env: { ...process.env, npm_config_nodedir: headers },
  });
  if (!sqliteLoads()) throw new Error("postinstall: better-sqlite3 still does not load after the rebuild");
}

const prisma = join(dirname(require.resolve("prisma/package.json")), "build/index.js");
for (const args of [["generate"], ["generate", "--config", "prisma/postgres/prisma.config.ts"]]) {
  execFileSync(process.execPath, [prisma, ...args], { stdio: "inherit" });
}
