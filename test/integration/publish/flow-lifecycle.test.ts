/**
 * Flow triggers fire only while a workflow uses them. The stand-in plays Shopify Flow: a merchant turning a
 * workflow on or off sends the trigger lifecycle callback (signed JSON, shopify.dev "Track Flow lifecycle
 * events") over HTTP to the app's /flow/lifecycle route, and a workflow can be turned on only when the app
 * answers 2xx. A publish then sends flowTriggerReceive for triggers in use, and skips and counts the others;
 * the stand-in records any trigger received with no workflow to run.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublish } from "../../../app/jobs/publish/run.server";
import { flowTriggersInUse } from "../../../app/models/flow-triggers.server";
import { updateShopSettings } from "../../../app/models/shop-settings.server";
import {
  FLOW_DUE_REORDER,
  FLOW_RISK_CHANGED,
  FLOW_SEGMENT_CHANGED,
  FLOW_TRIGGERS,
} from "../../../app/shopify/flow.server";
import { startStandin, type Standin } from "../../../packages/shopify-standin/src/server";
import { APP_URL, callRoute, withShopifyAppEnv } from "../../helpers/shopify-app";
import { adminFor, buildFixture, cloneData, insertScores } from "./fixture";

const SECRET = "flow-lifecycle-secret";
const fx = buildFixture({ customers: 30, seed: 28, unscoredShare: 0 });
const SHOP = fx.data.shop;

const t = withShopifyAppEnv({
  secret: SECRET,
  seed: async (t) => {
    await t.db.session.create({
      data: {
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "",
        isOnline: false,
        accessToken: "shpat_placeholder",
        scope: "read_customers,write_customers",
      },
    });
    await insertScores(t.db, SHOP, fx.scores);
    await updateShopSettings(t.db, SHOP, { autoTag: true });
  },
});
let standin: Standin;
let app: Server;

/** The app's /flow/lifecycle route behind a real HTTP server, where the stand-in's Flow posts. */
async function serveLifecycleRoute(): Promise<string> {
  const { action } = await import("../../../app/routes/flow.lifecycle");
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`${APP_URL}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      const answer = (await callRoute(action, request)) as Response;
      res.writeHead(answer.status, { "Content-Type": answer.headers.get("Content-Type") ?? "text/plain" });
      res.end(await answer.text());
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const address = app.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  const base = await serveLifecycleRoute();
  standin = await startStandin({
    shops: [cloneData(fx.data)],
    webhookSecret: SECRET,
    flowLifecycleUrl: `${base}/flow/lifecycle`,
    flowTriggerHandles: FLOW_TRIGGERS.map((x) => x.handle),
    bucketSize: 20_000,
    restoreRate: 10_000,
  });
});
afterAll(async () => {
  await standin?.close();
  await new Promise((r) => app?.close(r));
});

/** Moves every scored customer to another band and segment, so each would fire both triggers. */
async function changeEveryone() {
  for (const s of await t().db.customerScore.findMany({ where: { shop: SHOP } })) {
    await t().db.customerScore.update({
      where: { shop_customerId: { shop: SHOP, customerId: s.customerId } },
      data: {
        riskBand: s.riskBand === "high" ? "low" : "high",
        rfmSegment: s.rfmSegment === "champions" ? "loyal" : "champions",
      },
    });
  }
}

describe("Flow trigger lifecycle", () => {
  it("a forged callback is refused and the workflow stays off; a genuine one is stored and lets the merchant enable it", async () => {
    const forged = await standin.flow.setWorkflow(SHOP, FLOW_RISK_CHANGED, true, { forged: true });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.enabled).toBe(false);
    expect(await flowTriggersInUse(t().db, SHOP)).toEqual([]);

    const ok = await standin.flow.setWorkflow(SHOP, FLOW_RISK_CHANGED, true);
    expect(ok.status).toBe(200);
    expect(ok.enabled).toBe(true);
    expect(await flowTriggersInUse(t().db, SHOP)).toEqual([FLOW_RISK_CHANGED]);
  });

  it("the first publish sends nothing (no previous bands); then only the trigger in use fires, the others are skipped and counted", async () => {
    await runPublish(t().db, adminFor(standin, SHOP), SHOP);
    await changeEveryone();
    const scored = fx.scores.length;
    const from = standin.state(SHOP).flowTriggers.length;
    const report = await runPublish(t().db, adminFor(standin, SHOP), SHOP);

    const sent = standin.state(SHOP).flowTriggers.slice(from);
    expect(sent.map((x) => x.handle)).toEqual(Array(scored).fill(FLOW_RISK_CHANGED));
    expect(report.flow).toMatchObject({
      riskChanged: scored,
      segmentChanged: 0,
      errors: [],
      inUse: [FLOW_RISK_CHANGED],
      skipped: { [FLOW_SEGMENT_CHANGED]: scored },
    });
    // Every trigger the app sent started a workflow: none was sent for nothing.
    expect(standin.flow.unused(SHOP)).toEqual([]);
    expect(standin.flow.receipts.filter((r) => r.shop === SHOP)).toHaveLength(scored);
  });

  it("turning the workflow off stops the trigger; the next publish sends no Flow call at all", async () => {
    const off = await standin.flow.setWorkflow(SHOP, FLOW_RISK_CHANGED, false);
    expect(off.status).toBe(200);
    expect(await flowTriggersInUse(t().db, SHOP)).toEqual([]);
    await changeEveryone();
    const from = standin.state(SHOP).flowTriggers.length;
    const report = await runPublish(t().db, adminFor(standin, SHOP), SHOP);
    expect(standin.state(SHOP).flowTriggers.slice(from)).toEqual([]);
    expect(report.flow).toMatchObject({
      riskChanged: 0,
      segmentChanged: 0,
      skipped: { [FLOW_RISK_CHANGED]: fx.scores.length, [FLOW_SEGMENT_CHANGED]: fx.scores.length },
    });
    expect(standin.flow.unused(SHOP)).toEqual([]);
  });

  it("a callback older than the stored one is ignored (Flow does not promise order); the trigger's title names it too", async () => {
    const now = Date.now();
    await standin.flow.setWorkflow(SHOP, FLOW_SEGMENT_CHANGED, true, { timestamp: new Date(now).toISOString() });
    const late = await standin.flow.setWorkflow(SHOP, FLOW_SEGMENT_CHANGED, false, {
      timestamp: new Date(now - 60_000).toISOString(),
    });
    expect(late.status).toBe(200);
    expect(JSON.parse(late.body)).toMatchObject({ stored: false });
    expect(await flowTriggersInUse(t().db, SHOP)).toEqual([FLOW_SEGMENT_CHANGED]);

    const byTitle = await standin.flow.setWorkflow(SHOP, FLOW_DUE_REORDER, true, {
      definitionId: "Customer due to reorder",
    });
    expect(JSON.parse(byTitle.body)).toMatchObject({ trigger: FLOW_DUE_REORDER, stored: true });
    expect(await flowTriggersInUse(t().db, SHOP)).toEqual([FLOW_DUE_REORDER, FLOW_SEGMENT_CHANGED]);
  });

  it("a callback for a shop without the app installed is refused: the merchant cannot enable the workflow", async () => {
    const other = "not-installed.myshopify.com";
    standin.addShop({ ...cloneData(fx.data, other) });
    const r = await standin.flow.setWorkflow(other, FLOW_RISK_CHANGED, true);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.enabled).toBe(false);
    expect(await flowTriggersInUse(t().db, other)).toEqual([]);
  });

  it("the trigger names in flow.server.ts are the extensions' names", async () => {
    const { readFileSync } = await import("node:fs");
    for (const trigger of FLOW_TRIGGERS) {
      const toml = readFileSync(
        `extensions/${trigger.handle.replace(/^churnless-/, "churnless-flow-")}/shopify.extension.toml`,
        "utf8",
      );
      expect(toml).toContain(`handle = "${trigger.handle}"`);
      expect(toml).toContain(`name = "${trigger.name}"`);
    }
  });
});

describe("requests that are not Flow's", () => {
  it("a GET is refused and a body without the documented fields gets a 400 naming them", async () => {
    const { action } = await import("../../../app/routes/flow.lifecycle");
    const get = (await callRoute(action, new Request(`${APP_URL}/flow/lifecycle`))) as Response;
    expect(get.status).toBe(405);
    const { createHmac } = await import("node:crypto");
    const body = JSON.stringify({ shopify_domain: SHOP, has_enabled_flow: "yes" });
    const signed = new Request(`${APP_URL}/flow/lifecycle`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-SHA256": createHmac("sha256", SECRET).update(body).digest("base64"),
      },
    });
    const bad = (await callRoute(action, signed)) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/flow_trigger_definition_id.*has_enabled_flow.*timestamp/);
  });
});
