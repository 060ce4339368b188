import { createContext, useContext, useMemo, type ReactNode } from "react";
import { formatDate, formatDateRange, formatDateTime, formatMoney } from "./format";

/** The shop's currency and time zone, provided once by the app layout (app/routes/app/route.tsx). */
export interface ShopLocale {
  currency: string;
  /** IANA zone (e.g. "America/New_York"); null until Shopify has told it: dates then show in UTC. */
  timeZone: string | null;
}

const ShopLocaleContext = createContext<ShopLocale>({ currency: "USD", timeZone: null });

export function ShopLocaleProvider({ value, children }: { value: ShopLocale; children: ReactNode }) {
  return <ShopLocaleContext.Provider value={value}>{children}</ShopLocaleContext.Provider>;
}

/** Formatters bound to the shop: money in its currency, dates and times in its time zone. */
export function useShopFormat() {
  const { currency, timeZone } = useContext(ShopLocaleContext);
  return useMemo(
    () => ({
      currency,
      timeZone,
      money: (v: number | null | undefined, digits = 0) => formatMoney(v, currency, digits),
      date: (iso: string | null | undefined) => formatDate(iso, timeZone),
      dateTime: (iso: string | null | undefined) => formatDateTime(iso, timeZone),
      dateRange: (from: string | null | undefined, to: string | null | undefined) =>
        formatDateRange(from, to, timeZone),
    }),
    [currency, timeZone],
  );
}
