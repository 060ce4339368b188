/**
 * The built app served by remix-serve for browser tests: built once (reused when build/ is newer than
 * app/), started in demo mode on a random port against the test's own SQLite database.
 */
import { createServer } from "node:net";
import { startDemoServer } from "../../../scripts/remix-serve";

export { buildAppIfStale } from "../../../scripts/remix-serve";

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

export async function startAppServer(opts: {
  databaseUrl: string;
  shop: string;
  env?: Record<string, string>;
}): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startDemoServer({
    port,
    shop: opts.shop,
    appUrl: url,
    apiKey: "e2e-api-key",
    apiSecret: "e2e-api-secret",
    scopes: "read_orders,read_all_orders,read_customers,write_customers,read_products,write_app_proxy",
    env: { HOST: "127.0.0.1", DATABASE_URL: opts.databaseUrl, REDIS_URL: "", ...opts.env },
  });
  try {
    await server.ready("/app", 30_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, logs: server.output, stop: server.stop };
}
