/**
 * Plain-words names and descriptions of behavioural clusters, from their centroids.
 * A centroid is read on the standardised log scale (z) for "high"/"low" and in original units for
 * counts: recency z > 0.5 "Lapsed", z < −0.5 "Active"; fewer than 1.2 purchase occasions "one-time",
 * frequency z > 0.5 "frequent", else "repeat"/"occasional"; spend (net total) z > 0.5 "high spenders",
 * z < −0.5 "low spenders", else "buyers". Examples: "Frequent high spenders", "Lapsed one-time buyers".
 */

export const CENTROID_FIELDS = ["recencyDays", "frequency", "monetary", "aov", "tenureDays"] as const;
export type CentroidField = (typeof CENTROID_FIELDS)[number];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * @param z standardised log-scale centroid, in CENTROID_FIELDS order
 * @param centroid the centroid in original units
 * @example clusterName([-1, 1.2, 1, 0.8, 0.5], { recencyDays: 10, frequency: 8, monetary: 900, aov: 110, tenureDays: 700 })
 *   // "Active frequent high spenders"
 */
export function clusterName(z: readonly number[], centroid: Record<CentroidField, number>): string {
  const [rz, fz, mz] = z;
  const words: string[] = [];
  if (rz > 0.5) words.push("lapsed");
  else if (rz < -0.5) words.push("active");
  if (centroid.frequency < 1.2) words.push("one-time");
  else if (fz > 0.5) words.push("frequent");
  else if (fz > -0.5) words.push("repeat");
  else words.push("occasional");
  if (mz > 0.5) words.push("high spenders");
  else if (mz < -0.5) words.push("low spenders");
  else words.push("buyers");
  return capitalize(words.join(" "));
}

const round = (v: number) => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);

/** One sentence about a centroid in original units. */
export function clusterDescription(c: Record<CentroidField, number>): string {
  return (
    `On average ${round(c.frequency)} purchase occasion${c.frequency >= 1.5 ? "s" : ""}, the last one ` +
    `${Math.round(c.recencyDays)} days ago; ${round(c.monetary)} spent in total (${round(c.aov)} per order); ` +
    `customer for ${Math.round(c.tenureDays)} days.`
  );
}
