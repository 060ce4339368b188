/**
 * `npm run build:storefront-js`: writes the theme block's script, minified, from its readable source
 * (scripts/storefront/recommendations.js) to extensions/churnless-recommendations/assets/recommendations.js.
 * Theme Check refuses an app block script over 10,000 bytes (AssetSizeAppBlockJavaScript), and theme app
 * extensions serve assets as they are, so the minified file is what is committed and shipped;
 * test/extensions/theme-check.test.ts checks it is the minified source of today.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

export const BLOCK_JS_SOURCE = fileURLToPath(new URL("./storefront/recommendations.js", import.meta.url));
export const BLOCK_JS_ASSET = fileURLToPath(
  new URL("../extensions/churnless-recommendations/assets/recommendations.js", import.meta.url),
);

/** The shipped script for a source text: esbuild's minified form for the browsers themes support. */
export function minifyBlockJs(source: string): string {
  const { code } = transformSync(source, { minify: true, target: "es2019", legalComments: "none" });
  return `/* Churnless recommendations block; generated from scripts/storefront/recommendations.js */\n${code}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = minifyBlockJs(readFileSync(BLOCK_JS_SOURCE, "utf8"));
  writeFileSync(BLOCK_JS_ASSET, out);
  console.log(`${BLOCK_JS_ASSET}: ${out.length} bytes`);
}
