/**
 * Crash and resume: a publish runs in a child process (tsx) against the stand-in and a file database and is
 * killed with SIGKILL in the middle; the next publish finishes the journal and every customer ends with
 * exactly the desired tags: none lost, none doubled, merchant tags untouched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { desiredTags, isAppTag, tagKey } from "../../../app/shopify/tags";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { createTestDb, type TestDb } from "../../helpers/db";
import { adminFor, buildFixture, cloneData, insertScores } from "./fixture";

const SETTINGS = { tagPrefix: "churnless", tagSegments: true, tagRisk: true, tagClusters: true };

function startChild(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
} {
  let out = "";
  // node with tsx's loader (not the tsx binary, which runs the script in a grandchild that SIGKILL would miss).
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(process.cwd(), "test/integration/publish/crash-child.ts")],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("crash and resume", () => {
  let standin: Standin | undefined;
  let t: TestDb | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await standin?.close();
    await t?.cleanup();
  });

  for (const path of ["small", "bulk"] as const) {
    it(`a publish killed mid-run (${path} path) is finished by the next one: no tag lost or doubled`, async () => {
      const fx = buildFixture({ customers: 50, seed: path === "small" ? 31 : 32, staleShare: 0.4 });
      const shop = fx.data.shop;
      standin = await startStandin({
        shops: [cloneData(fx.data)],
        bucketSize: 20_000,
        restoreRate: 10_000,
        bulkMinMs: 1500,
      });
      t = await createTestDb("sqlite");
      await insertScores(t.db, shop, fx.scores);
      // Slow answers so the kill lands in the middle of the writes.
      standin.setFaults(shop, { slowMs: path === "small" ? 25 : 0 });
      const run = startChild({
        CRASH_DB_URL: t.url,
        CRASH_STANDIN_URL: standin.url,
        CRASH_SHOP: shop,
        CRASH_TOKEN: standin.tokenFor(shop),
        ...(path === "bulk" ? { CRASH_BULK_THRESHOLD: "5" } : {}),
      });
      child = run.child;
      const calls = (op: string) => standin!.calls(shop).filter((c) => c.operation === op).length;
      if (path === "small")
        await waitFor(
          () => calls("tagsAdd") >= 12 || run.child.exitCode !== null,
          90_000,
          `12 tagsAdd calls (${run.output()})`,
        );
      else
        await waitFor(
          () => calls("bulkOperationRunMutation") >= 1 || run.child.exitCode !== null,
          90_000,
          `a bulk mutation (${run.output()})`,
        );
      expect(run.child.exitCode, run.output()).toBeNull();
      run.child.kill("SIGKILL");
      await run.exited;

      // The crash left a running publish with pending journal rows.
      const crashed = await t.db.syncRun.findFirstOrThrow({ where: { shop, kind: "publish" } });
      expect(crashed.status).toBe("running");
      const pending = await t.db.tagChange.count({ where: { shop, runId: crashed.id, status: "pending" } });
      expect(pending).toBeGreaterThan(0);
      // Some customers are half-way: at least one still misses a desired tag.
      const scores = new Map(fx.scores.map((s) => [s.customerId, s]));
      const settled = (c: { id: string; tags: string[] }) => {
        const s = scores.get(c.id);
        const want = s ? desiredTags(s, SETTINGS).map(tagKey).sort() : [];
        return (
          JSON.stringify(
            c.tags
              .filter((x) => isAppTag(x, "churnless"))
              .map(tagKey)
              .sort(),
          ) === JSON.stringify(want)
        );
      };
      expect(standin.state(shop).data.customers.some((c) => !settled(c))).toBe(true);
      standin.setFaults(shop, { slowMs: 0 });

      const report = await runPublish(t.db, adminFor(standin, shop), shop, {
        preview: false,
        flow: false,
        metafields: false,
        segments: false,
        bulkThreshold: path === "bulk" ? 5 : undefined,
        bulk: { pollIntervalMs: 20 },
      });
      expect(report.resumed.runIds).toEqual([crashed.id]);
      expect(report.resumed.applied).toBeGreaterThan(0);
      expect(await t.db.tagChange.count({ where: { shop, status: "pending" } })).toBe(0);
      expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: crashed.id } })).status).toBe("failed");

      for (const c of standin.state(shop).data.customers) {
        expect(
          c.tags.filter((x) => !isAppTag(x, "churnless")),
          c.id,
        ).toEqual(fx.merchantTags.get(c.id));
        expect(settled(c), `${c.id}: ${c.tags.join(", ")}`).toBe(true);
        expect(new Set(c.tags.map(tagKey)).size, `${c.id} has a doubled tag`).toBe(c.tags.length);
      }
      // And a further run has nothing left to do.
      const again = await runPublish(t.db, adminFor(standin, shop), shop, {
        preview: false,
        flow: false,
        metafields: false,
        segments: false,
      });
      expect(again.tagsAdded + again.tagsRemoved).toBe(0);
    });
  }
});
