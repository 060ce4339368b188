/**
 * Keeping the locks a job runs under. A BullMQ job holds two: BullMQ's own job lock (lost, the stalled-job
 * check gives the job to another worker) and the app's shop lock (one job per shop, worker.server.ts).
 * `keepLocks` renews each at an interval and checks the answer; when one is lost (the renewal says the
 * lock is no longer ours, or fails), it aborts `signal` with a LockLostError and stops renewing: the job
 * stops at its next checkpoint (runJob between steps, the analysis thread at once, the publish before its
 * next write), so two workers never carry on with one shop side by side.
 */
export class LockLostError extends Error {
  constructor(
    readonly lock: string,
    detail?: string,
  ) {
    super(`The job lost its ${lock}${detail ? ` (${detail})` : ""}; it stopped so that no other run of it overlaps`);
    this.name = "LockLostError";
  }
}

export interface LockCheck {
  name: string;
  /** Renews the lock; resolves true while it is still ours. */
  renew: () => Promise<boolean>;
}

export interface LockKeeper {
  signal: AbortSignal;
  /** Checks every lock now (the interval does it too). */
  check(): Promise<void>;
  stop(): void;
}

export function keepLocks(checks: readonly LockCheck[], intervalMs: number): LockKeeper {
  const controller = new AbortController();
  let stopped = false;
  const check = async () => {
    for (const lock of checks) {
      if (stopped || controller.signal.aborted) return;
      let ok: boolean;
      let detail: string | undefined;
      try {
        ok = await lock.renew();
      } catch (error) {
        ok = false;
        detail = (error as Error).message;
      }
      if (!ok && !stopped && !controller.signal.aborted) {
        const error = new LockLostError(lock.name, detail);
        console.error(`[jobs] ${error.message}`);
        controller.abort(error);
      }
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return {
    signal: controller.signal,
    check,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
