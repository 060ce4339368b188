/**
 * Readers for the JSON text columns (metricsJson, backtestJson, detailsJson, centroidJson...): parsed
 * without trusting them, so a malformed value shows as missing, never as a crash.
 */


export function parseJson(text: string | null | undefined, fallback: unknown = {}): unknown {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    console.warn(`[read-json] a stored JSON column is not valid JSON (${(error as Error).message}); using the fallback`);
    return fallback;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first finite number found at one of the dotted paths, e.g. num(m, "repeatRate", "kpis.repeatRate"). */
export function num(obj: unknown, ...paths: string[]): number | null {
  for (const path of paths) {
    let cur: unknown = obj;
    for (const part of path.split(".")) cur = isRecord(cur) ? cur[part] : undefined;
    if (typeof cur === "number" && Number.isFinite(cur)) return cur;
  }
  return null;
}
