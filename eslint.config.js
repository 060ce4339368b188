// Lint: typescript-eslint's recommended rules plus React hooks, for app, scripts and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

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
    // Command-line tools, scripts, benchmarks and tests talk to the terminal.
    files: ["app/cli/**", "scripts/**", "test/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);
