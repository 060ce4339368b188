/**
 * What a job does: its steps, in order, for one shop (sync -> analyze -> publish). Used by the
 * in-process runner and by the BullMQ worker alike, so both run exactly the same code.
 */
import type { Db } from "../../db.server";
import { getShopSettings } from "../../models/shop-settings.server";
import { shopUninstalledAt } from "../../models/shops.server";
import { hasOfflineSession } from "../../models/sessions.server";
import { adminForShop } from "../../shopify/admin.server";
import type { AdminGraphql } from "../../shopify/types";
import { runAnalyze } from "../analyze/run.server";
import { stepsOf, type JobData } from "./kinds";
import { runPublish } from "../publish/run.server";
import { runSync } from "../sync/run.server";
import type { JobProgressListener, StepProgressOptions } from "./progress-reporter.server";
import { assertShopNotRedacted, enforceRedactions, ShopRedactedError } from "../../models/compliance.server";

/** The shop uninstalled the app while the job ran (or before it started): it stops and is not retried. */
export class AppUninstalledError extends Error {
  constructor(
    readonly shop: string,
    readonly during?: string,
  ) {
    super(
      `Stopped${during ? ` during ${during}` : ""}: the app was uninstalled from ${shop}, so Shopify no longer accepts its access. Nothing more is read or written for the shop.`,
    );
    this.name = "AppUninstalledError";
  }
}

/** How often a running job checks whether its shop uninstalled the app (besides before every step). */
export const UNINSTALL_CHECK_MS = 5_000;

/** Whether the shop uninstalled the app (the app/uninstalled webhook marks the Shop row). */
async function uninstalled(db: Db, shop: string): Promise<boolean> {
  return (await shopUninstalledAt(db, shop)) !== null;
}

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
  /** How often the job checks for an uninstall while a step runs (default UNINSTALL_CHECK_MS). */
  uninstallCheckMs?: number;
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
  if (settings.uninstalledAt) throw new AppUninstalledError(data.shop);
  let admin: AdminGraphql | undefined;
  const getAdmin = async () =>
    (admin ??= await (
      ctx.admin ?? ((shop: string) => adminForShop(shop, { isInstalled: (s) => hasOfflineSession(db, s) }))
    )(data.shop));

  // The job's own signal: the caller's (a lost lock), or an uninstall seen while a step runs. Each step
  // checks it between pages, batches and writes; the uninstall is also checked before every step.
  const stop = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
  let current = "";
  let progress: StepProgressOptions = {};
  const watch = setInterval(() => {
    uninstalled(db, data.shop)
      .then((gone) => {
        if (gone && !stop.signal.aborted) stop.abort(new AppUninstalledError(data.shop, current));
      })
      .catch((error: unknown) =>
        console.error(`[jobs] ${data.shop}: checking for an uninstall: ${(error as Error)?.message ?? error}`),
      );
  }, ctx.uninstallCheckMs ?? UNINSTALL_CHECK_MS);
  watch.unref();
  try {
    const steps = stepsOf(data.kind, data.only);
    for (const [index, step] of steps.entries()) {
      progress = { place: { steps, index }, onProgress: ctx.onProgress };
      signal.throwIfAborted();
      if (await uninstalled(db, data.shop)) throw new AppUninstalledError(data.shop, `the ${step} step's start`);
      await ctx.beforeStep?.(step);
      current = `the ${step} step`;
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
  } catch (error) {
    // The step failed because the job was told to stop (its run says why): the job fails with that reason.
    if (stop.signal.aborted && !(error instanceof ShopRedactedError)) throw stop.signal.reason as Error;
    if (error instanceof AppUninstalledError) console.error(`[jobs] job ${data.kind}: ${error.message}`);
    throw error;
  } finally {
    clearInterval(watch);
  }
  return outcome;

  async function runStep(step: ReturnType<typeof stepsOf>[number]): Promise<unknown> {
    let result: unknown;
    switch (step) {
      case "full-sync":
      case "delta-sync":
        result = await runSync(db, await getAdmin(), data.shop, {
          kind: step === "full-sync" ? "full" : "delta",
          signal,
          progress,
        });
        break;
      case "analyze":
        result = await runAnalyze(db, data.shop, { signal, progress });
        break;
      case "publish":
        // runPublish previews only while auto-tagging is off, unless the merchant forced this publish.
        result = await runPublish(db, await getAdmin(), data.shop, { force: data.force, signal, progress });
        break;
      case "preview":
        result = await runPublish(db, await getAdmin(), data.shop, { preview: true, signal, progress });
        break;
      case "remove-tags":
        result = await runPublish(db, await getAdmin(), data.shop, { removeAll: true, signal, progress });
        break;
    }
    return result;
  }
}
