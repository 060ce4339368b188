/**
 * Finds every `#graphql` document of the app: template literals that start with `#graphql` in
 * app/**\/*.ts(x). `${NAME}` inside a document is resolved from a string constant of the same file
 * (`const NAME = "..."` or a template without interpolation); anything else is reported as unresolved,
 * so every document the app sends can be validated against the pinned schema (test/shopify/documents.test.ts).
 * Tooling only (reads files); the app never calls it at run time.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export interface FoundDocument {
  file: string;
  line: number;
  /** The document text with `${...}` resolved (unresolved ones are left as written). */
  source: string;
  /** Interpolations that could not be resolved from the same file. */
  unresolved: string[];
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFiles(path, out);
    else if (/\.(ts|tsx)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path);
  }
  return out;
}

interface Template {
  start: number;
  parts: string[];
  expressions: string[];
}

/** Reads the template literal whose opening backtick is at `start`; returns it and where it ends. */
function readTemplate(text: string, start: number): { template: Template; end: number } | null {
  const parts: string[] = [];
  const expressions: string[] = [];
  let current = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") {
      current += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === "`") {
      parts.push(current);
      return { template: { start, parts, expressions }, end: i + 1 };
    }
    if (ch === "$" && text[i + 1] === "{") {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}") depth--;
        j++;
      }
      parts.push(current);
      current = "";
      expressions.push(text.slice(i + 2, j - 1).trim());
      i = j;
      continue;
    }
    current += ch;
    i++;
  }
  return null;
}

/** String constants of a file: `const NAME = "..."`, `'...'` or a template without `${}`. */
function constantsOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const re =
    /\bconst\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(`(?:[^`\\$]|\\.|\$(?!\{))*`|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) map.set(m[1], m[2].slice(1, -1));
  return map;
}

export function documentsInText(text: string, file = "<text>"): FoundDocument[] {
  const constants = constantsOf(text);
  const found: FoundDocument[] = [];
  const re = /`\s*#graphql\s/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const read = readTemplate(text, m.index);
    if (!read) continue;
    const { template } = read;
    let source = template.parts[0];
    const unresolved: string[] = [];
    template.expressions.forEach((expr, k) => {
      const value = constants.get(expr);
      if (value === undefined) {
        unresolved.push(expr);
        source += "${" + expr + "}";
      } else source += value;
      source += template.parts[k + 1];
    });
    found.push({ file, line: text.slice(0, m.index).split("\n").length, source, unresolved });
    re.lastIndex = read.end;
  }
  return found;
}

/** Every `#graphql` document under `root` (default: the app directory of the current project). */
export function findGraphqlDocuments(root = join(process.cwd(), "app")): FoundDocument[] {
  const base = join(root, "..");
  return listFiles(root).flatMap((path) => documentsInText(readFileSync(path, "utf8"), relative(base, path)));
}
