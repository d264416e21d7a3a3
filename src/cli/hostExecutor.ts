/**
 * The runner's JobExecutor: the app's worker protocol against the worker host running in this
 * process (node/inProcessWorker), so a job goes through the same requests and the same host code
 * as in the app's worker.
 */
import type { JobExecutor, JobInput, JobOutput } from '../core/batch/runner';
import type { ModelInfo } from '../core/models/types';
import type { ModelSource } from '../worker/protocol';
import type { AttackHandle, WorkerClient } from '../worker/client';

export class HostExecutor implements JobExecutor {
  private active: AttackHandle | null = null;

  constructor(
    private readonly client: WorkerClient,
    readonly backend: string,
    private readonly sources: ReadonlyMap<string, ModelSource>,
  ) {}

  loadModel(modelId: string): Promise<ModelInfo> {
    const source = this.sources.get(modelId);
    if (!source) return Promise.reject(new Error(`The model "${modelId}" was not named on the command line.`));
    return this.client.loadModel(source);
  }

  async execute(input: JobInput): Promise<JobOutput> {
    // Both messages transfer their map: each gets its own copy.
    const map = input.heatmap;
    await this.client.setImage(input.pixels, input.size, map?.slice(), input.imageId);
    const [top] = await this.client.predict();
    this.active = this.client.startAttack(input.config, undefined, map);
    try {
      const [result, alignment] = await Promise.all([this.active.result, this.active.resultAlignment]);
      return { cleanTop1: top.classIndex, result, alignment };
    } finally {
      this.active = null;
    }
  }

  async cancel(): Promise<void> {
    if (this.active) await this.client.cancel(this.active.runId);
  }
}
