/**
 * A step's progress, recorded on its run's row (detailsJson.progress and .job) for the admin's bars and
 * reported to the job's listener: the phase, the step's share done and the job's (models/job-models/job-progress.ts).
 */
import type { Db } from "../../db.server";
import type { RunDetails } from "../../models/json-columns.server";
import { updateSyncRun } from "../../models/sync-runs.server";
import {
  MonotoneShare,
  alone,
  jobShare,
  stepShare,
  type PhaseTable,
  type StepName,
  type StepPlace,
} from "../../models/job-progress";

export interface JobProgressEvent {
  runId: string;
  step: StepName;
  phase: string;
  /** The step's share done, 0..1. */
  stepShare: number;
  /** The whole job's share done, 0..1 (monotone across its steps). */
  jobShare: number;
}

export type JobProgressListener = (event: JobProgressEvent) => void;

/** What a job gives each of its steps: its place in the job and who listens. */
export interface StepProgressOptions {
  place?: StepPlace;
  onProgress?: JobProgressListener;
}

export class StepProgress {
  private readonly share = new MonotoneShare();
  private readonly place: StepPlace;
  private lastWrite = 0;

  /** `details` is the run's own details object: progress is written into it, and it is what is saved. */
  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly step: StepName,
    private readonly phases: PhaseTable,
    private readonly details: RunDetails,
    private readonly opts: StepProgressOptions & { everyMs?: number } = {},
  ) {
    this.place = opts.place ?? alone(step);
  }

  /** Records that `phase` is `share` done (in the details and to the listener); returns the step's share. */
  mark(phase: string, share: number): number {
    const s = this.share.update(stepShare(this.phases, phase, share));
    this.details.phase = phase;
    this.details.progress = s;
    this.details.job = { steps: [...this.place.steps], index: this.place.index };
    this.opts.onProgress?.({
      runId: this.runId,
      step: this.step,
      phase,
      stepShare: s,
      jobShare: jobShare({ steps: this.place.steps, index: this.place.index, stepShare: s }),
    });
    return s;
  }

  /** Marks and saves the details on the run's row (at most once every `everyMs` unless `force`). */
  async report(phase: string, share: number, force = false): Promise<void> {
    this.mark(phase, share);
    const now = Date.now();
    if (!force && now - this.lastWrite < (this.opts.everyMs ?? 1000)) return;
    this.lastWrite = now;
    await updateSyncRun(this.db, this.runId, { details: this.details });
  }
}
