/**
 * The dashboard's "How far to trust the predictions" card shows what the analysis'
 * backtest recorded: AUC against recency, ECE and the calibration curve; and the KPI cards show the
 * predicted churn rate's range and what value at risk counts. The route's component is rendered to HTML
 * on the data getDashboard reads from a real database (the loader's answer, through JSON).
 */
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDashboard, type Dashboard as DashboardData } from "../../../app/routes/app._index/data.server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { seedScores, SHOP } from "../../helpers/app-fixtures";

let loaderData: unknown = null;
vi.mock("@remix-run/react", () => ({
  useLoaderData: () => loaderData,
  useRevalidator: () => ({ state: "idle", revalidate: () => undefined }),
  useFetcher: () => ({ state: "idle", submit: () => undefined }),
  Link: ({ to, children }: { to: string; children: ReactNode }) => createElement("a", { href: to }, children),
}));
vi.mock("../../../app/db.server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../app/db.server")>()),
  default: {},
}));
vi.mock("../../../app/shopify.server", () => ({ requireAdmin: async () => ({ shop: SHOP }) }));

const { default: Dashboard } = await import("../../../app/routes/app._index/route");

function render(data: DashboardData): string {
  loaderData = JSON.parse(JSON.stringify(data));
  return renderToString(createElement(AppProvider, { i18n: en }, createElement(Dashboard)));
}

describe("dashboard trust card", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await seedScores(t.db, SHOP);
    await t.db.analysis.create({
      data: {
        shop: SHOP,
        asOf: new Date("2026-11-01"),
        horizonDays: 90,
        model: "bgnbd+logistic",
        backtestJson: JSON.stringify({
          auc: 0.78,
          recencyAuc: 0.77,
          customers: 5,
          brier: 0.1,
          meanPredicted: 0.4,
          observedChurn: 0.42,
          ece: 0.042,
          calibration: [
            { from: 0, to: 0.1, customers: 0, meanPredicted: null, observed: null },
            { from: 0.1, to: 0.2, customers: 2, meanPredicted: 0.15, observed: 0 },
            { from: 0.8, to: 0.9, customers: 3, meanPredicted: 0.85, observed: 2 / 3 },
          ],
        }),
        metricsJson: JSON.stringify({ predictedChurnRateLow: 0.31, predictedChurnRateHigh: 0.52 }),
      },
    });
  });
  afterAll(async () => t?.cleanup());

  it("shows the backtest's AUC, ECE and calibration curve, the churn-rate range and the value-at-risk definition", async () => {
    const html = render(await getDashboard(t.db, SHOP));
    const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("How far to trust the predictions");
    expect(html).toMatch(/data-testid="backtest-auc">0\.78</);
    expect(html).toMatch(/data-testid="backtest-ece">4\.2</);
    expect(text).toMatch(/ECE \(expected calibration error\)/);
    // One curve row per bin with customers: the band, customers, mean predicted, what happened.
    const curve = html.slice(html.indexOf('data-testid="calibration-curve"'));
    const curveText = curve.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(curveText).toMatch(/10–20% 2 15(\.0)?% 0(\.0)?%/);
    expect(curveText).toMatch(/80–90% 3 85(\.0)?% 66\.7%/);
    expect(curveText).not.toMatch(/0–10%/);
    expect(text).toContain("About 90% range: 31.0% to 52.0%");
    expect(text).toMatch(/chance they are gone × what they would spend in the next 12 months if still active/);
  });
});
