/**
 * The "Prediction quality" table of docs/numbers.md says what `npm run eval:churn` prints now: each single-shop row
 * is recomputed (CDNOW sample always; the seed-14 shops drawn from the full CDNOW file when ../shared is
 * there) and compared figure by figure, at the precision the table shows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateChurn, type ChurnEvaluation } from "../../../app/analytics/evaluation/evaluate-churn";
import type { OrderInput } from "../../../app/analytics/types";
import { needSharedData } from "../../helpers/shared-data";
import { cdnowShop, loadCdnowOrders } from "../../helpers/cdnow";

const AS_OF = new Date("1997-09-30T00:00:00Z");
const H = 273;
const readme = readFileSync(join(process.cwd(), "docs/numbers.md"), "utf8");
const section = readme.slice(
  readme.indexOf("## Prediction quality"),
  readme.indexOf("\n## ", readme.indexOf("## Prediction quality") + 5),
);

/** The table row whose first cell starts with `label`, as its cells. */
function row(label: string): string[] {
  const line = section.split("\n").find((l) => l.startsWith(`| ${label}`));
  if (!line) throw new Error(`docs/numbers.md Prediction quality: no row "${label}"`);
  return line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());
}

function expectRow(label: string, e: ChurnEvaluation) {
  const [name, model, aucs, eces, means, lift, breaks, pinned] = row(label);
  expect(name).toContain(e.customers.toLocaleString("en-US"));
  expect(model.startsWith(e.model)).toBe(true);
  const f3 = (v: number) => v.toFixed(3);
  expect(aucs).toBe(`${f3(e.auc)} / ${f3(e.aucRecency)} / ${f3(e.aucBgNbd)}`);
  expect(eces).toBe(`${f3(e.ece)} / ${f3(e.eceBgNbd)}`);
  expect(means).toBe(`${f3(e.meanPredicted)} / ${f3(e.observedChurn)}`);
  expect(lift).toBe(e.topDecileLift.toFixed(2));
  expect(Number(breaks)).toBe(e.ruleBreaks);
  expect(Number(pinned)).toBe(e.pinned);
}

describe("docs/numbers.md Prediction quality table", () => {
  it("CDNOW sample row: what eval:churn prints at 1997-09-30, 273 days", () => {
    expectRow("CDNOW sample", evaluateChurn(loadCdnowOrders(), AS_OF, H).evaluation);
  }, 60_000);

  const need = needSharedData("Prediction quality rows of the seed-14 shops drawn from the full CDNOW file", [
    "cdnow/CDNOW_master.txt",
  ]);
  it.skipIf(need.skip)(
    need.title,
    () => {
      for (const size of [200, 50]) {
        const orders: OrderInput[] = cdnowShop(size, 14, need.files[0]);
        expectRow(`${size}-customer shop (seed 14)`, evaluateChurn(orders, AS_OF, H).evaluation);
      }
    },
    60_000,
  );
});
