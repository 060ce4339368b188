/**
 * Plain-words names and descriptions of behavioural clusters, from their centroids.
 * A centroid is read on the standardised log scale (z) for "high"/"low" and in original units for
 * counts: recency z > 0.5 "Lapsed", z < −0.5 "Active"; fewer than 1.5 purchase occasions on average
 * "one-time", frequency z > 0.5 and ≥ 3 occasions "frequent", else "repeat"; spend (net total)
 * z > 0.5 "high spenders", z < −0.5 "low spenders", else "buyers".
 * Examples: "Frequent high spenders", "Lapsed one-time buyers". Clusters that get the same name are told
 * apart by the feature where they differ most from the others of that name ("…, more recent").
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
  if (centroid.frequency < 1.5) words.push("one-time");
  else if (fz > 0.5 && centroid.frequency >= 3) words.push("frequent");
  else words.push("repeat");
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

const QUALIFIERS: Array<[string, string]> = [
  ["less recent", "more recent"],
  ["more frequent", "less frequent"],
  ["bigger spend", "smaller spend"],
  ["bigger baskets", "smaller baskets"],
  ["long-standing", "newer"],
];

/**
 * Tells apart clusters that got the same name: each gets the qualifier of the feature where its z
 * centroid is furthest from the mean of its namesakes. Names that stay equal are left to the caller.
 * @example disambiguate(["Buyers", "Buyers"], [[-1, 0, 0, 0, 0], [1, 0, 0, 0, 0]]) // ["Buyers, more recent", "Buyers, less recent"]
 */
export function disambiguate(names: readonly string[], zs: readonly number[][]): string[] {
  const out = names.slice();
  const groups = new Map<string, number[]>();
  names.forEach((n, i) => groups.set(n, [...(groups.get(n) ?? []), i]));
  for (const [name, members] of groups) {
    if (members.length < 2) continue;
    const mean = zs[0].map((_, j) => members.reduce((s, i) => s + zs[i][j], 0) / members.length);
    for (const i of members) {
      let best = 0;
      for (let j = 1; j < mean.length; j++) if (Math.abs(zs[i][j] - mean[j]) > Math.abs(zs[i][best] - mean[best])) best = j;
      const diff = zs[i][best] - mean[best];
      const [up, down] = QUALIFIERS[best];
      // recency: a larger value means less recent.
      out[i] = `${name}, ${diff > 0 ? up : down}`;
    }
  }
  return out;
}
