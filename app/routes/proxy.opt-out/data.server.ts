/**
 * The shopper's own opt-out, through the signed app proxy (storefront /apps/churnless/opt-out, reached
 * from the link in the recommendations block); app/routes/proxy.opt-out/route.tsx verifies the request and
 * renders the answer inside the shop's theme.
 *
 * GET: a logged-in shopper sees what opting out means and a button; POST: the opt-out is recorded
 * (CustomerOptOut, source "shopper", dated) and what the app set on the customer in Shopify is removed.
 * The shopper is only ever the signed `logged_in_customer_id`. The form carries a token bound to the shop,
 * the customer and the day (HMAC with the app secret), so another site cannot opt a visitor out by posting
 * a form on their behalf: the signed proxy request alone proves who is logged in, not that they asked.
 */
import crypto from "node:crypto";
import type { Db } from "../../db.server";
import { env } from "../../env.server";
import { getOptOut } from "../../models/opt-outs.server";

export interface OptOutDeps {
  db: Db;
  /** Opts the customer out (recorded, control-group draw ended, the app's tags and metafields taken off Shopify). */
  optOut: (shop: string, customerId: string, now: Date) => Promise<void>;
  /** The secret the form token is made with (default: SHOPIFY_API_SECRET). */
  secret?: string;
  now?: () => Date;
}

const DAY = 86_400_000;

function secretOf(deps: Pick<OptOutDeps, "secret">): string {
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

/** What the opt-out page shows (the route renders it). */
export type OptOutPage =
  /** A visitor who is not logged in: log in, then come back. */
  | { kind: "log-in" }
  /** A POST whose token is not today's or yesterday's: nothing was recorded. */
  | { kind: "expired" }
  /** A POST that recorded the opt-out (or found it recorded). */
  | { kind: "opted-out-now" }
  | { kind: "opted-out"; since: Date }
  /** The confirmation form, with its token. */
  | { kind: "confirm"; token: string };

/**
 * The shopper (`customerId`, from the verified proxy request; null when not logged in) opens the page
 * (`post` null) or confirms with the form's token.
 */
export async function shopperOptOut(
  deps: OptOutDeps,
  shop: string,
  customerId: string | null,
  post: { token: string } | null,
): Promise<OptOutPage> {
  if (!customerId) return { kind: "log-in" };
  const now = (deps.now ?? (() => new Date()))();
  const secret = secretOf(deps);
  const current = await getOptOut(deps.db, shop, customerId);
  if (post) {
    if (!validToken(secret, shop, customerId, post.token, now)) return { kind: "expired" };
    if (!current.optedOut) await deps.optOut(shop, customerId, now);
    return { kind: "opted-out-now" };
  }
  if (current.optedOut) return { kind: "opted-out", since: current.optedOutAt! };
  return { kind: "confirm", token: optOutToken(secret, shop, customerId, now) };
}
