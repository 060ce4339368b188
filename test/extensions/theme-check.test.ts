/**
 * The theme app extension: Shopify's theme-check passes (and does catch a broken copy), the block's
 * {% schema %} JSON is valid (theme-check does not look at it), every translation key exists in each
 * storefront locale, the script stays small, and the markup keeps its accessibility hooks.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { EXTENSION_DIR, formatOffense, runThemeCheck } from "../../scripts/theme-check";
import { BLOCK_JS_SOURCE, minifyBlockJs } from "../../scripts/build-storefront-js";

const read = (rel: string) => readFileSync(join(EXTENSION_DIR, rel), "utf8");
const block = read("blocks/recommendations.liquid");

interface Setting {
  type: string;
  id: string;
  label: string;
  info?: string;
  default?: unknown;
  min?: number;
  max?: number;
  step?: number;
  options?: Array<{ value: string; label: string }>;
}
interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  javascript?: string;
  enabled_on?: { templates?: string[] };
  settings: Setting[];
}

export function blockSchema(source: string): BlockSchema {
  const m = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
  if (!m) throw new Error("blocks/recommendations.liquid has no {% schema %} tag");
  return JSON.parse(m[1]) as BlockSchema;
}

function lookup(obj: unknown, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function liquidFiles(): string[] {
  const out: string[] = [];
  for (const dir of ["blocks", "snippets"]) {
    for (const f of readdirSync(join(EXTENSION_DIR, dir))) if (f.endsWith(".liquid")) out.push(`${dir}/${f}`);
  }
  return out;
}

describe("theme-check", () => {
  const tmp = mkdtempSync(join(tmpdir(), "churnless-tc-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("passes on the extension with no errors", async () => {
    const { errors, offenses, files } = await runThemeCheck();
    if (offenses.length) console.log(offenses.map(formatOffense).join("\n"));
    expect(files).toBeGreaterThanOrEqual(5);
    expect(errors.map(formatOffense)).toEqual([]);
  });

  it("reports errors on a broken copy (the check really runs)", async () => {
    const copy = join(tmp, "ext");
    cpSync(EXTENSION_DIR, copy, { recursive: true });
    writeFileSync(
      join(copy, "snippets/churnless-recs-card.liquid"),
      `${readFileSync(join(copy, "snippets/churnless-recs-card.liquid"), "utf8")}{{ 'churnless.missing_key' | t }}<img src="{{ product.featured_image | image_url: width: 10 }}">`,
    );
    const { errors } = await runThemeCheck(copy);
    const checks = errors.map((o) => o.check).sort();
    expect(checks).toEqual(expect.arrayContaining(["ImgWidthAndHeight", "TranslationKeyExists"]));
  });
});

describe("the app block's schema", () => {
  const schema = blockSchema(block);
  const en = JSON.parse(read("locales/en.default.schema.json"));
  const fr = JSON.parse(read("locales/fr.schema.json"));
  const translate = (value: string, locale: unknown) =>
    value.startsWith("t:") ? lookup(locale, value.slice(2)) : value;

  it("is an app block for sections on the product, cart and home templates, with its assets", () => {
    expect(schema.target).toBe("section");
    expect(schema.enabled_on?.templates?.sort()).toEqual(["cart", "index", "product"]);
    expect(schema.javascript).toBe("recommendations.js");
    expect(schema.stylesheet).toBe("recommendations.css");
    for (const asset of [schema.javascript!, schema.stylesheet!])
      expect(existsSync(join(EXTENSION_DIR, "assets", asset))).toBe(true);
    const name = translate(schema.name, en);
    expect(typeof name).toBe("string");
    expect((name as string).length).toBeLessThanOrEqual(25);
  });

  it("has the merchant settings: heading, number of products, grid or carousel, show prices", () => {
    const byId = new Map(schema.settings.map((s) => [s.id, s]));
    expect(byId.size).toBe(schema.settings.length); // unique ids
    expect(byId.get("heading")?.type).toBe("text");
    const count = byId.get("products_count")!;
    expect(count.type).toBe("range");
    expect(count.min).toBeGreaterThanOrEqual(1);
    expect(count.max).toBeLessThanOrEqual(24); // the proxy's MAX_LIMIT
    expect(Number(count.default)).toBeGreaterThanOrEqual(count.min!);
    expect(Number(count.default)).toBeLessThanOrEqual(count.max!);
    expect((count.max! - count.min!) / count.step! + 1).toBeLessThanOrEqual(101); // Shopify's range limit
    // It says how it relates to the app's own setting (the admin's Settings page says so too): this one
    // governs the storefront, up to the products the app keeps per customer.
    expect(translate(count.info!, en)).toMatch(/governs .*“Recommendations kept per customer”/);
    const layout = byId.get("layout")!;
    expect(layout.type).toBe("select");
    expect(layout.options!.map((o) => o.value)).toEqual(["grid", "carousel"]);
    expect(layout.options!.map((o) => o.value)).toContain(layout.default);
    expect(byId.get("show_price")).toMatchObject({ type: "checkbox", default: true });
  });

  it("translates every label in every schema locale", () => {
    const keys: string[] = [schema.name];
    for (const s of schema.settings) {
      keys.push(s.label);
      if (s.info) keys.push(s.info);
      for (const o of s.options ?? []) keys.push(o.label);
    }
    for (const key of keys) {
      expect(key.startsWith("t:"), key).toBe(true);
      expect(typeof translate(key, en), `${key} in en.default.schema.json`).toBe("string");
      expect(typeof translate(key, fr), `${key} in fr.schema.json`).toBe("string");
    }
  });
});

describe("storefront strings, script and markup", () => {
  it("has every `| t` key in en.default.json and fr.json", () => {
    const en = JSON.parse(read("locales/en.default.json"));
    const fr = JSON.parse(read("locales/fr.json"));
    const keys = new Set<string>();
    for (const f of liquidFiles()) for (const m of read(f).matchAll(/'([a-z0-9_.]+)'\s*\|\s*t\b/g)) keys.add(m[1]);
    expect(keys.size).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      expect(typeof lookup(en, key), `${key} in en.default.json`).toBe("string");
      expect(typeof lookup(fr, key), `${key} in fr.json`).toBe("string");
    }
  });

  it("keeps the script under Theme Check's 10,000 bytes, plain (no modules, no framework, no console) and parseable", () => {
    const file = join(EXTENSION_DIR, "assets/recommendations.js");
    const size = statSync(file).size;
    console.log(`assets/recommendations.js: ${size} bytes`);
    expect(size).toBeLessThan(10_000);
    // The shipped file is today's readable source, minified (npm run build:storefront-js).
    expect(readFileSync(file, "utf8")).toBe(minifyBlockJs(readFileSync(BLOCK_JS_SOURCE, "utf8")));
    const src = readFileSync(BLOCK_JS_SOURCE, "utf8");
    expect(() => new Script(src)).not.toThrow();
    expect(src).not.toMatch(/\bimport\b|\brequire\(|console\./);
    expect(src).toMatch(/customElements\.define\(["']churnless-recommendations["']/);
    expect(src).toMatch(/disconnectedCallback/);
  });

  it("marks up an accessible, space-reserving block", () => {
    expect(block).toMatch(/<section[^>]+aria-labelledby="\{\{ heading_id \}\}"/);
    expect(block).toMatch(/<h2 id="\{\{ heading_id \}\}"/);
    expect(block).toMatch(/<ul[^>]+role="list"/);
    // Carousel buttons have accessible names and point at the list.
    for (const m of block.matchAll(/<button[\s\S]*?>/g)) {
      expect(m[0]).toMatch(/aria-label="\{\{ 'churnless\.recommendations\.(previous|next)' \| t \| escape \}\}"/);
      expect(m[0]).toMatch(/aria-controls="\{\{ list_id \}\}"/);
      expect(m[0]).toMatch(/type="button"/);
    }
    // Placeholders of the final card size are rendered until products arrive.
    expect(block).toMatch(/churnless-recs__item--placeholder" aria-hidden="true"/);
    const css = read("assets/recommendations.css");
    expect(css).toMatch(/\.churnless-recs__media\s*\{[^}]*aspect-ratio:\s*1 \/ 1/);
    expect(css).toMatch(/\.churnless-recs__title\s*\{[^}]*min-height/);
    // Server-rendered images: sized, lazy.
    const card = read("snippets/churnless-recs-card.liquid");
    expect(card).toMatch(/image_url: width: 360/);
    expect(card).toMatch(/loading: 'lazy'/);
    expect(card).toMatch(/height: image_height/);
    expect(card).toMatch(/product\.price \| money/);
    // Logged-in shoppers: the app-owned customer metafield, through the reserved-prefix bracket form
    // (`customer.metafields.app` does not resolve `$app` and would silently render nothing).
    expect(block).toContain("customer.metafields['$app'].recommended_products.value");
    expect(block).not.toMatch(/metafields\.app\./);
  });
});
