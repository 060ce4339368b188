/**
 * App proxy: storefront POST /apps/churnless/events?n=<nonce> (batched impressions and clicks of the
 * recommendations block) arrives here as POST /proxy/events. The request is read and answered by
 * app/routes/proxy.events/handle.server.ts; the rules and what is recorded are in app/models/rec-events.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "../../db.server";
import { handleEventsProxy } from "./handle.server";
import { authenticateProxy, proxyJson } from "../../shopify/app-proxy.server";

export const action = async ({ request }: ActionFunctionArgs) =>
  handleEventsProxy(request, await authenticateProxy(request), { db });

export const loader = (_args: LoaderFunctionArgs) => proxyJson({ error: "Use POST" }, { status: 405 });
