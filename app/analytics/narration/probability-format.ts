/**
 * How a probability the model holds is written for people: never as certain. Pure; the admin pages
 * (app/components/format.ts re-exports these), the CSV and the reasons all use it.
 */

/**
 * A probability the model holds, as a percentage that never reads as certain: what would round to
 * 100% shows as ">99%" (">99.9%" with one decimal), what would round to 0% as "<1%" ("<0.1%"). Every
 * page shows churn, P(alive) and the like through this, and the CSV through probabilityCell.
 * @example formatProbability(0.999) // ">99%"
 */
export function formatProbability(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const step = 10 ** -digits;
  const shown = Number((value * 100).toFixed(digits));
  if (value < 1 && shown >= 100) return `>${(100 - step).toFixed(digits)}%`;
  if (value > 0 && shown <= 0) return `<${step.toFixed(digits)}%`;
  return `${shown.toFixed(digits)}%`;
}

/** A probability in the CSV: a decimal with four places that is never 0.0000 or 1.0000 for 0 < p < 1. */
export function probabilityCell(value: number): string {
  const shown = value.toFixed(4);
  if (value < 1 && shown === "1.0000") return "0.9999";
  if (value > 0 && shown === "0.0000") return "0.0001";
  return shown;
}
