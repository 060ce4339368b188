/**
 * App proxy: storefront GET /apps/churnless/recommendations?product_id=&limit= arrives here as
 * GET /proxy/recommendations with Shopify's signed parameters. See app/models/recommendations.server.ts.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleRecommendationsProxy } from "../models/recommendations.server";

export const loader = ({ request }: LoaderFunctionArgs) => handleRecommendationsProxy(request, { db });
