/**
 * One progress model for every job (app/models/job-progress.ts): the weights of steps and phases, a share
 * that only grows across steps, and a real job (sync, analysis, publish against the Shopify stand-in)
 * whose reported progress is monotone, moves inside every step, and is what the admin's view shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../app/jobs/runtime/handlers.server";
import type { JobProgressEvent } from "../../app/jobs/runtime/progress-reporter.server";
import {
  MonotoneShare,
  PHASES,
  STEP_WEIGHTS,
  jobShare,
  openEndedShare,
  shareOf,
  stepShare,
} from "../../app/models/job-progress";
import { getSyncOverview } from "../../app/routes/app.sync/sync-view.server";
import { createAdminClient } from "../../app/shopify/client.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { generateDemoShop } from "../../packages/shopify-standin/src/demo-shop";
import { startStandin, type Standin } from "../../packages/shopify-standin/src/server";

describe("the progress model", () => {
  it("each step's phases weigh 1 in all, in the order the steps run them", () => {
    for (const [kind, table] of Object.entries(PHASES)) {
      const sum = Object.values(table as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(sum, kind).toBeCloseTo(1, 10);
    }
    expect(stepShare(PHASES.analyze, "loading", 0)).toBe(0);
    expect(stepShare(PHASES.analyze, "scoring", 0)).toBeCloseTo(0.15);
    expect(stepShare(PHASES.analyze, "recommending", 0.5)).toBeCloseTo(0.15 + 0.35 + 0.15);
    expect(stepShare(PHASES.publish, "writing", 1)).toBeCloseTo(0.9);
    expect(stepShare(PHASES.publish, "done", 0)).toBe(1);
    expect(stepShare(PHASES.publish, "unknown phase", 0.7)).toBe(0);
  });

  it("a job's share is the steps before plus the running step's weighted part", () => {
    const steps = ["full-sync", "analyze", "publish"];
    const total = STEP_WEIGHTS["full-sync"] + STEP_WEIGHTS.analyze + STEP_WEIGHTS.publish;
    expect(jobShare({ steps, index: 0, stepShare: 0 })).toBe(0);
    expect(jobShare({ steps, index: 0, stepShare: 0.5 })).toBeCloseTo(3 / total);
    // The analysis starts where the sync ended: no fall back to 0.
    expect(jobShare({ steps, index: 1, stepShare: 0 })).toBeCloseTo(jobShare({ steps, index: 0, stepShare: 1 }));
    expect(jobShare({ steps, index: 2, stepShare: 1 })).toBe(1);
    expect(jobShare({ steps: ["preview"], index: 0, stepShare: 0.25 })).toBe(0.25);
    // Out of range values are clamped, never NaN.
    expect(jobShare({ steps, index: 7, stepShare: 2 })).toBe(1);
    expect(jobShare({ steps, index: 0, stepShare: Number.NaN })).toBe(0);
  });

  it("is monotone over every step and phase of a job, in order", () => {
    const steps = ["delta-sync", "analyze", "publish"] as const;
    const tables = [PHASES.delta, PHASES.analyze, PHASES.publish];
    let last = -1;
    steps.forEach((_, index) => {
      for (const phase of [...Object.keys(tables[index]), "done"])
        for (const share of [0, 0.1, 0.5, 0.9, 1]) {
          const s = jobShare({ steps, index, stepShare: stepShare(tables[index], phase, share) });
          expect(s).toBeGreaterThanOrEqual(last);
          last = s;
        }
    });
    expect(last).toBe(1);
  });

  it("open-ended work grows with every unit and never claims the end; shares of known totals clamp", () => {
    const values = [0, 1, 10, 1000, 1e6].map((n) => openEndedShare(n, 1000));
    expect(values[0]).toBe(0);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values.at(-1)).toBeLessThan(1);
    expect(openEndedShare(1000, 1000)).toBe(0.5);
    expect(shareOf(5, 10)).toBe(0.5);
    expect(shareOf(15, 10)).toBe(1);
    expect(shareOf(5, null)).toBe(0);
    const m = new MonotoneShare();
    expect([0.2, 0.1, 0.5, 0.4].map((x) => m.update(x))).toEqual([0.2, 0.2, 0.5, 0.5]);
  });
});

const SHOP = "progress-shop.myshopify.com";

describe("a real job's progress", () => {
  let standin: Standin;
  let t: TestDb;
  beforeAll(async () => {
    const data = generateDemoShop({ shop: SHOP, orders: 1200, seed: 11 });
    standin = await startStandin({ shops: [data], bulkMinMs: 300 });
    // PostgreSQL: the analysis thread reads the history through its own client.
    t = await createTestDb("postgres");
  });
  afterAll(async () => {
    await standin?.close();
    await t?.cleanup();
  });

  it(
    "a full sync, analysis and publish report a monotone share that moves during each step, as the admin shows it",
    { timeout: 240_000 },
    async () => {
      const admin = () =>
        createAdminClient({ shop: SHOP, accessToken: standin.tokenFor(SHOP), apiBaseUrl: standin.url });
      const events: JobProgressEvent[] = [];
      // The admin's view of the active run, read while the job runs (what the bars show).
      const shown: number[] = [];
      let running = true;
      const sampler = (async () => {
        while (running) {
          const active = (await getSyncOverview(t.db, SHOP)).active;
          if (active?.progress !== null && active?.progress !== undefined) shown.push(active.progress);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        await runJob(
          { db: t.db, admin: async () => admin(), onProgress: (e) => events.push(e) },
          { shop: SHOP, kind: "full-sync", force: true },
        );
      } finally {
        running = false;
        await sampler;
      }
      const shares = events.map((e) => e.jobShare);
      for (let i = 1; i < shares.length; i++) expect(shares[i], `event ${i}`).toBeGreaterThanOrEqual(shares[i - 1]);
      expect(shares.at(-1)).toBe(1);
      // Each step reports several distinct values strictly between its start and its end.
      for (const step of ["full-sync", "analyze", "publish"]) {
        const inside = new Set(
          events.filter((e) => e.step === step && e.stepShare > 0 && e.stepShare < 1).map((e) => e.stepShare),
        );
        expect(inside.size, `${step}: ${[...inside].join(", ")}`).toBeGreaterThanOrEqual(2);
      }
      // The phases the steps went through, each moving the bar.
      const phases = new Set(events.map((e) => `${e.step}:${e.phase}`));
      for (const p of ["full-sync:exporting", "full-sync:downloading", "analyze:recommending", "publish:writing"])
        expect(phases, p).toContain(p);
      // The view read from the database while the job ran: monotone, and it moved.
      expect(shown.length).toBeGreaterThan(3);
      for (let i = 1; i < shown.length; i++) expect(shown[i], `view sample ${i}`).toBeGreaterThanOrEqual(shown[i - 1]);
      expect(new Set(shown).size).toBeGreaterThan(3);
    },
  );
});
