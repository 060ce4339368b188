import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  lomaxSilent,
  lomaxWait,
  matchChurn,
  nextOrderWindow,
  PEVER_MAX,
} from "../../../app/analytics/models/next-order";
import { parseEvalChurnArgs } from "../../../app/cli/eval-churn";
import { loadCdnowOrders } from "../../helpers/cdnow";
import { toBulkJsonl } from "../../helpers/generate-orders";

describe("next order from the purchase model", () => {
  it("reads the Lomax wait: P(ordered by t) = π · (1 − (rate / (rate + t))^shape)", () => {
    const wait = lomaxWait(0.8, 2, 100);
    // By the quantile at u a returning customer has ordered with probability u.
    for (const u of [0.1, 0.5, 0.9]) expect(1 - lomaxSilent(2, 100, wait.quantile(u))).toBeCloseTo(u, 10);
    const w = nextOrderWindow(wait, 0.3);
    // Even odds: π · G(t) = 0.5 → G(t) = 0.625.
    expect(w.central).toBe(Math.ceil(wait.quantile(0.5 / 0.8)));
    expect(w.earliest!).toBeLessThanOrEqual(w.central!);
    expect(w.latest!).toBeGreaterThanOrEqual(w.central!);
  });

  it("has no date when the customer is probably gone, and matches the churn probability it is given", () => {
    expect(nextOrderWindow(lomaxWait(0.4, 2, 100), 0.7)).toEqual({ central: null, earliest: null, latest: null });
    // π follows the churn over H with the model's timing: P(order within H) = 1 − churn.
    const { pEver, speed } = matchChurn(0.6, 1.5, 80, 60);
    expect(speed).toBe(1);
    expect(pEver * (1 - lomaxSilent(1.5, 80, 60))).toBeCloseTo(0.4, 10);
    // A churn below what even a surely active customer shows: π is capped and the clock runs faster.
    const fast = matchChurn(0.05, 0.5, 500, 30);
    expect(fast.pEver).toBe(PEVER_MAX);
    expect(fast.speed).toBeGreaterThan(1);
    expect(fast.pEver * (1 - lomaxSilent(0.5, 500, 30, fast.speed))).toBeCloseTo(0.95, 8);
  });

  it("keeps the rules for any customer: churn ≥ 0.9 never within 14 days, churn ≤ 0.2 always a date", () => {
    for (const H of [7, 14, 30, 90, 273]) {
      for (const shape of [0.2, 1, 5, 40]) {
        for (const rate of [5, 50, 500, 5000]) {
          for (const churn of [0.001, 0.05, 0.2, 0.5, 0.9, 0.95, 0.999]) {
            const { pEver, speed } = matchChurn(churn, shape, rate, H);
            const w = nextOrderWindow(lomaxWait(pEver, shape, rate, speed), churn);
            if (churn >= 0.9) expect(w.earliest === null || w.earliest > 14).toBe(true);
            if (churn <= 0.2) {
              expect(w.central).not.toBeNull();
              expect(w.central!).toBeLessThanOrEqual(Math.max(H, 1));
            }
          }
        }
      }
    }
  });
});

describe("npm run eval:churn", () => {
  it("checks its arguments", () => {
    expect(() => parseEvalChurnArgs(["--input", "x.jsonl"])).toThrow(/required/);
    expect(() => parseEvalChurnArgs(["--input", "x", "--as-of", "1997-13-01", "--horizon-days", "9"])).toThrow(
      /YYYY-MM-DD/,
    );
    expect(parseEvalChurnArgs(["--input", "x", "--as-of", "1997-09-30", "--horizon-days", "273"]).horizonDays).toBe(
      273,
    );
  });

  it("prints AUC (model, recency, BG/NBD), ECE, mean predicted vs observed, lift, rule breaks and pinned probabilities", async () => {
    const dir = mkdtempSync(join(tmpdir(), "churnless-eval-"));
    const input = join(dir, "cdnow.jsonl");
    writeFileSync(input, toBulkJsonl(loadCdnowOrders()));
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "eval:churn", "--", "--input", input, "--as-of", "1997-09-30", "--horizon-days", "273"],
      { cwd: process.cwd(), timeout: 180_000 },
    );
    expect(stdout).toMatch(/AUC\s+model 0\.\d{3}\s+recency 0\.77\d\s+BG\/NBD alone 0\.\d{3}/);
    expect(stdout).toMatch(/ECE \(10 bins\)\s+model 0\.0[0-4]\d/);
    expect(stdout).toMatch(/mean churn\s+predicted 0\.\d{3}\s+observed 0\.709/);
    expect(stdout).toMatch(/top-decile lift \d\.\d\d/);
    expect(stdout).toMatch(/rule breaks\s+0\s+pinned probabilities 0/);
    // The outcome must be in the file: an as-of too late is refused with a clear message.
    await expect(
      promisify(execFile)(
        "npm",
        ["run", "--silent", "eval:churn", "--", "--input", input, "--as-of", "1998-06-01", "--horizon-days", "273"],
        {
          cwd: process.cwd(),
          timeout: 180_000,
        },
      ),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/the outcome of the horizon is not in the file/) });
  }, 240_000);
});
