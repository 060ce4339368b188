/**
 * Requests as Shopify sends them, written from Shopify's documentation and independent of the app (nothing
 * here imports app/ code):
 * - webhooks (shopify.dev "Verify webhook deliveries", "HTTPS delivery"): a JSON POST whose raw body is
 *   signed with HMAC-SHA256 keyed with the app's client secret, base64 in X-Shopify-Hmac-Sha256, with
 *   X-Shopify-Topic, X-Shopify-Shop-Domain, X-Shopify-Webhook-Id (the same on every retry),
 *   X-Shopify-API-Version, X-Shopify-Triggered-At and X-Shopify-Event-Id;
 * - Flow trigger lifecycle callbacks (shopify.dev "Track Flow lifecycle events"): a JSON POST with
 *   flow_trigger_definition_id, has_enabled_flow, shop_id, shopify_domain and timestamp, signed the same way
 *   (X-Shopify-Hmac-SHA256 over the raw body with the client secret);
 * - app proxy requests: test/helpers/app-proxy.ts (sorted `key=value` strings, hex HMAC-SHA256).
 */
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";

export const API_VERSION = "2026-07";

/** base64 HMAC-SHA256 of the raw body bytes with the app's secret. */
export function bodyHmac(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookOptions {
  topic: string;
  /** The X-Shopify-Shop-Domain header (Shopify sends the shop's myshopify.com domain). */
  shop: string;
  secret: string;
  webhookId?: string;
  /** Sign with this secret instead (a forged delivery: well-formed header, wrong key). */
  signWith?: string;
}

export function webhookHeaders(body: string | Buffer, o: WebhookOptions): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": o.topic,
    "X-Shopify-Shop-Domain": o.shop,
    "X-Shopify-Webhook-Id": o.webhookId ?? randomUUID(),
    "X-Shopify-API-Version": API_VERSION,
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Hmac-Sha256": bodyHmac(body, o.signWith ?? o.secret),
  };
}

/** POSTs a webhook delivery to `<base><uri>`; `body` is sent byte for byte as signed. */
export async function postWebhook(
  base: string,
  uri: string,
  body: string | Buffer,
  o: WebhookOptions,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${uri}`, {
    method: "POST",
    headers: webhookHeaders(body, o),
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: res.status, text: await res.text() };
}

export interface FlowLifecycleBody {
  flow_trigger_definition_id: string;
  has_enabled_flow: boolean;
  shop_id: number;
  shopify_domain: string;
  timestamp: string;
}

export async function postFlowLifecycle(
  base: string,
  payload: FlowLifecycleBody,
  secret: string,
): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${base}/flow/lifecycle`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-SHA256": bodyHmac(body, secret) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/**
 * POSTs a signed webhook with node:http and resolves with the status as soon as the server answers, even
 * when it answers before the body is all sent (a refused oversized body) and closes the connection on it.
 */
export function postWebhookEarlyAnswer(base: string, uri: string, body: Buffer, o: WebhookOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${uri}`, {
      method: "POST",
      headers: { ...webhookHeaders(body, o), "Content-Length": String(body.length) },
    });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}
