import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bgnbdExpectedNew,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  bgnbdProbNoPurchase,
  fitBgNbd,
  type RepeatSummary,
} from "../../../app/analytics/models/bgnbd";
import { fitGammaGamma, gammaGammaExpectedSpend } from "../../../app/analytics/models/gamma-gamma";
import { dayOf } from "../../../app/analytics/data/purchase-history";
import { customerFeatures } from "../../../app/analytics/data/features";
import { needSharedData } from "../../helpers/shared-data";
import { CDNOW_CALIBRATION_END, cdnowPaperHistories } from "../../helpers/cdnow";

const within = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual / expected - 1)).toBeLessThan(rel);

const asOfDay = dayOf(CDNOW_CALIBRATION_END);
// The paper's convention (every transaction, $0 ones too): see cdnowPaperHistories.
const histories = cdnowPaperHistories(CDNOW_CALIBRATION_END);
const features = histories.map((h) => customerFeatures(h, asOfDay));
const weeks: RepeatSummary[] = features.map((f) => ({ x: f.repeats, tx: f.spanDays / 7, T: f.tenureDays / 7 }));
const paper = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD on CDNOW (Fader, Hardie & Lee 2005)", () => {
  it("summarises the 2,357 customers as the paper does", () => {
    expect(features).toHaveLength(2357);
    expect(features.filter((f) => f.repeats > 0)).toHaveLength(946);
    const first = features.find((f) => f.customerId === "gid://shopify/Customer/1")!;
    expect(first.repeats).toBe(2);
    expect(first.spanDays / 7).toBeCloseTo(30.43, 2);
    expect(first.tenureDays / 7).toBeCloseTo(38.86, 2);
  });

  it("reproduces the published parameters within 1% and the log-likelihood", () => {
    const fit = fitBgNbd(weeks, 7);
    within(fit.r, paper.r, 0.01);
    within(fit.alpha, paper.alpha, 0.01);
    within(fit.a, paper.a, 0.01);
    within(fit.b, paper.b, 0.01);
    // CLVTools' independent fit: 0.2425945 / 4.4136019 / 0.7929199 / 2.4258881.
    within(fit.r, 0.2425945, 1e-3);
    within(fit.alpha, 4.4136019, 1e-3);
    within(fit.a, 0.7929199, 1e-3);
    within(fit.b, 2.4258881, 1e-3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(bgnbdLogLikelihood(paper, weeks)).toBeCloseTo(-9582.4, 0);
  });

  it("gives the same r, a, b in days with alpha 7 times the weekly one", () => {
    const days = features.map((f) => ({ x: f.repeats, tx: f.spanDays, T: f.tenureDays }));
    const fit = fitBgNbd(days, 1);
    within(fit.r, 0.2425945, 2e-3);
    within(fit.alpha, 7 * 4.4136019, 2e-3);
    within(fit.a, 0.7929199, 2e-3);
    within(fit.b, 2.4258881, 2e-3);
  });

  it("matches the lifetimes library's checks (published parameters)", () => {
    // lifetimes checks expected purchases with its own fit and P(0 purchases) with the published values.
    const p = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };
    expect(bgnbdExpectedPurchases(p, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    ts.forEach((t, i) => expect(bgnbdExpectedNew(p, t)).toBeCloseTo(expected[i], 3));
    expect(bgnbdProbNoPurchase(paper, 39, 0, 0, 0)).toBeCloseTo(0.5737864, 6);
    expect(bgnbdPAlive(p, 0, 0, 38.86)).toBe(1);
    // P(alive) by the closed form for customer 1.
    const manual = 1 / (1 + (p.a / (p.b + 1)) * ((p.alpha + 38.86) / (p.alpha + 30.43)) ** (p.r + 2));
    expect(bgnbdPAlive(p, 2, 30.43, 38.86)).toBeCloseTo(manual, 12);
  });

  it("predicts about 1,653 repeat purchase days in weeks 40-78 (1,882 observed)", () => {
    const p = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };
    let total = 0;
    for (const w of weeks) total += bgnbdExpectedPurchases(p, 39, w.x, w.tx, w.T);
    expect(total).toBeGreaterThan(1620);
    expect(total).toBeLessThan(1690);
  });
});

describe("Gamma-Gamma on CDNOW (Fader & Hardie 2013)", () => {
  const repeaters = features.filter((f) => f.repeats > 0).map((f) => ({ x: f.repeats, zbar: f.repeatMeanValue }));

  it("fits p 6.25, q 3.74, gamma 15.44 within 1% on the 946 repeat customers", () => {
    const positive = repeaters.filter((r) => r.zbar > 0);
    expect(positive.length).toBe(946);
    const fit = fitGammaGamma(positive);
    within(fit.p, 6.25, 0.01);
    within(fit.q, 3.74, 0.01);
    within(fit.gamma, 15.44, 0.01);
  });

  it("gives the published expected spends", () => {
    const p = { p: 6.25, q: 3.74, gamma: 15.44 };
    expect(gammaGammaExpectedSpend(p, 2, 22.35)).toBeCloseTo(24.65, 1);
  });

  const summaryNeed = needSharedData("agrees with the published summary file (x, zbar per customer)", [
    "cdnow/cdnow_customers_summary_with_transactions.csv",
  ]);
  const [summary] = summaryNeed.files;
  it.skipIf(summaryNeed.skip)(summaryNeed.title, () => {
    const lines = readFileSync(summary, "utf8").trim().split(/\r?\n/).slice(1);
    const rows = lines.map((l) => l.split(",").map(Number));
    const ours = new Map(features.map((f) => [Number(f.customerId.split("/").pop()), f]));
    for (const [id, x, , , zbar] of rows) {
      const f = ours.get(id)!;
      expect(f.repeats).toBe(x);
      if (x > 0) expect(f.repeatMeanValue).toBeCloseTo(zbar, 1);
    }
    const fit = fitGammaGamma(rows.filter((r) => r[1] > 0 && r[4] > 0).map((r) => ({ x: r[1], zbar: r[4] })));
    within(fit.p, 6.25, 0.01);
    within(fit.q, 3.74, 0.01);
    within(fit.gamma, 15.44, 0.01);
    const spends = rows.slice(0, 10).map(([, x, , , zbar]) => gammaGammaExpectedSpend(fit, x, zbar));
    [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17].forEach((v, i) =>
      expect(spends[i]).toBeCloseTo(v, 0),
    );
  });
});
