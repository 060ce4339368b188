import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { analyzeCommand, parseAnalyzeArgs } from "../../app/cli/analyze";
import { generateShop, toBulkJsonl } from "../helpers/generate-orders";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "churnless-cli-"));
const input = join(dir, "orders.jsonl");
const shop = generateShop({ customers: 300, seed: 11, end: new Date("2024-06-30T00:00:00Z") });
writeFileSync(input, toBulkJsonl(shop.orders));

describe("cli analyze", () => {
  it("writes customers.jsonl, recommendations.jsonl and summary.json through npm run cli", async () => {
    const out = join(dir, "out");
    const { stdout } = await run(
      "npm",
      [
        "run",
        "--silent",
        "cli",
        "--",
        "analyze",
        "--input",
        input,
        "--as-of",
        "2024-06-30",
        "--horizon-days",
        "60",
        "--out",
        out,
      ],
      { cwd: process.cwd(), timeout: 120_000 },
    );
    expect(stdout).toBe("");
    const customers = readFileSync(join(out, "customers.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const expected = new Set(
      shop.orders
        .filter(
          (o) =>
            o.customerId &&
            !o.test &&
            !o.cancelledAt &&
            !(o.refunded >= o.total) &&
            o.processedAt < new Date("2024-07-01T00:00:00Z"),
        )
        .map((o) => o.customerId),
    );
    expect(customers).toHaveLength(expected.size);
    for (const c of customers) {
      for (const key of [
        "customerId",
        "orders",
        "recencyDays",
        "monetary",
        "rfm",
        "rfmSegment",
        "cluster",
        "churnProbability",
        "pAlive",
        "expectedOrders",
        "clv12m",
        "nextOrderDate",
        "reasons",
      ]) {
        expect(c).toHaveProperty(key);
      }
      expect(c.churnProbability).toBeGreaterThanOrEqual(0);
      expect(c.churnProbability).toBeLessThanOrEqual(1);
      // The 80% predictive ranges (10th to 90th percentile of what the customer does) beside the
      // existing fields, which keep their meaning; the next-order date inside its range (all null =
      // unlikely to order again), and the first order's range given an order within the horizon.
      expect(c.clv12mLow).toBeLessThanOrEqual(c.clv12mHigh);
      expect(c.spendLow).toBeLessThanOrEqual(c.spendHigh);
      if (c.churnProbability >= 0.1) expect(c.spendLow).toBe(0);
      expect(c.nextOrderLow <= c.nextOrderHigh).toBe(true);
      expect(c.valueAtRisk).toBeGreaterThanOrEqual(0);
      expect(typeof c.pAliveKnown).toBe("boolean");
      if (c.nextOrderDate === null) {
        expect(c.nextOrderEarliest).toBeNull();
        expect(c.nextOrderLatest).toBeNull();
      } else {
        expect(c.nextOrderDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(c.nextOrderEarliest <= c.nextOrderDate && c.nextOrderDate <= c.nextOrderLatest).toBe(true);
        expect(c.nextOrderEarliest > "2024-06-30").toBe(true);
      }
      expect(Object.keys(c.rfm).sort()).toEqual(["f", "m", "r"]);
      expect(c.reasons.length).toBeGreaterThan(0);
    }
    const recs = readFileSync(join(out, "recommendations.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(recs).toHaveLength(customers.length);
    for (const r of recs) {
      expect(r.productIds).toHaveLength(10);
      expect(new Set(r.productIds).size).toBe(10);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.horizonDays).toBe(60);
    expect(summary.asOf).toBe("2024-06-30");
    expect(summary.customers).toBe(customers.length);
    expect(summary.metrics.customers).toBe(customers.length);
    // The shop's predicted churn rate (the customers' mean) with its range.
    const meanChurn =
      customers.reduce((a: number, c: { churnProbability: number }) => a + c.churnProbability, 0) / customers.length;
    expect(summary.metrics.predictedChurnRate).toBeCloseTo(meanChurn, 3);
    expect(summary.metrics.predictedChurnRateLow).toBeLessThan(summary.metrics.predictedChurnRate);
    expect(summary.metrics.predictedChurnRateHigh).toBeGreaterThan(summary.metrics.predictedChurnRate);
    expect(customers.some((c: { nextOrderDate: string | null }) => c.nextOrderDate !== null)).toBe(true);
    expect(summary.clusters.reduce((s: number, c: { size: number }) => s + c.size, 0)).toBe(customers.length);
    expect(summary.clusters[0].centroid).toHaveProperty("recencyDays");
    expect(["bgnbd+logistic", "bgnbd"]).toContain(summary.model);
    if (summary.bgnbd)
      expect(Object.keys(summary.bgnbd)).toEqual(expect.arrayContaining(["r", "alpha", "a", "b", "timeUnitDays"]));
    expect(summary.skipped.test).toBeGreaterThanOrEqual(0);
    expect(summary.skipped.guest).toBeGreaterThan(0);
    const clusterNames = new Set(summary.clusters.map((c: { name: string }) => c.name));
    for (const c of customers) expect(clusterNames.has(c.cluster)).toBe(true);
  }, 150_000);

  it("fails with one line on unreadable input and bad arguments", async () => {
    const missing = await run(
      "npm",
      [
        "run",
        "--silent",
        "cli",
        "--",
        "analyze",
        "--input",
        join(dir, "nope.jsonl"),
        "--as-of",
        "2024-06-30",
        "--horizon-days",
        "60",
        "--out",
        join(dir, "x"),
      ],
      {
        cwd: process.cwd(),
        timeout: 60_000,
      },
    ).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing).not.toBeNull();
    expect(missing!.code).not.toBe(0);
    expect(
      missing!.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("npm warn")),
    ).toHaveLength(1);
    expect(missing!.stderr).toMatch(/cannot read .*nope\.jsonl/);

    const garbage = join(dir, "garbage.jsonl");
    writeFileSync(garbage, 'this is not json\n{"foo": 1}\n');
    await expect(analyzeCommand(["--input", garbage, "--out", join(dir, "y")])).rejects.toThrow(/no orders found/);
    expect(() => parseAnalyzeArgs(["--input", input, "--as-of", "30/06/2024", "--out", dir])).toThrow(/YYYY-MM-DD/);
    expect(() => parseAnalyzeArgs(["--input", input, "--horizon-days", "0", "--out", dir])).toThrow(/positive/);
    expect(() => parseAnalyzeArgs(["--input", input])).toThrow(/--out is required/);
  }, 90_000);
});
