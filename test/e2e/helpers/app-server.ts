/**
 * The built app served by remix-serve for browser tests: built once (reused when build/ is newer than
 * app/), started in demo mode on a random port against the test's own SQLite database.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const root = process.cwd();
const SERVER_BUILD = join(root, "build/server/index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the app unless build/ is fresher than every file in app/. */
export function buildAppIfStale(): void {
  if (existsSync(SERVER_BUILD) && statSync(SERVER_BUILD).mtimeMs > newestMtime(join(root, "app"))) return;
  const r = spawnSync("npx", ["remix", "vite:build"], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`remix vite:build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface AppServer {
  url: string;
  logs: () => string;
  stop(): Promise<void>;
}

export async function startAppServer(opts: { databaseUrl: string; shop: string; env?: Record<string, string> }): Promise<AppServer> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(join(root, "node_modules/.bin/remix-serve"), [SERVER_BUILD], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // remix-serve defaults to production, where demo mode is (rightly) refused.
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: opts.databaseUrl,
      CHURNLESS_DEMO: "1",
      CHURNLESS_DEMO_SHOP: opts.shop,
      SHOPIFY_API_KEY: "e2e-api-key",
      SHOPIFY_API_SECRET: "e2e-api-secret",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SCOPES: "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy",
      REDIS_URL: "",
      ...opts.env,
    },
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`remix-serve exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/app`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the app did not start within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    logs: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
