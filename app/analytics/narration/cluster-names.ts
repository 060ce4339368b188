/**
 * Plain-words names and descriptions of behavioural clusters.
 *
 * memberName (used by clusters.ts) says plainly only what holds for at least 90% of the members
 * (NAME_HOLDS), and qualifies with "mostly" what holds for more than half: "active" (log recency z < −0.5)
 * or "lapsed" (z > 0.5); "one-time" (one purchase day), "frequent" (3+ purchase days and frequency
 * z > 0.5) or "repeat" (2+ purchase days), else no frequency word; "high spenders" (spend z > 0.5) or
 * "low spenders" (z < −0.5), else "buyers". So a cluster of 58% one-time buyers is "Mostly one-time
 * buyers", never "One-time buyers" or "Repeat buyers"; 95% active and 70% one-time is "Active buyers,
 * mostly one-time".
 *
 * clusterName below reads a centroid (kept for reference and tests).
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

/** A word is said plainly when it holds for at least this share of the members, as "mostly …" above half. */
export const NAME_HOLDS = 0.9;

/**
 * The name of a cluster from its members (see the module comment).
 * @param z members' standardised log-scale rows (CENTROID_FIELDS order)
 * @param occasions members' purchase days
 * @example memberName([[-1, 1, 1, 0, 0], [-0.8, 1.2, 0.9, 0, 0]], [5, 6]) // "Active frequent high spenders"
 */
export function memberName(z: readonly (readonly number[])[], occasions: readonly number[]): string {
  const n = z.length;
  const share = (test: (i: number) => boolean) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (test(i)) k++;
    return n ? k / n : 0;
  };
  /** The first word that holds for NAME_HOLDS of the members (sure), else the first that holds for most. */
  const pick = (options: Array<[string, number]>) => ({
    sure: options.find(([, s]) => s >= NAME_HOLDS)?.[0] ?? null,
    most: options.find(([, s]) => s > 0.5)?.[0] ?? null,
  });
  const recency = pick([
    ["active", share((i) => z[i][0] < -0.5)],
    ["lapsed", share((i) => z[i][0] > 0.5)],
  ]);
  const frequency = pick([
    ["one-time", share((i) => occasions[i] === 1)],
    ["frequent", share((i) => occasions[i] >= 3 && z[i][1] > 0.5)],
    ["repeat", share((i) => occasions[i] >= 2)],
  ]);
  const spend = pick([
    ["high spenders", share((i) => z[i][2] > 0.5)],
    ["low spenders", share((i) => z[i][2] < -0.5)],
  ]);
  const plain: string[] = [];
  const mostly: string[] = [];
  for (const w of [recency, frequency]) {
    if (w.sure) plain.push(w.sure);
    else if (w.most) mostly.push(w.most);
  }
  const noun = spend.sure ?? "buyers";
  const mostlySpend = spend.sure ? null : spend.most;
  if (!mostly.length && !mostlySpend) return capitalize([...plain, noun].join(" "));
  if (!plain.length && !spend.sure) return capitalize(["mostly", ...mostly, mostlySpend ?? "buyers"].join(" "));
  return `${capitalize([...plain, noun].join(" "))}, mostly ${[...mostly, ...(mostlySpend ? [mostlySpend] : [])].join(" ")}`;
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
 * centroid is furthest from the mean of its namesakes; when two still share a name, the qualifier of the
 * next feature is added, and so on (never a number).
 * @example disambiguate(["Buyers", "Buyers"], [[-1, 0, 0, 0, 0], [1, 0, 0, 0, 0]]) // ["Buyers, more recent", "Buyers, less recent"]
 */
export function disambiguate(names: readonly string[], zs: readonly number[][]): string[] {
  const out = names.slice();
  const d = zs[0]?.length ?? 0;
  const groups = new Map<string, number[]>();
  names.forEach((n, i) => groups.set(n, [...(groups.get(n) ?? []), i]));
  for (const [name, members] of groups) {
    if (members.length < 2) continue;
    const mean = zs[0].map((_, j) => members.reduce((s, i) => s + zs[i][j], 0) / members.length);
    // Features by how far each member is from its namesakes' mean, furthest first.
    const order = new Map(
      members.map((i) => [
        i,
        Array.from({ length: d }, (_, j) => j).sort(
          (a, b) => Math.abs(zs[i][b] - mean[b]) - Math.abs(zs[i][a] - mean[a]) || a - b,
        ),
      ]),
    );
    const words = (i: number, depth: number) =>
      order
        .get(i)!
        .slice(0, depth)
        .map((j) => {
          const [up, down] = QUALIFIERS[j];
          // recency: a larger value means less recent.
          return zs[i][j] - mean[j] > 0 ? up : down;
        })
        .join(", ");
    for (let depth = 1; depth <= d; depth++) {
      for (const i of members) out[i] = `${name}, ${words(i, depth)}`;
      if (new Set(members.map((i) => out[i])).size === members.length) break;
    }
  }
  return out;
}
