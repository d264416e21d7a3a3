import type { JobExecutor, JobInput, JobOutput } from '../core/batch/runner';
import type { ModelInfo } from '../core/models/types';

/**
 * Times the executor's jobs for the runner's speed line: attack steps per second over the time of
 * whole executions (image handed over, clean prediction, every FMN step, the best δ's alignment);
 * model loading and image decoding are outside it, so the figure compares with `npm run bench`.
 */
export class TimedExecutor implements JobExecutor {
  steps = 0;
  ms = 0;
  jobs = 0;
  /** Steps per second of the fastest job: what an idle moment of a shared machine allows. */
  fastest = 0;
  /**
   * Steps and time of the jobs after each model's first: its first job also pays for the JIT and the
   * kernels' first use, which `npm run bench` leaves to an untimed warm-up call.
   */
  warmSteps = 0;
  warmMs = 0;
  private firstOfModel = true;

  constructor(
    private readonly inner: JobExecutor,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get backend(): string {
    return this.inner.backend;
  }

  loadModel(modelId: string): Promise<ModelInfo> {
    this.firstOfModel = true;
    return this.inner.loadModel(modelId);
  }

  async execute(input: JobInput): Promise<JobOutput> {
    const t0 = this.now();
    const out = await this.inner.execute(input);
    const ms = this.now() - t0;
    this.ms += ms;
    this.steps += out.result.steps;
    this.jobs++;
    if (ms > 0) this.fastest = Math.max(this.fastest, (out.result.steps * 1000) / ms);
    if (!this.firstOfModel) {
      this.warmSteps += out.result.steps;
      this.warmMs += ms;
    }
    this.firstOfModel = false;
    return out;
  }

  cancel(): Promise<void> {
    return this.inner.cancel();
  }

  stepsPerSecond(): number | null {
    return this.ms > 0 ? (this.steps * 1000) / this.ms : null;
  }

  /** Steps per second after each model's first job; null with one job a model. */
  warmStepsPerSecond(): number | null {
    return this.warmMs > 0 ? (this.warmSteps * 1000) / this.warmMs : null;
  }
}
