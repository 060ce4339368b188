/**
 * GET and POST /proxy/opt-out (app/routes/proxy.opt-out/route.tsx): verifies the signed proxy request, reads the
 * form's token, asks app/routes/proxy.opt-out/data.server.ts what to show, opts the shopper out through
 * app/routes/app.opt-outs/opt-out.server.ts, and renders the page Shopify shows inside the shop's theme
 * (Content-Type application/liquid).
 */
import type { Db } from "../../db.server";
import { optOutNow } from "../app.opt-outs/opt-out.server";
import { shopperOptOut, type OptOutPage } from "./data.server";
import { hasOfflineSession } from "../../models/sessions.server";
import { adminForShop } from "../../shopify/admin.server";
import { verifyAppProxyRequest } from "../../shopify/app-proxy.server";
import type { AdminGraphql } from "../../shopify/types";

/** What the proxy verification gives (the app's helper, app/shopify/app-proxy.server.ts). */
type Verified =
  { ok: true; shop: string; customerId: string | null; pathPrefix: string } | { ok: false; message: string };

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

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(status: number, body: string): Response {
  return new Response(
    `<div class="page-width churnless-opt-out" style="max-width:40rem;margin:2rem auto">\n${body}\n</div>\n`,
    {
      status,
      headers: {
        "Content-Type": "application/liquid; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    },
  );
}

const EXPLAIN = `<p>This shop uses an automated analysis of your orders to choose product suggestions, reminders and offers for you.
If you opt out, the shop stops doing that: you will not be tagged or included in automated campaigns, and you will see
the same suggestions as every visitor. Your orders are not affected.</p>`;

function render(answer: OptOutPage, pathPrefix: string): Response {
  const prefix = pathPrefix || "/apps/churnless";
  const action = `${escapeHtml(prefix)}/opt-out`;
  switch (answer.kind) {
    case "log-in":
      // A normal page for a visitor who is not logged in (the theme shows it): log in, then come back.
      return page(
        200,
        `<h1>Opt out of personalised suggestions</h1>\n${EXPLAIN}\n<p><a href="/account/login?return_url=${encodeURIComponent(`${prefix}/opt-out`)}">Log in to your account</a> to opt out.</p>`,
      );
    case "expired":
      return page(
        403,
        `<h1>Opt out</h1><p>This form has expired. <a href="${action}">Open the opt-out page again</a> and confirm.</p>`,
      );
    case "opted-out-now":
      return page(
        200,
        `<h1>You are opted out</h1>\n<p role="status">Done. This shop no longer uses automated decisions about you, and what it had set for you
has been removed. To change your mind, contact the shop.</p>`,
      );
    case "opted-out":
      return page(
        200,
        `<h1>You are opted out</h1>\n<p>Since ${answer.since.toISOString().slice(0, 10)}. To change your mind, contact the shop.</p>`,
      );
    case "confirm":
      return page(
        200,
        `<h1>Opt out of personalised suggestions</h1>\n${EXPLAIN}\n<form method="post" action="${action}">\n  <input type="hidden" name="token" value="${answer.token}">\n  <button type="submit" class="button">Opt me out</button>\n</form>`,
      );
    default: {
      const unknown: never = answer;
      throw new Error(`opt-out page: unknown answer ${JSON.stringify(unknown)}`);
    }
  }
}

/** GET /proxy/opt-out and POST /proxy/opt-out. */
export async function handleOptOutProxy(request: Request, deps: OptOutProxyDeps): Promise<Response> {
  const ctx = deps.verify ? await deps.verify(request) : await verifyAppProxyRequest(request);
  if (!ctx.ok) return page(401, "<h1>Opt out</h1><p>This link could not be verified. Open it again from the shop.</p>");
  let post: { token: string } | null = null;
  if (request.method === "POST" && ctx.customerId) {
    // An unreadable body carries no valid token: answered as an expired form (403), and logged.
    const form = await request.formData().catch((error: unknown) => {
      console.warn(`[opt-out] ${ctx.shop}: unreadable form body: ${(error as Error)?.message ?? error}`);
      return null;
    });
    post = { token: String(form?.get("token") ?? "") };
  }
  const admin = async (shop: string): Promise<AdminGraphql | null> =>
    (deps.admin ?? ((s: string) => adminForShop(s, { isInstalled: (shop) => hasOfflineSession(deps.db, shop) })))(
      shop,
    ).catch((error: unknown) => {
      console.error(`[opt-out] ${shop}: no Admin API client (${(error as Error).message})`);
      return null;
    });
  const optOut = async (shop: string, customerId: string, now: Date) => {
    await optOutNow(deps.db, shop, customerId, "shopper", await admin(shop), now);
  };
  const answer = await shopperOptOut(
    { db: deps.db, optOut, secret: deps.secret, now: deps.now },
    ctx.shop,
    ctx.customerId,
    post,
  );
  return render(answer, ctx.pathPrefix);
}
