// Lint: typescript-eslint's recommended rules plus React hooks, for app, scripts and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { builtinModules } from "node:module";

export default tseslint.config(
  {
    ignores: ["node_modules/", "build/", "public/build/", ".cache/", "test/.tmp/", "test/artifacts/", "extensions/**/assets/*.min.js", "**/dist/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // app/analytics is the pure core: plain data in and out. Shopify formats, the database, Remix and Node
    // live in the layers around it (app/shopify, app/models, app/db, app/jobs, app/routes, app/cli).
    files: ["app/analytics/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: builtinModules.map((name) => ({ name, message: "app/analytics imports nothing from Node." })),
          patterns: [
            { group: ["node:*"], message: "app/analytics imports nothing from Node." },
            {
              group: ["@shopify/*", "@prisma/*", "@remix-run/*", "prisma", "graphql", "graphql-request", "pg", "better-sqlite3", "bullmq", "ioredis"],
              message: "app/analytics imports nothing from Shopify, Prisma, Remix or the infrastructure.",
            },
            {
              group: ["**/shopify/**", "**/models/**", "**/db/**", "**/jobs/**", "**/routes/**", "**/cli/**", "**/webhooks/**", "**/lib/**", "**/*.server", "**/*.server.*"],
              message: "app/analytics is the pure core: the layers around it import it, never the other way.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "Buffer", "process", "require", "__dirname", "__filename"],
    },
  },
  {
    // No silent catch (issue 17): an empty catch block is an error (a comment-only one is refused by
    // test/architecture/silent-catch.test.ts, as are `.catch(() => undefined | null | {})`).
    rules: { "no-empty": ["error", { allowEmptyCatch: false }] },
  },
  {
    // Command-line tools, scripts, benchmarks and tests talk to the terminal.
    files: ["app/cli/**", "scripts/**", "test/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);
