/**
 * Seeded simulation of a control group read every week, to measure what the page's claims are worth:
 * how often a shop with no true effect is ever told "it works" (or "it harms") over the weekly looks, and
 * how often the confidence sequence contains a known effect at every look. Pure and seeded.
 *
 * Each week `perWeek` customers enter the segment; each is held out with probability `share`; a held-out
 * customer comes back with probability `baseRate`, a treated one with `baseRate + effect`. At each weekly
 * look the interval is computed from everything seen so far.
 */
import { differenceSequence, rateMoments, type SequenceOptions } from "./confidence-sequence";

export interface SimulationSettings {
  runs: number;
  looks: number;
  perWeek: number;
  share: number;
  baseRate: number;
  effect: number;
  seed: number;
  sequence?: SequenceOptions;
}

export interface SimulationResult {
  runs: number;
  /** Share of runs in which some look's interval left out 0 (a claimed effect). */
  everClaimed: number;
  /** Share of runs in which every look's interval (once ready) contained the true effect. */
  alwaysCovered: number;
  /** The same two shares for a fixed-horizon 95% Wald interval read at every look (what peeking does). */
  naiveEverClaimed: number;
  naiveAlwaysCovered: number;
  /** Share of runs claiming an effect (in the right direction) by the last look. */
  detectedByEnd: number;
}

export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const Z95 = 1.959963984540054;

export function simulateWeeklyLooks(s: SimulationSettings): SimulationResult {
  if (!(s.runs > 0 && s.looks > 0 && s.perWeek > 0))
    throw new Error("simulateWeeklyLooks needs runs, looks and perWeek > 0");
  const rand = seededUniform(s.seed);
  let claimed = 0;
  let covered = 0;
  let naiveClaimed = 0;
  let naiveCovered = 0;
  let detected = 0;
  const minPerGroup = Math.max(2, s.sequence?.minPerGroup ?? 20);
  for (let run = 0; run < s.runs; run++) {
    let nt = 0;
    let xt = 0;
    let nh = 0;
    let xh = 0;
    let everClaim = false;
    let always = true;
    let naiveClaim = false;
    let naiveAlways = true;
    let lastClaimRight = false;
    for (let week = 0; week < s.looks; week++) {
      for (let i = 0; i < s.perWeek; i++) {
        if (rand() < s.share) {
          nh++;
          if (rand() < s.baseRate) xh++;
        } else {
          nt++;
          if (rand() < s.baseRate + s.effect) xt++;
        }
      }
      const cs = differenceSequence(rateMoments(xt, nt), rateMoments(xh, nh), s.sequence);
      if (cs.ready) {
        if (cs.low > 0 || cs.high < 0) everClaim = true;
        if (cs.low > s.effect || cs.high < s.effect) always = false;
        lastClaimRight = s.effect > 0 ? cs.low > 0 : s.effect < 0 ? cs.high < 0 : false;
      }
      if (nt >= minPerGroup && nh >= minPerGroup) {
        const pt = xt / nt;
        const ph = xh / nh;
        const half = Z95 * Math.sqrt((pt * (1 - pt)) / nt + (ph * (1 - ph)) / nh);
        const d = pt - ph;
        if (d - half > 0 || d + half < 0) naiveClaim = true;
        if (d - half > s.effect || d + half < s.effect) naiveAlways = false;
      }
    }
    if (everClaim) claimed++;
    if (always) covered++;
    if (naiveClaim) naiveClaimed++;
    if (naiveAlways) naiveCovered++;
    if (lastClaimRight) detected++;
  }
  return {
    runs: s.runs,
    everClaimed: claimed / s.runs,
    alwaysCovered: covered / s.runs,
    naiveEverClaimed: naiveClaimed / s.runs,
    naiveAlwaysCovered: naiveCovered / s.runs,
    detectedByEnd: detected / s.runs,
  };
}
