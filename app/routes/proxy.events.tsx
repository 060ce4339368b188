/**
 * App proxy: storefront POST /apps/churnless/events (batched impressions and clicks of the
 * recommendations block) arrives here as POST /proxy/events. See app/models/rec-events.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleEventsProxy } from "../models/rec-events.server";
import { proxyJson } from "../shopify/app-proxy.server";

export const action = ({ request }: ActionFunctionArgs) => handleEventsProxy(request, { db });

export const loader = (_args: LoaderFunctionArgs) => proxyJson({ error: "Use POST" }, { status: 405 });
