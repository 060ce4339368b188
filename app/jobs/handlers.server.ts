/**
 * What a job does: its steps, in order, for one shop (sync -> analyze -> publish). Used by the
 * in-process runner and by the BullMQ worker alike, so both run exactly the same code.
 */
import type { Db } from "../db.server";
import { getShopSettings } from "../models/shop-settings.server";
import { hasOfflineSession } from "../models/sessions.server";
import { adminForShop } from "../shopify/admin.server";
import type { AdminGraphql } from "../shopify/types";
import { runAnalyze } from "./analyze.server";
import { stepsOf, type JobData } from "./kinds";
import { runPublish } from "./publish.server";
import { runSync } from "./sync.server";
import type { JobProgressListener, StepProgressOptions } from "./progress-reporter.server";
import { assertShopNotRedacted, enforceRedactions } from "../models/compliance.server";

export interface JobContext {
  db: Db;
  /** How to reach the shop's Admin API (default: its offline session). Tests inject the stand-in's client. */
  admin?: (shop: string) => Promise<AdminGraphql>;
  /** Called before each step; throwing stops the job (used for cancellation on uninstall). */
  beforeStep?: (step: string) => void | Promise<void>;
  /** Aborted when the job lost a lock it runs under (BullMQ's or the shop's): the job stops at once. */
  signal?: AbortSignal;
  /** Hears the job's progress as its steps work (the share of the whole job only grows, models/job-progress.ts). */
  onProgress?: JobProgressListener;
}

export interface JobOutcome {
  shop: string;
  steps: Array<{ step: string; ms: number; result: unknown }>;
}

export async function runJob(ctx: JobContext, data: JobData): Promise<JobOutcome> {
  const { db } = ctx;
  const outcome: JobOutcome = { shop: data.shop, steps: [] };
  // Before anything writes (getShopSettings creates the Shop row): a redacted shop is never re-created.
  await assertShopNotRedacted(db, data.shop);
  const settings = await getShopSettings(db, data.shop);
  if (settings.uninstalledAt) throw new Error(`${data.shop} has uninstalled the app; job ${data.kind} not run`);
  let admin: AdminGraphql | undefined;
  const getAdmin = async () =>
    (admin ??= await (
      ctx.admin ?? ((shop: string) => adminForShop(shop, { isInstalled: (s) => hasOfflineSession(db, s) }))
    )(data.shop));

  const steps = stepsOf(data.kind, data.only);
  let progress: StepProgressOptions = {};
  for (const [index, step] of steps.entries()) {
    progress = { place: { steps, index }, onProgress: ctx.onProgress };
    ctx.signal?.throwIfAborted();
    await ctx.beforeStep?.(step);
    const started = Date.now();
    let result: unknown;
    try {
      result = await runStep(step);
    } finally {
      // A redaction that arrived while the step ran wins: what the step wrote back for it is deleted
      // (after shop/redact, everything, and ShopRedactedError stops the job).
      await enforceRedactions(db, data.shop);
    }
    outcome.steps.push({ step, ms: Date.now() - started, result });
  }
  return outcome;

  async function runStep(step: ReturnType<typeof stepsOf>[number]): Promise<unknown> {
    let result: unknown;
    switch (step) {
      case "full-sync":
      case "delta-sync":
        result = await runSync(db, await getAdmin(), data.shop, {
          kind: step === "full-sync" ? "full" : "delta",
          progress,
        });
        break;
      case "analyze":
        result = await runAnalyze(db, data.shop, { signal: ctx.signal, progress });
        break;
      case "publish":
        // runPublish previews only while auto-tagging is off, unless the merchant forced this publish.
        result = await runPublish(db, await getAdmin(), data.shop, { force: data.force, signal: ctx.signal, progress });
        break;
      case "preview":
        result = await runPublish(db, await getAdmin(), data.shop, { preview: true, signal: ctx.signal, progress });
        break;
      case "remove-tags":
        result = await runPublish(db, await getAdmin(), data.shop, { removeAll: true, signal: ctx.signal, progress });
        break;
    }
    return result;
  }
}
