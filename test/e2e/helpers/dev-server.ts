/**
 * The app under Vite's development server (remix vite:dev, as `shopify app dev` runs it through
 * shopify.web.toml) in demo mode on random ports, for the browser test of the development build.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, type AppServer } from "./app-server";

export async function startDevServer(opts: {
  databaseUrl: string;
  shop: string;
  env?: Record<string, string>;
}): Promise<AppServer> {
  const [port, hmrPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // Started directly (not through npx), so stopping it stops Vite itself.
  const child = spawn(
    join(process.cwd(), "node_modules/.bin/remix"),
    ["vite:dev", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "development",
        PORT: String(port),
        VITE_HMR_PORT: String(hmrPort),
        CHURNLESS_DEMO: "1",
        CHURNLESS_DEMO_SHOP: opts.shop,
        SHOPIFY_API_KEY: "e2e-api-key",
        SHOPIFY_API_SECRET: "e2e-api-secret",
        SHOPIFY_APP_URL: url,
        SCOPES: "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy",
        DATABASE_URL: opts.databaseUrl,
        REDIS_URL: "",
        ...opts.env,
        HOST: "127.0.0.1",
      },
    },
  );
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  const until = Date.now() + 90_000;
  let lastError = "";
  for (;;) {
    if (child.exitCode !== null) throw new Error(`remix vite:dev exited with ${child.exitCode}:\n${output}`);
    try {
      // The first request compiles the app's modules; anything below 500 means it serves.
      const res = await fetch(`${url}/app`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch (error) {
      // Not listening yet: asked again until the deadline below, which reports the last error.
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > until) {
      await stop();
      throw new Error(`remix vite:dev did not answer at ${url}/app within 90 s (${lastError}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, logs: () => output, stop };
}
