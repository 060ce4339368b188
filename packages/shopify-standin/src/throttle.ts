import type { ShopState } from "./store";

/**
 * Shopify's leaky bucket per app and shop: `bucketSize` points, refilled at `restoreRate` points per
 * second (wall-clock time); a request runs only if the bucket holds its requested cost, then the actual
 * cost is taken out.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's single-query limit (never more than the bucket can hold). */
export function maxQueryCost(state: ShopState): number {
  return Math.min(1000, state.bucketSize);
}

export function refill(state: ShopState, nowMs: number = Date.now()): number {
  const elapsed = Math.max(0, nowMs - state.bucketAt) / 1000;
  state.bucketAvailable = Math.min(state.bucketSize, state.bucketAvailable + elapsed * state.restoreRate);
  state.bucketAt = nowMs;
  return state.bucketAvailable;
}

export function charge(state: ShopState, points: number): void {
  refill(state);
  state.bucketAvailable = Math.max(0, state.bucketAvailable - points);
}

export function throttleStatus(state: ShopState): ThrottleStatus {
  refill(state);
  return {
    maximumAvailable: state.bucketSize,
    currentlyAvailable: Math.floor(state.bucketAvailable),
    restoreRate: state.restoreRate,
  };
}
