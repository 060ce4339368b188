/**
 * The one place the Admin API version is pinned. Everything else (the Shopify app config, the Admin
 * client, the stand-in, the schema file) reads it from here; `shopify.app.toml` mirrors it for the
 * webhooks and a test checks the two agree.
 */
export const ADMIN_API_VERSION = "2026-07" as const;
export type AdminApiVersion = typeof ADMIN_API_VERSION;
