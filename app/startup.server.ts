/**
 * Start-up checks of `npm start` (the server build) and `npm run worker`: the configuration
 * (app/env.server.ts) and the database are checked before anything is served or taken from the queue.
 * A problem is printed as ONE line on stderr and the process exits with status 1, instead of starting
 * and failing later with misleading errors. Under vitest the error is thrown instead (tests call these
 * functions to see them fail).
 */
import { checkDatabase } from "./db.server";
import { env, EnvError, isLoopbackHost, shopifyAppSettings, type Env, type ShopifyAppSettings } from "./env.server";

export type ProcessKind = "web" | "worker";

function underTest(): boolean {
  return !!process.env.VITEST;
}

/** Prints `message` as one line and exits 1 (throws under vitest). */
export function failStart(kind: ProcessKind, message: string): never {
  const line = `churnless ${kind === "web" ? "server" : "worker"} cannot start: ${message.replace(/\s*\n\s*/g, " ")}`;
  if (underTest()) throw new Error(line);
  console.error(line);
  process.exit(1);
}

/** The environment a process starts with; exits on a configuration error. */
export function envAtStart(kind: ProcessKind): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof EnvError) failStart(kind, error.message);
    throw error;
  }
}

/** True in the web server's process (`npm start`, or remix-serve started directly as the demo does). */
export function isWebServerProcess(): boolean {
  return process.env.npm_lifecycle_event === "start" || /remix-serve/.test(process.argv[1] ?? "");
}

/**
 * The Shopify app's settings (app/shopify.server.ts reads them on import). In the web server a missing
 * or wrong one is one line and exit 1; elsewhere (CLI, worker, tests) an EnvError the caller reports.
 */
export function shopifySettingsAtStart(): ShopifyAppSettings {
  if (!isWebServerProcess()) return shopifyAppSettings(env());
  try {
    return shopifyAppSettings(envAtStart("web"));
  } catch (error) {
    if (error instanceof EnvError) failStart("web", error.message);
    throw error;
  }
}

/** Configuration and database, checked before a process does anything. */
export async function checkAtStart(kind: ProcessKind, opts: { timeoutMs?: number } = {}): Promise<Env> {
  const e = envAtStart(kind);
  if (kind === "web") {
    try {
      shopifyAppSettings(e);
    } catch (error) {
      if (error instanceof EnvError) failStart(kind, error.message);
      throw error;
    }
    // remix-serve listens on HOST, or on every interface without it.
    if (e.demo && !isLoopbackHost(e.HOST)) {
      failStart(
        kind,
        `HOST must be 127.0.0.1 in demo mode (CHURNLESS_DEMO=1 serves the admin without authentication), not ${e.HOST ?? "unset (every interface)"}`,
      );
    }
  }
  try {
    await checkDatabase(e.DATABASE_URL, { timeoutMs: opts.timeoutMs });
  } catch (error) {
    failStart(kind, (error as Error).message);
  }
  return e;
}
