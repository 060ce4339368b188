/**
 * Bulk mutations under Shopify's staged-upload cap (100 MB since 2026-01): the stand-in is given a tiny cap,
 * so a bulk publish must split its variables into several files and operations. It ends with exactly the
 * desired tags, and a publish killed between two files is finished by the next one, as the one-file path is
 * (test/integration/publish/crash-resume.test.ts).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { splitJsonl } from "../../../app/shopify/tag-writer.server";
import { desiredTags, isAppTag, tagKey } from "../../../app/shopify/tags";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { adminFor, buildFixture, cloneData, insertScores, type Fixture } from "./fixture";

const SETTINGS = { tagPrefix: "churnless", tagSegments: true, tagRisk: true, tagClusters: true };
const CAP = 1500; // bytes per staged file: a few dozen tagsAdd lines

function settled(fx: Fixture, c: { id: string; tags: string[] }): boolean {
  const s = fx.scores.find((x) => x.customerId === c.id);
  const want = s ? desiredTags(s, SETTINGS).map(tagKey).sort() : [];
  return (
    JSON.stringify(
      c.tags
        .filter((x) => isAppTag(x, "churnless"))
        .map(tagKey)
        .sort(),
    ) === JSON.stringify(want)
  );
}

function expectExactTags(standin: Standin, fx: Fixture): void {
  for (const c of standin.state(fx.data.shop).data.customers) {
    expect(
      c.tags.filter((x) => !isAppTag(x, "churnless")),
      c.id,
    ).toEqual(fx.merchantTags.get(c.id));
    expect(settled(fx, c), `${c.id}: ${c.tags.join(", ")}`).toBe(true);
    expect(new Set(c.tags.map(tagKey)).size, `${c.id} has a doubled tag`).toBe(c.tags.length);
  }
}

/** The staged files the stand-in received, by size. */
function uploads(standin: Standin, shop: string): number[] {
  return [...standin.state(shop).stagedUploads.values()].filter((u) => u.content).map((u) => u.content!.length);
}

describe("splitJsonl", () => {
  it("keeps every file under the cap, in order, one object a line", () => {
    const vars = Array.from({ length: 100 }, (_, i) => ({
      id: `gid://shopify/Customer/${i}`,
      tags: [`t${"x".repeat(i % 17)}`],
    }));
    const parts = splitJsonl(vars, 400);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(Buffer.byteLength(p.jsonl)).toBeLessThanOrEqual(400);
    expect(
      parts.flatMap((p) =>
        p.jsonl
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ),
    ).toEqual(vars);
    expect(parts.map((p) => p.offset)).toEqual(parts.map((_, i) => parts.slice(0, i).reduce((n, q) => n + q.count, 0)));
    expect(() => splitJsonl([{ id: "x".repeat(500) }], 400)).toThrow(/larger than the 400-byte upload cap/);
  });
});

describe("a bulk publish larger than the upload cap", () => {
  let standin: Standin | undefined;
  let t: TestDb | undefined;
  afterEach(async () => {
    await standin?.close();
    await t?.cleanup();
    standin = undefined;
    t = undefined;
  });

  it("runs as several files and operations and ends with exactly the desired tags", { timeout: 120_000 }, async () => {
    const fx = buildFixture({ customers: 60, seed: 41, staleShare: 0.4 });
    const shop = fx.data.shop;
    standin = await startStandin({
      shops: [cloneData(fx.data)],
      bucketSize: 20_000,
      restoreRate: 10_000,
      bulkMinMs: 30,
      maxStagedUploadBytes: CAP,
    });
    t = await createTestDb("sqlite");
    await insertScores(t.db, shop, fx.scores);
    const report = await runPublish(t.db, adminFor(standin, shop), shop, {
      preview: false,
      flow: false,
      metafields: false,
      segments: false,
      bulkThreshold: 5,
      bulk: { pollIntervalMs: 20, maxUploadBytes: CAP },
    });
    expect(report.path).toBe("bulk");
    const mutations = standin.state(shop).bulkOperations.filter((b) => b.type === "MUTATION");
    expect(mutations.length).toBeGreaterThanOrEqual(3);
    expect(report.bulkOperationIds).toEqual(mutations.map((m) => m.id));
    const sizes = uploads(standin, shop);
    expect(sizes.length).toBe(mutations.length);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(CAP);
    expect(mutations.every((m) => m.status === "COMPLETED")).toBe(true);
    expectExactTags(standin, fx);
  });

  it(
    "learns a cap lower than it assumed from the upload's refusal (EntityTooLarge) and still completes",
    { timeout: 120_000 },
    async () => {
      const fx = buildFixture({ customers: 60, seed: 42, staleShare: 0.4 });
      const shop = fx.data.shop;
      standin = await startStandin({
        shops: [cloneData(fx.data)],
        bucketSize: 20_000,
        restoreRate: 10_000,
        bulkMinMs: 30,
        maxStagedUploadBytes: CAP,
      });
      t = await createTestDb("sqlite");
      await insertScores(t.db, shop, fx.scores);
      // The app is not told the cap: its default is 100 MB.
      const report = await runPublish(t.db, adminFor(standin, shop), shop, {
        preview: false,
        flow: false,
        metafields: false,
        segments: false,
        bulkThreshold: 5,
        bulk: { pollIntervalMs: 20 },
      });
      expect(report.errorCount).toBe(0);
      const mutations = standin.state(shop).bulkOperations.filter((b) => b.type === "MUTATION");
      expect(mutations.length).toBeGreaterThanOrEqual(3);
      for (const m of mutations) {
        const staged = standin.state(shop).stagedUploads.get(m.stagedUploadPath!);
        expect(staged?.content?.length).toBeLessThanOrEqual(CAP);
      }
      expectExactTags(standin, fx);
    },
  );

  it(
    "a publish killed between two files is finished by the next one: no tag lost or doubled",
    { timeout: 150_000 },
    async () => {
      const fx = buildFixture({ customers: 60, seed: 43, staleShare: 0.4 });
      const shop = fx.data.shop;
      // Slow operations (1.5 s each) so the kill lands after the first file and before the last.
      standin = await startStandin({
        shops: [cloneData(fx.data)],
        bucketSize: 20_000,
        restoreRate: 10_000,
        bulkMinMs: 1500,
        maxStagedUploadBytes: CAP,
      });
      t = await createTestDb("sqlite");
      await insertScores(t.db, shop, fx.scores);
      let out = "";
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(process.cwd(), "test/integration/publish/crash-child.ts")],
        {
          env: {
            ...process.env,
            CRASH_DB_URL: t.url,
            CRASH_STANDIN_URL: standin.url,
            CRASH_SHOP: shop,
            CRASH_TOKEN: standin.tokenFor(shop),
            CRASH_BULK_THRESHOLD: "5",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      try {
        const completedMutations = () =>
          standin!.state(shop).bulkOperations.filter((b) => b.type === "MUTATION" && b.status === "COMPLETED").length;
        const deadline = Date.now() + 90_000;
        while (completedMutations() < 1 && child.exitCode === null) {
          if (Date.now() > deadline) throw new Error(`no bulk mutation completed (${out})`);
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(child.exitCode, out).toBeNull();
        child.kill("SIGKILL");
        await exited;
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      const crashed = await t.db.syncRun.findFirstOrThrow({ where: { shop, kind: "publish" } });
      expect(crashed.status).toBe("running");
      expect(await t.db.tagChange.count({ where: { shop, runId: crashed.id, status: "pending" } })).toBeGreaterThan(0);
      expect(standin.state(shop).data.customers.some((c) => !settled(fx, c))).toBe(true);

      const report = await runPublish(t.db, adminFor(standin, shop), shop, {
        preview: false,
        flow: false,
        metafields: false,
        segments: false,
        bulkThreshold: 5,
        bulk: { pollIntervalMs: 20, maxUploadBytes: CAP },
      });
      expect(report.resumed.runIds).toEqual([crashed.id]);
      expect(await t.db.tagChange.count({ where: { shop, status: "pending" } })).toBe(0);
      expectExactTags(standin, fx);
      for (const size of uploads(standin, shop)) expect(size).toBeLessThanOrEqual(CAP);
    },
  );
});
