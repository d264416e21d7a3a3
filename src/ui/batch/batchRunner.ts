import { configForProtocol, PROTOCOLS } from '../../core/attacks/protocols';
import type { AttackConfig, RunResult } from '../../core/attacks/types';
import type { StepAlignment } from '../../core/metrics/stepAligner';
import type { FloatImage } from '../../core/image/types';
import type { ModelInfo } from '../../core/models/types';
import type { CropResizeOptions } from '../../core/image/resize';
import { cropOptionsOf } from '../../core/models/preprocessing';
import { estimateRemainingMs, recordId, remainingJobs, type BatchJob, type BatchPlan } from '../../core/results/batchPlan';
import { readoutClass } from '../../core/attacks/readoutGroups';
import { modelFamily } from '../../core/results/taxonomy';
import type { ResultRecord } from '../../core/results/types';
import type { ResultsStore } from '../storage/resultsStore';
import type { AttackHandle } from '../../worker/client';
import type { ModelSource, Prediction } from '../../worker/protocol';

/** A batch keeps the result and the best δ's alignment with the sample's map, which the worker computes. */
type BatchAttack = Pick<AttackHandle, 'runId' | 'result' | 'resultAlignment'>;

/** The part of the worker client a batch needs (a second client, so the interactive view keeps its model). */
export interface BatchWorker {
  loadModel(source: ModelSource): Promise<ModelInfo>;
  setImage(pixels: Float32Array, size: number, heatmap?: Float32Array, imageId?: string): Promise<void>;
  predict(): Promise<Prediction[]>;
  /** No per-step callback; `humanMap` (transferred) is what the worker aligns the best δ with. */
  startAttack(config: AttackConfig, onStep: undefined, humanMap?: Float32Array): BatchAttack;
  cancel(runId: number): Promise<void>;
}

/**
 * The 2025 follow-up min–max scaled each image to [0, 1] before attacking it (METHOD.md §6); a
 * constant image stays as it is.
 */
export function minMaxScale(pixels: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pixels) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return pixels.slice();
  return pixels.map((v) => (v - lo) / (hi - lo));
}

export interface BatchSample {
  /** [size, size, 3] in [0,1] at the model's input size. */
  pixels: Float32Array;
  /** Human map at the same size, one channel; null where the image has none. */
  heatmap: FloatImage | null;
  /** True ImageNet class. */
  label: number;
}

export interface BatchDeps {
  worker: BatchWorker;
  /** `crop`: the model's interpolation and crop_pct, for cropResize. */
  loadSample(imageId: string, size: number, crop?: CropResizeOptions): Promise<BatchSample>;
  store: Pick<ResultsStore, 'putResult' | 'listResults' | 'putBatch'>;
  /** The backend the worker runs on, recorded with each result. */
  backend(): string;
  /** timm name for a catalogue model, so results join the published tables. */
  modelName?(info: ModelInfo): string;
  now?(): number;
}

export interface BatchProgress {
  plan: BatchPlan;
  done: number;
  total: number;
  current: BatchJob | null;
  /** null until the first job of this session finished. */
  etaMs: number | null;
  last: ResultRecord | null;
}

export type BatchOutcome = 'done' | 'cancelled';

/**
 * Runs a batch plan job by job, storing each result the moment it exists. Jobs with a stored result
 * are skipped, so calling run() again after a reload or a crash resumes where it stopped.
 */
export class BatchRunner {
  private cancelled = false;
  private active: BatchAttack | null = null;

  constructor(private readonly deps: BatchDeps) {}

  async run(plan: BatchPlan, onProgress: (p: BatchProgress) => void = () => {}): Promise<BatchOutcome> {
    const { store } = this.deps;
    const now = this.deps.now ?? Date.now;
    this.cancelled = false;
    await store.putBatch({ ...plan, status: 'running' });
    const todo = remainingJobs(plan, await store.listResults());
    const total = plan.models.length * plan.images.length;
    let done = total - todo.length;
    const times: number[] = [];
    let model: ModelInfo | null = null;
    let last: ResultRecord | null = null;
    const report = (current: BatchJob | null) =>
      onProgress({ plan, done, total, current, etaMs: estimateRemainingMs(times, total - done), last });

    for (const job of todo) {
      if (this.cancelled) break;
      report(job);
      const started = now();
      if (model?.id !== job.modelId) model = await this.deps.worker.loadModel({ kind: 'catalogue', id: job.modelId });
      const record = await this.runJob(plan, job, model, started);
      if (!record) break;
      await store.putResult(record);
      times.push(now() - started);
      done++;
      last = record;
    }
    const outcome: BatchOutcome = this.cancelled ? 'cancelled' : 'done';
    await store.putBatch({ ...plan, status: outcome });
    report(null);
    return outcome;
  }

  /** Stops after cancelling the attack in flight; its job stays undone, so the batch can resume later. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    if (this.active) await this.deps.worker.cancel(this.active.runId).catch(() => {});
  }

  private async runJob(plan: BatchPlan, job: BatchJob, model: ModelInfo, started: number): Promise<ResultRecord | null> {
    const { worker } = this.deps;
    const size = model.inputSize;
    const sample = await this.deps.loadSample(job.imageId, size, cropOptionsOf(model));
    // The worker takes ownership of transferred buffers: each message gets its own copy.
    const pixels = plan.protocol.startsWith('2025') ? minMaxScale(sample.pixels) : sample.pixels.slice();
    await worker.setImage(pixels, size, sample.heatmap?.data.slice(), job.imageId);
    const [top] = await worker.predict();
    const preset = PROTOCOLS[plan.protocol];
    const readout = preset.readout;
    // A batch may ask for fewer steps than the preset (quick looks); pgd-bisect's length follows from its search.
    const config = configForProtocol(plan.protocol, {
      label: sample.label,
      previewSize: 4,
      ...(preset.attack === 'pgd-bisect' ? {} : { steps: plan.steps }),
    });
    if (this.cancelled) return null;
    // The steps are previews (previewSize 4), which the worker does not align; the best δ is full size.
    this.active = worker.startAttack(config, undefined, sample.heatmap?.data.slice());
    let result: RunResult;
    let aligned: StepAlignment | null;
    try {
      [result, aligned] = await Promise.all([this.active.result, this.active.resultAlignment]);
    } catch (e) {
      if (this.cancelled) return null;
      throw e;
    } finally {
      this.active = null;
    }
    const cleanPrediction = readoutClass(readout, top.classIndex);
    const modelName = this.deps.modelName?.(model) ?? model.timmName ?? model.id;
    return {
      id: recordId(job),
      ...job,
      modelName,
      family: model.family || modelFamily(modelName),
      label: sample.label,
      cleanPrediction,
      cleanCorrect: cleanPrediction === readoutClass(readout, sample.label),
      success: result.success,
      l2: result.l2,
      linf: result.linf,
      alignmentMean: aligned?.mean ?? null,
      alignmentMax: aligned?.max ?? null,
      gradEvals: result.gradEvals,
      wallMs: (this.deps.now ?? Date.now)() - started,
      backend: this.deps.backend(),
      protocol: plan.protocol,
      attack: result.attack,
      steps: result.steps,
      finishedAt: Date.now(),
    };
  }
}
