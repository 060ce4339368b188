import { useRouteLoaderData } from "@remix-run/react";

/** The app layout's data (app/routes/app/route.tsx): the shop's domain and the app's API key, for deep links. */
export function useAppData(): { shop: string; apiKey: string; demo: boolean } {
  const data = useRouteLoaderData("routes/app") as { shop?: string; apiKey?: string; demo?: boolean } | undefined;
  return { shop: data?.shop ?? "", apiKey: data?.apiKey ?? "", demo: data?.demo ?? false };
}
