/**
 * The Admin client for one installed shop, from its offline session (id `offline_${shop}`).
 * SHOPIFY_ADMIN_API_BASE_URL points the client at the local stand-in (demo and tests only); a real
 * shop is always reached at https://<shop>.
 */
import type { Db } from "../db.server";
import { createAdminClient, type AdminClient, type AdminClientOptions } from "./client.server";

export class NoOfflineSessionError extends Error {
  constructor(readonly shop: string) {
    super(`No offline session for ${shop}: the app is not installed there (or was uninstalled). Install it again to sync.`);
    this.name = "NoOfflineSessionError";
  }
}

export async function adminForShop(
  db: Db,
  shop: string,
  options: Omit<AdminClientOptions, "shop" | "accessToken"> = {},
): Promise<AdminClient> {
  const session = await db.session.findUnique({ where: { id: `offline_${shop}` } });
  if (!session || !session.accessToken) throw new NoOfflineSessionError(shop);
  const base = process.env.SHOPIFY_ADMIN_API_BASE_URL?.trim();
  return createAdminClient({
    ...(base ? { apiBaseUrl: base } : {}),
    ...options,
    shop,
    accessToken: session.accessToken,
  });
}
