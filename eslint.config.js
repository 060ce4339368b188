// Lint: typescript-eslint's recommended rules plus React hooks, for app, scripts and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { builtinModules } from "node:module";

// ---- Layers of app/ (docs/architecture.md): which folder may import which. ----
// Each folder lists what it must not import; a pattern matches the import path ("../models/x.server",
// "~/models/x"). The rule is typescript-eslint's no-restricted-imports, not the core one that the
// analytics block (and the Prisma-location rule) use: a later block that sets the same rule for a file
// replaces the earlier one, so the two never mix. `types: true` lets `import type` through (a component
// may name a model's type; the build erases it). Dynamic import() is not checked: the composition roots
// (jobs/worker.ts, getQueue, entry.server.tsx, the CLI) open the database handle with it.
const LAYER = {
  analytics: ["**/analytics/**"],
  shopify: ["**/shopify/**"],
  // app/shopify less its tag scheme (app/shopify/tags.ts: pure rules, strings in and out, no client).
  shopifyClients: ["**/shopify/**", "!**/shopify/tags"],
  // app/models (app/analytics/models holds the purchase models of the pure core, not tables).
  models: ["**/models/**", "!**/analytics/models/**"],
  db: ["**/db.server", "**/db/**"],
  dbFolder: ["**/db/**"],
  jobs: ["**/jobs/**"],
  webhooks: ["**/webhooks/**"],
  lib: ["**/lib/**"],
  routes: ["**/routes/**"],
  components: ["**/components/**"],
  cli: ["**/cli/**"],
  // The web app's setup: Shopify authentication (imports db, models, jobs), the server entry, startup checks.
  appSetup: ["**/shopify.server", "**/entry.server", "**/startup.server"],
  shopifyServer: ["**/shopify.server", "**/entry.server"],
  env: ["**/env.server"],
};
/** `folder` may not import these layers (`types` lets their `import type` through). */
const mayNotImport = (folder, rules) => ({
  "@typescript-eslint/no-restricted-imports": [
    "error",
    {
      patterns: rules.map(({ layer, types = false }) => ({
        group: LAYER[layer],
        allowTypeImports: types,
        message: `app/${folder} may not import ${LAYER[layer].join(" or ")}${types ? " (import type is fine)" : ""}: see docs/architecture.md.`,
      })),
    },
  ],
});
const not = (...layers) => layers.map((layer) => ({ layer }));
const typesOnly = (...layers) => layers.map((layer) => ({ layer, types: true }));
const layerBlock = (folder, rules) => ({
  files: [`app/${folder}/**/*.{ts,tsx}`],
  rules: mayNotImport(folder, rules),
});

// Prisma-location rule (the block "Prisma only in app/models and app/db" below): a model delegate's query
// methods, and the names the database handle goes by.
const PRISMA_OPS =
  "/^(findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findMany|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)$/";
const PRISMA_HANDLES = "/^(db|tx|prisma|client)$/";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "public/build/",
      ".cache/",
      "test/.tmp/",
      "test/artifacts/",
      "extensions/**/assets/*.min.js",
      // Generated, minified, from scripts/storefront/recommendations.js (npm run build:storefront-js).
      "extensions/churnless-recommendations/assets/recommendations.js",
      "**/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
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
              group: [
                "@shopify/*",
                "@prisma/*",
                "@remix-run/*",
                "prisma",
                "graphql",
                "graphql-request",
                "pg",
                "better-sqlite3",
                "bullmq",
                "ioredis",
              ],
              message: "app/analytics imports nothing from Shopify, Prisma, Remix or the infrastructure.",
            },
            {
              group: [
                "**/shopify/**",
                // app/models is reached through "**/*.server" below (every table module is one): a bare
                // "**/models/**" would refuse the core's own purchase models (app/analytics/models).
                "**/db/**",
                "**/jobs/**",
                "**/routes/**",
                "**/cli/**",
                "**/webhooks/**",
                "**/lib/**",
                "**/*.server",
                "**/*.server.*",
              ],
              message: "app/analytics is the pure core: the layers around it import it, never the other way.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "Buffer", "process", "require", "__dirname", "__filename"],
    },
  },
  {
    // No silent catch: an empty catch block is an error (a comment-only one is refused by
    // test/architecture/silent-catch.test.ts, as are `.catch(() => undefined | null | {})`).
    rules: { "no-empty": ["error", { allowEmptyCatch: false }] },
  },
  // Layers (see LAYER above and docs/architecture.md). app/analytics has its own block above.
  // shopify: the Admin API and Shopify's formats; analytics types only, never the database or the app.
  layerBlock("shopify", [
    ...typesOnly("analytics"),
    ...not("models", "db", "jobs", "webhooks", "lib", "routes", "components", "cli", "appSetup"),
  ]),
  // models: the database's rules; db and analytics, Shopify's types only (a client is handed in), and the
  // tag scheme's pure rules (the settings model refuses a tag prefix that collides with the shop's tags).
  layerBlock("models", [
    ...typesOnly("shopifyClients"),
    ...not("jobs", "webhooks", "lib", "routes", "components", "cli", "appSetup"),
  ]),
  // db: the database itself (migrations, JSON rows); nothing of the app but app/db.server.ts and env.
  layerBlock(
    "db",
    not("analytics", "shopify", "models", "jobs", "webhooks", "lib", "routes", "components", "cli", "appSetup"),
  ),
  // jobs: models, shopify and analytics; the database handle's type only (models query it).
  // (app/jobs/runtime/worker.ts, the worker process, runs the startup checks: startup.server is allowed there.)
  layerBlock("jobs", [...typesOnly("db"), ...not("webhooks", "lib", "routes", "components", "cli", "shopifyServer")]),
  // webhooks: a delivery's handling, like a job: models, shopify and analytics, the handle's type only.
  layerBlock("webhooks", [...typesOnly("db"), ...not("jobs", "lib", "routes", "components", "cli", "appSetup")]),
  // lib: the routes' helpers (the admin loader, live names, the shop's locale): models and shopify.
  layerBlock("lib", [...typesOnly("db"), ...not("jobs", "webhooks", "routes", "components", "cli")]),
  // routes: parse, call models/jobs/shopify, answer with components; they pass app/db.server.ts's
  // handle on and never import app/db/ (the Prisma-location rule keeps queries out of them).
  layerBlock("routes", not("dbFolder", "cli")),
  // components: the browser's side; nothing server-side (types of models and of a page's read-model are fine).
  layerBlock("components", [
    ...typesOnly("models", "shopify", "jobs", "webhooks", "lib", "routes"),
    ...not("db", "cli", "appSetup", "env"),
  ]),
  // cli: command-line entry points; analytics, shopify, models, jobs and the database, not the web app.
  layerBlock("cli", not("webhooks", "lib", "routes", "components", "appSetup")),
  // ---- Prisma only in app/models, app/db and a page's read-model. A block of its own, apart from the layers above. ----
  // Outside them nothing imports Prisma's client library, and no code calls a Prisma model delegate
  // (`db.order.findMany(...)`, `tx.shop.upsert(...)`, `this.db.x.count(...)`) or runs a transaction or raw
  // SQL: a route, job, webhook or Shopify module asks a function of app/models. Passing the `db` handle on
  // (typed with `import type { Db }`) is fine, and so is `db.$disconnect()` where a process ends.
  // test/architecture/prisma-location.test.ts checks the same by text, so the two cannot drift apart.
  {
    files: ["app/**/*.{ts,tsx}"],
    // A page's own read-model (app/routes/<page>/*.server.ts, beside its route.tsx) queries too.
    ignores: ["app/models/**", "app/db/**", "app/db.server.ts", "app/analytics/**", "app/routes/*/*.server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@prisma/*", "prisma"], message: "Prisma only in app/models and app/db (docs/architecture.md)." },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.property.name=${PRISMA_OPS}][callee.object.type='MemberExpression'][callee.object.object.name=${PRISMA_HANDLES}]`,
          message: "A Prisma query outside app/models: call (or add) a model function in app/models instead.",
        },
        {
          selector: `CallExpression[callee.property.name=${PRISMA_OPS}][callee.object.type='MemberExpression'][callee.object.object.property.name=${PRISMA_HANDLES}]`,
          message: "A Prisma query outside app/models: call (or add) a model function in app/models instead.",
        },
        {
          selector:
            "CallExpression[callee.property.name=/^\\$(transaction|queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/]",
          message: "A transaction or raw SQL outside app/models and app/db: put it in a model function.",
        },
      ],
    },
  },
  {
    // Under remix-serve (v3_singleFetch off) the fetch globals are Remix's polyfill, whose Response has no
    // static json(): `Response.json(...)` answered 500 in the built server while it passed in vitest. Use
    // `new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } })`.
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "Response",
          property: "json",
          message:
            "Response.json does not exist under remix-serve (Remix's fetch polyfill): new Response(JSON.stringify(body), { headers }) instead.",
        },
      ],
    },
  },
  {
    // Command-line tools, scripts, benchmarks and tests talk to the terminal.
    files: ["app/cli/**", "scripts/**", "test/**", "packages/*/src/main.ts", "packages/*/test/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);
