/**
 * No silent catch: an error is handled, logged with context, or rethrown. This test parses every
 * TypeScript file of app/, scripts/ and test/ and refuses
 * - a `catch` whose block holds no statement (comments alone do not handle anything: ESLint's `no-empty`,
 *   set in eslint.config.js, refuses the truly empty block but lets a comment-only one through);
 * - `.catch(() => undefined)`, `.catch(() => null)`, `.catch(() => {})` and `.catch(() => void …)`:
 *   a promise's failure dropped without a word.
 * A catch that is genuinely the intended behaviour (best-effort cleanup after a failure already reported,
 * a probe whose failure means "not there") says so in a comment and leaves a trace: `console.warn` with
 * what failed, or an explicit fallback value that the caller acts on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const DIRS = ["app", "scripts", "test"];
const SKIP = new Set(["node_modules", ".tmp", "artifacts", "fixtures", "build"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** An arrow or function expression that swallows: `() => undefined | null | void x | {}` or an empty body. */
function swallows(fn: ts.Expression): boolean {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const body = fn.body;
  if (ts.isBlock(body)) return body.statements.length === 0;
  let e: ts.Expression = body;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return (
    (ts.isIdentifier(e) && e.text === "undefined") || e.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(e)
  );
}

/** `file:line what` for each silent catch in `text`. */
export function silentCatches(file: string, text: string): string[] {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isCatchClause(node) && node.block.statements.length === 0)
      found.push(`${at(node)} catch block without a statement`);
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "catch"
    ) {
      const handler = node.arguments[0];
      if (handler && swallows(handler)) found.push(`${at(node)} .catch(${handler.getText(sf)})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe("no silent catch", () => {
  it("recognises each silent form and lets handled ones through", () => {
    const probe = [
      "try { a(); } catch {}",
      "try { a(); } catch (e) {\n  // ignored\n}",
      "p.catch(() => undefined);",
      "p.catch(() => null);",
      "p.catch(() => {});",
      "p.catch((_e) => void 0);",
      "p.catch(function () {});",
      "try { a(); } catch (e) { console.warn('a failed', e); }",
      "try { a(); } catch { return false; }",
      "p.catch((e) => console.warn('p failed', e));",
      "p.catch(() => fallback);",
    ].join("\n");
    expect(silentCatches("probe.ts", probe).map((f) => Number(f.split(":")[1].split(" ")[0]))).toEqual([
      1, 2, 5, 6, 7, 8, 9,
    ]);
  });

  it("app/, scripts/ and test/ have none", () => {
    const unexpected: string[] = [];
    for (const dir of DIRS) {
      for (const path of sourceFiles(join(ROOT, dir))) {
        unexpected.push(...silentCatches(relative(ROOT, path), readFileSync(path, "utf8")));
      }
    }
    expect(unexpected, `silent catches: handle, log with context, or rethrow\n${unexpected.join("\n")}`).toEqual([]);
  });
});
