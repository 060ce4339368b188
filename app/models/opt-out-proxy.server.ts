/**
 * The shopper's own opt-out, through the signed app proxy (storefront /apps/churnless/opt-out, reached
 * from the link in the recommendations block). Shopify renders the answer inside the shop's theme
 * (Content-Type application/liquid).
 *
 * GET: a logged-in shopper sees what opting out means and a button; POST: the opt-out is recorded
 * (CustomerOptOut, source "shopper", dated) and the shopper sees that it is done. The shopper is only
 * ever the signed `logged_in_customer_id`. The form carries a token bound to the shop, the customer and
 * the day (HMAC with the app secret), so another site cannot opt a visitor out by posting a form on their
 * behalf: the signed proxy request alone proves who is logged in, not that they asked.
 */
import crypto from "node:crypto";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { verifyAppProxyRequest } from "../shopify/app-proxy.server";
import { closeAssignmentsOf } from "./holdouts.server";
import { getOptOut, optOutCustomer, withdrawNow } from "./opt-outs.server";
import { adminForShop } from "../shopify/admin.server";
import type { AdminGraphql } from "../shopify/types";

/** What the proxy verification gives (the app's helper, app/shopify/app-proxy.server.ts). */
type Verified = { ok: true; shop: string; customerId: string | null; pathPrefix: string } | { ok: false; message: string };

export interface OptOutProxyDeps {
  db: Db;
  /** The proxy verifier (default: the app's, verifyAppProxyRequest). */
  verify?: (request: Request) => Promise<Verified>;
  /** The shop's Admin API, to take the app's tags and metafields off at once (default: its offline session). */
  admin?: (shop: string) => Promise<AdminGraphql>;
  /** The secret the form token is made with (default: SHOPIFY_API_SECRET). */
  secret?: string;
  now?: () => Date;
}

const DAY = 86_400_000;

function secretOf(deps: OptOutProxyDeps): string {
  const secret = deps.secret ?? env().SHOPIFY_API_SECRET ?? "";
  if (!secret) throw new Error("The opt-out form needs the app's API secret (SHOPIFY_API_SECRET)");
  return secret;
}

/** The form token for (shop, customer) on a given UTC day. */
export function optOutToken(secret: string, shop: string, customerId: string, at: Date): string {
  const day = Math.floor(at.getTime() / DAY);
  return crypto.createHmac("sha256", secret).update(`opt-out|${shop}|${customerId}|${day}`).digest("hex");
}

/** Accepts today's and yesterday's token (a page left open over midnight), in constant time. */
export function validToken(secret: string, shop: string, customerId: string, token: string, now: Date): boolean {
  if (!/^[0-9a-f]{64}$/.test(token)) return false;
  return [now, new Date(now.getTime() - DAY)].some((at) =>
    crypto.timingSafeEqual(Buffer.from(token, "utf8"), Buffer.from(optOutToken(secret, shop, customerId, at), "utf8")),
  );
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(status: number, body: string): Response {
  return new Response(`<div class="page-width churnless-opt-out" style="max-width:40rem;margin:2rem auto">\n${body}\n</div>\n`, {
    status,
    headers: { "Content-Type": "application/liquid; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
  });
}

const EXPLAIN = `<p>This shop uses an automated analysis of your orders to choose product suggestions, reminders and offers for you.
If you opt out, the shop stops doing that: you will not be tagged or included in automated campaigns, and you will see
the same suggestions as every visitor. Your orders are not affected.</p>`;

/** GET /proxy/opt-out and POST /proxy/opt-out. */
export async function handleOptOutProxy(request: Request, deps: OptOutProxyDeps): Promise<Response> {
  const ctx = deps.verify ? await deps.verify(request) : await verifyAppProxyRequest(request);
  if (!ctx.ok) return page(401, "<h1>Opt out</h1><p>This link could not be verified. Open it again from the shop.</p>");
  const now = (deps.now ?? (() => new Date()))();
  const action = `${escapeHtml(ctx.pathPrefix || "/apps/churnless")}/opt-out`;
  if (!ctx.customerId) {
    // A normal page for a visitor who is not logged in (the theme shows it): log in, then come back.
    return page(
      200,
      `<h1>Opt out of personalised suggestions</h1>\n${EXPLAIN}\n<p><a href="/account/login?return_url=${encodeURIComponent(`${ctx.pathPrefix || "/apps/churnless"}/opt-out`)}">Log in to your account</a> to opt out.</p>`,
    );
  }
  const secret = secretOf(deps);
  const current = await getOptOut(deps.db, ctx.shop, ctx.customerId);
  if (request.method === "POST") {
    const form = await request.formData().catch(() => null);
    const token = String(form?.get("token") ?? "");
    if (!validToken(secret, ctx.shop, ctx.customerId, token, now)) {
      return page(403, `<h1>Opt out</h1><p>This form has expired. <a href="${action}">Open the opt-out page again</a> and confirm.</p>`);
    }
    if (!current.optedOut) {
      await optOutCustomer(deps.db, ctx.shop, ctx.customerId, "shopper", now);
      await closeAssignmentsOf(deps.db, ctx.shop, ctx.customerId, now);
      const admin = await (deps.admin ?? ((shop: string) => adminForShop(deps.db, shop)))(ctx.shop).catch((error: unknown) => {
        console.error(`[opt-out] ${ctx.shop}: no Admin API client (${(error as Error).message})`);
        return null;
      });
      await withdrawNow(deps.db, ctx.shop, ctx.customerId, admin);
    }
    return page(
      200,
      `<h1>You are opted out</h1>\n<p role="status">Done. This shop no longer uses automated decisions about you, and what it had set for you
has been removed. To change your mind, contact the shop.</p>`,
    );
  }
  if (current.optedOut) {
    return page(200, `<h1>You are opted out</h1>\n<p>Since ${current.optedOutAt!.toISOString().slice(0, 10)}. To change your mind, contact the shop.</p>`);
  }
  const token = optOutToken(secret, ctx.shop, ctx.customerId, now);
  return page(
    200,
    `<h1>Opt out of personalised suggestions</h1>\n${EXPLAIN}\n<form method="post" action="${action}">\n  <input type="hidden" name="token" value="${token}">\n  <button type="submit" class="button">Opt me out</button>\n</form>`,
  );
}
