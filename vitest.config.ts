import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// One command runs everything (`npm test`): unit and integration tests in parallel, then the browser
// tests (test/e2e: a built app or a storefront page in Debian's Chromium) one file at a time, so they do
// not compete for the two cores with each other.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: "forks",
    globalSetup: ["test/setup/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "app/**/*.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: ["node_modules", "build", "test/e2e/**", "test/integration/production-server/**"],
        },
      },
      {
        extends: true,
        // Browser tests, and the tests of the production build (test/integration/production-server), which
        // build the app: one file at a time, so no two builds write build/ at once.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/integration/production-server/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
        },
      },
    ],
  },
});
