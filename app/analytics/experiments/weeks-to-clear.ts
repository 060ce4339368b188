/**
 * How many more weeks until a control group's answer is expected to be clear. Pure.
 *
 * Clear means the confidence sequence (confidence-sequence.ts) leaves out 0 (an effect either way) or is
 * narrower than ±`target` (no effect worth acting on). If the uplift is what the best estimate says now
 * (`estimate`, the segment's shrunk uplift) and the per-customer variance stays what it is, the sequence
 * is clear once its half-width is under max(|estimate|, target): `customersUntilHalfWidth` gives the
 * customers needed. Customers count once their follow-up window is over, so the wait is until the
 * needed-th customer's window ends: one already drawn (their window's end is known), or one yet to enter
 * at the segment's current enrolment rate, plus the window.
 */
import { customersUntilHalfWidth, type SequenceOptions } from "./confidence-sequence";

export interface WeeksToClearInput {
  /** Customers counted now (both groups) and the variance of the difference now (W). */
  counted: number;
  variance: number;
  estimate: number;
  /** Half-width under which "no clear difference" is an answer (default 0.1: 10 points). */
  target?: number;
  /** When each drawn but not yet counted customer's window ends (ms), earliest first. */
  pendingEnds: readonly number[];
  asOf: Date;
  /** Customers entering the segment a week (both groups). */
  perWeek: number;
  followUpDays: number;
  sequence?: SequenceOptions;
}

export interface WeeksToClear {
  /** Customers (both groups) the answer is expected to need. */
  customersNeeded: number;
  /** Weeks from the as-of date; null when it cannot be told (no enrolment, or more than 10 years). */
  weeks: number | null;
}

export function weeksToClear(input: WeeksToClearInput): WeeksToClear {
  const target = input.target ?? 0.1;
  const minPerGroup = Math.max(2, input.sequence?.minPerGroup ?? 20);
  const goal = Math.max(Math.abs(Number.isFinite(input.estimate) ? input.estimate : 0), target);
  let needed =
    input.counted > 0 && Number.isFinite(input.variance)
      ? customersUntilHalfWidth({ t: input.counted, variance: input.variance }, goal, input.sequence)
      : Infinity;
  // Without a variance yet, at least enough customers for the sequence to speak (assume a 10% group).
  if (!Number.isFinite(needed)) needed = Math.max(input.counted + 1, minPerGroup * 10);
  needed = Math.max(needed, input.counted);
  const day = 86_400_000;
  const beyond = needed - input.counted;
  if (beyond <= 0) return { customersNeeded: needed, weeks: 0 };
  let end: number;
  if (beyond <= input.pendingEnds.length) end = input.pendingEnds[beyond - 1];
  else if (input.perWeek > 0)
    end =
      input.asOf.getTime() + ((beyond - input.pendingEnds.length) / input.perWeek) * 7 * day + input.followUpDays * day;
  else return { customersNeeded: needed, weeks: null };
  const weeks = Math.max(0, Math.ceil((end - input.asOf.getTime()) / (7 * day)));
  return { customersNeeded: needed, weeks: weeks > 520 ? null : weeks };
}
