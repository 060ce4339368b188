/**
 * The one place the Admin API version is pinned. Everything else (the Shopify app config, the Admin
 * client, the stand-in, the schema file) reads it from here; `shopify.app.toml` mirrors it for the
 * webhooks and a test checks the two agree (test/app/api-version.test.ts).
 */
export const ADMIN_API_VERSION = "2026-10" as const;
export type AdminApiVersion = typeof ADMIN_API_VERSION;

/** A version's schema file in app/shopify/admin-schema: the stand-in and the tests read the pinned one by this name. */
export function adminSchemaFileName(version: string = ADMIN_API_VERSION): string {
  return `admin_${version}.json.gz`;
}

/**
 * shopify.dev "About Shopify API versioning": a stable version `YYYY-MM` is released on the first day of
 * that month (quarterly, at 17:00 UTC) and is supported for a minimum of 12 months.
 */
export const SUPPORT_MONTHS = 12;

/** When a stable version `YYYY-MM` is released, and the earliest its documented support may end. */
export function apiVersionWindow(version: string): { released: Date; supportedUntil: Date } {
  const m = /^(\d{4})-(01|04|07|10)$/.exec(version);
  if (!m) throw new Error(`"${version}" is not a stable Admin API version name (YYYY-01, -04, -07 or -10)`);
  const year = Number(m[1]);
  const month = Number(m[2]) - 1;
  return {
    released: new Date(Date.UTC(year, month, 1, 17)),
    supportedUntil: new Date(Date.UTC(year, month + SUPPORT_MONTHS, 1, 17)),
  };
}

/** The day from which the next move is due: `months` before the version's support may end. */
export function apiVersionMoveBy(version: string, months = 3): Date {
  const end = apiVersionWindow(version).supportedUntil;
  return new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, end.getUTCDate(), end.getUTCHours()));
}
