import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../shopify.server";
import { RouteError } from "../components/RouteError";

/** Any /app/... address that is no page of the admin: a 404 inside the app's frame, with a way back. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdmin(request);
  const path = new URL(request.url).pathname;
  throw new Response(`There is no page at ${path}.`, { status: 404 });
};

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <RouteError title="Page not found" />;
}
