/**
 * App proxy: storefront /apps/churnless/opt-out (the shopper's own opt-out, linked from the
 * recommendations block) arrives here as /proxy/opt-out with Shopify's signed parameters. GET shows the
 * confirmation, POST records it; app/routes/proxy.opt-out/handle.server.ts reads the request and renders the answer.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "../../db.server";
import { handleOptOutProxy } from "./handle.server";

export const loader = ({ request }: LoaderFunctionArgs) => handleOptOutProxy(request, { db });

export const action = ({ request }: ActionFunctionArgs) => handleOptOutProxy(request, { db });
