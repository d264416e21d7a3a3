/**
 * The batch's JobExecutor over the worker protocol: the app's Web Worker, or a WorkerHost joined
 * in-process by a MessageChannel in Node (see testing.ts), so both run the very same worker code.
 */
import type { JobExecutor, JobInput, JobOutput } from '../core/batch/runner';
import { BatchCancelled } from '../core/batch/runner';
import type { ModelInfo } from '../core/models/types';
import type { AttackConfig } from '../core/attacks/types';
import type { AttackHandle } from './client';
import type { ModelSource, Prediction } from './protocol';

/** The part of the worker client a batch needs (a second client in the app, so the interactive view keeps its model). */
export interface BatchWorker {
  loadModel(source: ModelSource): Promise<ModelInfo>;
  setImage(pixels: Float32Array, size: number, heatmap?: Float32Array, imageId?: string): Promise<void>;
  predict(): Promise<Prediction[]>;
  /** No per-step callback; `humanMap` (transferred) is what the worker aligns the best δ with. */
  startAttack(config: AttackConfig, onStep: undefined, humanMap?: Float32Array): Pick<AttackHandle, 'runId' | 'result' | 'resultAlignment'>;
  cancel(runId: number): Promise<void>;
}

export class WorkerJobExecutor implements JobExecutor {
  private active: number | null = null;
  private cancelled = false;

  constructor(
    private readonly worker: BatchWorker,
    readonly backend: string,
    /** Model id → what the worker opens (catalogue, URL, the stored files of `file:<name>`). */
    private readonly resolveModel: (modelId: string) => Promise<ModelSource>,
  ) {}

  async loadModel(modelId: string): Promise<ModelInfo> {
    this.cancelled = false;
    return this.worker.loadModel(await this.resolveModel(modelId));
  }

  async execute(input: JobInput): Promise<JobOutput> {
    this.cancelled = false;
    await this.worker.setImage(input.pixels, input.size, input.heatmap?.slice(), input.imageId);
    const [top] = await this.worker.predict();
    if (this.cancelled) throw new BatchCancelled();
    // The map is sent twice (setImage and the attack) because the worker takes ownership of both.
    const handle = this.worker.startAttack(input.config, undefined, input.heatmap);
    this.active = handle.runId;
    try {
      const [result, alignment] = await Promise.all([handle.result, handle.resultAlignment]);
      return { cleanTop1: top.classIndex, result, alignment };
    } finally {
      this.active = null;
    }
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    if (this.active !== null) await this.worker.cancel(this.active);
  }
}
