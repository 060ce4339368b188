/** Number and date formatting shared by the admin pages (server and client render the same text). */

export function formatMoney(value: number | null | undefined, currency = "USD", digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(value);
}

/** "2026-11-23" (UTC) from an ISO string. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : "–";
}

/** "2026-11-23 14:05 UTC" from an ISO string. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "–";
}

export function formatValue(value: number | null, format: "count" | "percent" | "money", currency: string): string {
  if (format === "percent") return formatPercent(value);
  if (format === "money") return formatMoney(value, currency);
  return formatCount(value);
}

/** The change against the previous period with its sign, e.g. "+1.2 pts", "−$40". */
export function formatChange(change: number | null, format: "count" | "percent" | "money", currency: string): string | null {
  if (change === null || !Number.isFinite(change)) return null;
  const sign = change > 0 ? "+" : change < 0 ? "−" : "±";
  const abs = Math.abs(change);
  if (format === "percent") return `${sign}${(abs * 100).toFixed(1)} pts`;
  if (format === "money") return `${sign}${formatMoney(abs, currency)}`;
  return `${sign}${formatCount(abs)}`;
}
