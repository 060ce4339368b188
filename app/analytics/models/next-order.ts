/**
 * The next order, read from the purchase model.
 *
 * For a customer the model gives P(ever orders again) = π (P(alive): in BG/NBD a customer who is still
 * active always makes a next purchase) and, given that, the time to the next purchase: with the rate
 * λ ~ Gamma(r + x, α + T) a posteriori the wait is Lomax (Pareto II), G(t) = 1 − ((α + T) / (α + T + t))^(r + x).
 * So P(ordered by as-of + t) = F(t) = π · G(t). The churn probability over the horizon H is 1 − F(H),
 * and when a correction moves the churn probability, π is moved to match it (the timing is kept; if π
 * would exceed 1, the clock is sped up instead), so the date, P(alive) and the churn probability tell
 * one story.
 *
 * - central estimate (nextOrderDate): the day by which the customer has ordered with even odds, F(t) = 0.5;
 * - range: F(t) = 0.25 (earliest) to F(t) = min(0.75, (0.5 + π) / 2) (latest);
 * - "unlikely to order again" (all null) when π ≤ 0.5, when the even-odds day is more than MAX_DAYS away,
 *   or when the churn probability over the horizon is ≥ 0.9 with the date inside 14 days.
 * Consequences (checked by tests and `npm run eval:churn`): churn ≤ 0.2 means F(H) ≥ 0.8, so there is
 * always a date, within the horizon; churn ≥ 0.9 means F(H) ≤ 0.1, so any date is after the horizon.
 * Cost: O(1) per customer.
 */

export interface WaitDistribution {
  /** P(the customer ever orders again). */
  pEver: number;
  /** Days after the as-of date by which a returning customer has ordered with probability u (0 < u < 1). */
  quantile(u: number): number;
}

export interface NextOrderWindow {
  /** Days after the as-of date (≥ 1), or null when unlikely to order again. */
  central: number | null;
  earliest: number | null;
  latest: number | null;
}

export const UNLIKELY_PEVER = 0.5;
export const RULE_HIGH_CHURN = 0.9;
export const RULE_LOW_CHURN = 0.2;
export const RULE_DAYS = 14;
/** A central date further out than this (about 5 years) is "unlikely to order again"; range ends are capped to it. */
export const MAX_DAYS = 1826;

/** Lomax wait of a customer alive with rate Gamma(shape, rate) a posteriori, the clock sped up `speed` times. */
export function lomaxWait(pEver: number, shape: number, rate: number, speed = 1): WaitDistribution {
  return {
    pEver,
    quantile: (u) => (rate * (Math.pow(1 - u, -1 / shape) - 1)) / speed,
  };
}

/** P(no order within t days) of a Lomax wait: ((rate) / (rate + t·speed))^shape. */
export const lomaxSilent = (shape: number, rate: number, t: number, speed = 1) =>
  Math.exp(shape * Math.log(rate / (rate + t * speed)));

/**
 * π and the clock speed that make P(order within H) = 1 − churn, keeping the model's timing when it can:
 * π = (1 − churn) / (1 − S(H)), capped at PEVER_MAX, and when capped the clock speed s solves
 * PEVER_MAX · (1 − S(s · H)) = 1 − churn.
 */
export const PEVER_MAX = 0.999;
export function matchChurn(
  churn: number,
  shape: number,
  rate: number,
  horizonDays: number,
): { pEver: number; speed: number } {
  const buy = 1 - churn;
  const reach = 1 - lomaxSilent(shape, rate, horizonDays);
  if (reach > 0 && buy / reach <= PEVER_MAX) return { pEver: Math.max(buy / Math.max(reach, 1e-12), 1e-9), speed: 1 };
  // Need G(sH) = buy / PEVER_MAX: s H = rate ((1 − g)^(−1/shape) − 1).
  const g = Math.min(buy / PEVER_MAX, 1 - 1e-12);
  const t = rate * (Math.pow(1 - g, -1 / shape) - 1);
  return { pEver: PEVER_MAX, speed: Math.max(1, t / horizonDays) };
}

/**
 * Whether a customer's P(alive) says anything. A repeat buyer's always does. Plain
 * BG/NBD makes every one-time buyer alive by construction, so after matching the churn probability their
 * π sits at the cap PEVER_MAX: that is the model's artefact, not the shop's data, and is not shown. A
 * one-time buyer's π below the cap was moved by the data (MBG/NBD, or the shop's past through the
 * correction or the calibration). Uses only what the scores store (purchase days, P(alive)), so the
 * analysis and the admin decide alike.
 */
export function pAliveKnownOf(occasions: number, pAlive: number): boolean {
  return occasions > 1 || pAlive < PEVER_MAX - 1e-9;
}

/** The next-order window of a wait distribution (see the module comment). */
export function nextOrderWindow(wait: WaitDistribution, churn: number): NextOrderWindow {
  const none = { central: null, earliest: null, latest: null };
  const pi = wait.pEver;
  if (!(pi > UNLIKELY_PEVER)) return none;
  const at = (level: number) => {
    const t = wait.quantile(Math.min(level / pi, 1 - 1e-9));
    return Number.isFinite(t) ? Math.min(MAX_DAYS, Math.max(1, Math.ceil(t))) : MAX_DAYS;
  };
  const central = at(0.5);
  if (central >= MAX_DAYS || (churn >= RULE_HIGH_CHURN && central <= RULE_DAYS)) return none;
  const earliest = Math.min(central, at(0.25));
  const latest = Math.max(central, at(Math.min(0.75, (0.5 + pi) / 2)));
  return { central, earliest: churn >= RULE_HIGH_CHURN ? Math.max(earliest, RULE_DAYS + 1) : earliest, latest };
}
