/**
 * The app as it is deployed (README, deploy): `npm run build` (remix vite:build, reused while build/ is newer
 * than app/), then `npm start` (remix-serve ./build/server/index.js) with NODE_ENV=production, on a port of
 * its own and the test's database. Nothing of vitest's environment is passed on (VITEST would change how
 * the app reports start-up errors), Redis is off (the in-process queue), and there is no stand-in: a
 * production server refuses SHOPIFY_ADMIN_API_BASE_URL, so the shops' offline sessions are seeded instead.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { buildAppIfStale, freePort } from "../../e2e/helpers/app-server";

export { buildAppIfStale };

export interface ProductionServer {
  url: string;
  /** Everything the server printed so far (stdout and stderr). */
  logs(): string;
  stop(): Promise<void>;
}

/** The parent environment without vitest's variables and without any of the app's own settings. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(VITEST|TEST_|npm_)/i.test(k)) continue;
    if (/^(SHOPIFY_|CHURNLESS_|DATABASE_URL|REDIS_|NODE_ENV|PORT|HOST|SCOPES|WORKER_)/.test(k)) continue;
    out[k] = v;
  }
  return out;
}

export async function startProductionServer(opts: {
  databaseUrl: string;
  apiKey: string;
  apiSecret: string;
  scopes: string;
}): Promise<ProductionServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // Its own process group (npm -> sh -> remix-serve), so stop() ends exactly the processes started here.
  const child: ChildProcess = spawn("npm", ["start"], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...cleanEnv(),
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: opts.databaseUrl,
      SHOPIFY_API_KEY: opts.apiKey,
      SHOPIFY_API_SECRET: opts.apiSecret,
      SHOPIFY_APP_URL: url,
      SCOPES: opts.scopes,
    },
  });
  // If the test process ends without stop() (a crash, an interrupted run), the server goes with it.
  const onExit = () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  };
  process.once("exit", onExit);
  child.once("exit", () => process.off("exit", onExit));
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  // Ready once it answers anything at all: the tests judge the status codes themselves.
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${url}/`, { redirect: "manual" });
      break;
    } catch (error) {
      if (Date.now() > until) {
        await stop();
        throw new Error(`npm start did not answer at ${url} within 60 s (${(error as Error).message}):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { url, logs: () => output, stop };
}
