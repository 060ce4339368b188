/** Number and date formatting shared by the admin pages (server and client render the same text). */

export function formatMoney(value: number | null | undefined, currency = "USD", digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${(value * 100).toFixed(digits)}%`;
}

/** Probabilities the model holds: one formatter for every page, the CSV and the reasons (analytics). */
export { formatProbability, probabilityCell } from "../analytics/narration/probability-format";

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(value);
}

/** The wall-clock parts of an instant in `timeZone` (UTC when the zone is missing or unknown). */
function partsIn(iso: string, timeZone: string | null | undefined) {
  const date = new Date(iso);
  let zone = timeZone || "UTC";
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    zone = "UTC"; // an unknown zone name: show UTC, labelled so
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
  }
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  const hour = p.hour === "24" ? "00" : p.hour;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(hour), Number(p.minute));
  const offsetMin = Math.round((wall - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${hour}:${p.minute}`, offsetMin, zone };
}

/** "UTC", "UTC+1", "UTC−5", "UTC+5:30". */
function offsetLabel(minutes: number): string {
  if (minutes === 0) return "UTC";
  const sign = minutes > 0 ? "+" : "−";
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
}

/** "2026-11-23": the day of the instant in the shop's time zone (UTC without one). */
export function formatDate(iso: string | null | undefined, timeZone?: string | null): string {
  if (!iso) return "–";
  if (!timeZone) return iso.slice(0, 10);
  return partsIn(iso, timeZone).day;
}

/** "2026-11-23 14:05 UTC−5": the instant in the shop's time zone, with its offset (UTC without a zone). */
export function formatDateTime(iso: string | null | undefined, timeZone?: string | null): string {
  if (!iso) return "–";
  if (!timeZone) return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const p = partsIn(iso, timeZone);
  return `${p.day} ${p.time} ${offsetLabel(p.offsetMin)}`;
}

/** "5 Dec – 19 Dec 2026" style range of two days (YYYY-MM-DD each, in the shop's time zone). */
export function formatDateRange(
  fromIso: string | null | undefined,
  toIso: string | null | undefined,
  timeZone?: string | null,
): string {
  if (!fromIso || !toIso) return "–";
  const a = formatDate(fromIso, timeZone);
  const b = formatDate(toIso, timeZone);
  return a === b ? a : `${a} to ${b}`;
}

/** Whole days between an instant and `now` (how long ago it was). */
export function daysAgo(iso: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(iso)) / 86_400_000));
}

export function formatValue(value: number | null, format: "count" | "percent" | "money", currency: string): string {
  if (format === "percent") return formatPercent(value);
  if (format === "money") return formatMoney(value, currency);
  return formatCount(value);
}

/** The change against the previous period with its sign, e.g. "+1.2 pts", "−$40". */
export function formatChange(
  change: number | null,
  format: "count" | "percent" | "money",
  currency: string,
): string | null {
  if (change === null || !Number.isFinite(change)) return null;
  const sign = change > 0 ? "+" : change < 0 ? "−" : "±";
  const abs = Math.abs(change);
  if (format === "percent") return `${sign}${(abs * 100).toFixed(1)} pts`;
  if (format === "money") return `${sign}${formatMoney(abs, currency)}`;
  return `${sign}${formatCount(abs)}`;
}

/** "1 customer", "1,271 customers": a count with thousands separators and the noun agreeing with it. */
export function countOf(value: number | null | undefined, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** "65.00 spent" style amounts in the shop's currency, with decimals only when the amount has cents. */
export function formatAmount(value: number | null | undefined, currency = "USD"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return formatMoney(value, currency, Number.isInteger(value) ? 0 : 2);
}
