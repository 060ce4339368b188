import { vitePlugin as remix } from "@remix-run/dev";
import { installGlobals } from "@remix-run/node";
import { defineConfig, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

installGlobals({ nativeFetch: true });

// The Shopify CLI sets HOST/SHOPIFY_APP_URL; the demo serves on localhost:3000.
const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;
// On this machine (localhost or 127.0.0.1, the demo and the dev browser test) HMR is a plain websocket;
// VITE_HMR_PORT lets a test pick a free port instead of 64999.
const hmrPort = Number(process.env.VITE_HMR_PORT || 64999);
const hmrConfig =
  host === "localhost" || host === "127.0.0.1"
    ? { protocol: "ws", host, port: hmrPort, clientPort: hmrPort }
    : { protocol: "wss", host, port: parseInt(process.env.FRONTEND_PORT ?? "8002"), clientPort: 443 };

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: hmrConfig,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*", "**/*.server.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
        v3_routeConfig: true,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
}) satisfies UserConfig;
