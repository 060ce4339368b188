/**
 * The built app served by remix-serve in demo mode, for `npm run demo` and the browser tests: build it
 * when app/ is newer than build/, start it on a port, wait until it answers, stop it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = process.cwd();
export const SERVER_BUILD = join(root, "build/server/index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the app (remix vite:build) unless build/ is fresher than every file in app/. `onBuild` is told
 * before a build starts; `inherit` shows the build's output, else it is only in the error of a failed build.
 */
export function buildAppIfStale(opts: { onBuild?: () => void; inherit?: boolean } = {}): void {
  if (existsSync(SERVER_BUILD) && statSync(SERVER_BUILD).mtimeMs > newestMtime(join(root, "app"))) return;
  opts.onBuild?.();
  const r = spawnSync("npx", ["remix", "vite:build"], {
    cwd: root,
    encoding: "utf8",
    stdio: opts.inherit ? "inherit" : "pipe",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`remix vite:build failed${opts.inherit ? "" : `:\n${r.stdout}\n${r.stderr}`}`);
}

export interface DemoServer {
  child: ChildProcess;
  /** What the server printed so far (empty when its output is inherited). */
  output(): string;
  /** Resolves once `path` answers below 500; throws when the server exits first or after `ms`. */
  ready(path: string, ms: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts remix-serve on the built app in demo mode for `shop`, with the given Shopify app settings;
 * `env` adds to (or overrides) the environment. `inherit` passes its output through, else it is kept.
 */
export function startDemoServer(opts: {
  port: number;
  shop: string;
  appUrl: string;
  apiKey: string;
  apiSecret: string;
  scopes: string;
  env?: Record<string, string>;
  inherit?: boolean;
}): DemoServer {
  let output = "";
  // Started directly (not through npx), so killing it stops the server itself.
  const child = spawn(join(root, "node_modules/.bin/remix-serve"), [SERVER_BUILD], {
    cwd: root,
    stdio: ["ignore", opts.inherit ? "inherit" : "pipe", opts.inherit ? "inherit" : "pipe"],
    env: {
      ...process.env,
      // Not "production" (demo mode is refused there) and not "development" (remix-serve then waits for
      // Vite's dev server): the built app, served as in a test.
      NODE_ENV: "test",
      PORT: String(opts.port),
      CHURNLESS_DEMO: "1",
      CHURNLESS_DEMO_SHOP: opts.shop,
      SHOPIFY_API_KEY: opts.apiKey,
      SHOPIFY_API_SECRET: opts.apiSecret,
      SHOPIFY_APP_URL: opts.appUrl,
      SCOPES: opts.scopes,
      ...opts.env,
      // Demo mode serves the admin without authentication: this machine only (the app refuses otherwise).
      HOST: "127.0.0.1",
    },
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return {
    child,
    output: () => output,
    async ready(path, ms) {
      const target = `${opts.appUrl}${path}`;
      const until = Date.now() + ms;
      let last = "no answer yet";
      for (;;) {
        if (child.exitCode !== null) throw new Error(`remix-serve exited with ${child.exitCode}:\n${output}`);
        try {
          const res = await fetch(target, { redirect: "manual" });
          if (res.status < 500) return;
          last = `HTTP ${res.status}`;
        } catch (error) {
          // Not listening yet: asked again below until `ms` has passed, and the last failure is in the timeout's message.
          last =
            (error as Error).cause instanceof Error
              ? ((error as Error).cause as Error).message
              : (error as Error).message;
        }
        if (Date.now() > until)
          throw new Error(`the app did not answer at ${target} within ${ms / 1000} s (last: ${last}):\n${output}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
