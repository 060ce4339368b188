/**
 * App proxy: storefront GET /apps/churnless/recommendations?product_id=&limit= arrives here as
 * GET /proxy/recommendations with Shopify's signed parameters. The request is read and answered by
 * app/routes/proxy.recommendations/handle.server.ts; what is recommended comes from app/models/recommendations.server.ts.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../../db.server";
import { handleRecommendationsProxy } from "./handle.server";

export const loader = ({ request }: LoaderFunctionArgs) => handleRecommendationsProxy(request, { db });
