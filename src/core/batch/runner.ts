import { configForProtocol, PROTOCOLS } from '../attacks/protocols';
import { readoutClass } from '../attacks/readoutGroups';
import type { AttackConfig, AttackId, RunResult } from '../attacks/types';
import type { FloatImage } from '../image/types';
import type { StepAlignment } from '../metrics/stepAligner';
import type { ModelInfo } from '../models/types';
import { modelFamily } from '../results/taxonomy';
import type { ResultRecord } from '../results/types';
import { imageSourceOf } from './imageIds';
import { estimateRemainingMs, jobsPerMinute, planJobs, recordId, type BatchJob, type BatchPlan } from './plan';

/** One image at a model's input size, as an ImageSource hands it over. */
export interface BatchImage {
  /** [size, size, 3] RGB in [0, 1]. */
  pixels: Float32Array;
  /** Human map [size, size], one channel; null where the image has none ("no human map"). */
  heatmap: FloatImage | null;
  /** True ImageNet class; null for a picture without one (an upload): it is attacked from its clean top-1. */
  label: number | null;
}

/** Turns an image id into pixels; a throw fails that one job with the message (a corrupt record). */
export interface ImageSource {
  load(imageId: string, size: number): Promise<BatchImage>;
}

/** What one job sends to the executor; the buffers are the executor's to keep or transfer. */
export interface JobInput {
  imageId: string;
  pixels: Float32Array;
  size: number;
  heatmap?: Float32Array;
  config: AttackConfig;
}

export interface JobOutput {
  /** Clean top-1, ImageNet index (offsets removed). */
  cleanTop1: number;
  result: Pick<RunResult, 'attack' | 'success' | 'l2' | 'linf' | 'gradEvals' | 'steps'>;
  /** Alignment of the best δ with the human map; null without a best δ, nulls without a map. */
  alignment: StepAlignment | null;
}

/**
 * Runs jobs on one model at a time: the worker client in the app, TF.js in-process in Node.
 * loadModel rejecting fails that model's jobs; execute rejecting stops the batch (a lost device),
 * unless cancel() made it reject.
 */
export interface JobExecutor {
  /** The backend the jobs run on, recorded with each result. */
  readonly backend: string;
  loadModel(modelId: string): Promise<ModelInfo>;
  execute(input: JobInput): Promise<JobOutput>;
  /** Interrupts the job in flight. */
  cancel(): Promise<void>;
}

/** Where results go: IndexedDB in the app, JSONL files in the runner. */
export interface ResultSink {
  /** Ids (recordId) of this plan's jobs that already have a result, done or failed. */
  storedIds(plan: BatchPlan): Promise<ReadonlySet<string>>;
  /** Keeps one result; resolves once it is durable, before the next job starts. */
  put(record: ResultRecord): Promise<void>;
  /** The plan with its current status ('running' at the start, then 'done' or 'cancelled'). */
  putPlan?(plan: BatchPlan): Promise<void>;
}

export interface BatchProgress {
  plan: BatchPlan;
  /** Jobs with a result (failed ones included) out of total. */
  done: number;
  failed: number;
  total: number;
  current: BatchJob | null;
  /** null until this session finished a job. */
  etaMs: number | null;
  perMinute: number | null;
  last: ResultRecord | null;
}

export type BatchOutcome = 'done' | 'cancelled';

export interface RunBatchOptions {
  /** A contiguous block of the plan's jobs (a shard of a cluster run); default all. */
  jobs?: readonly BatchJob[];
  onProgress?(p: BatchProgress): void;
  /** timm name for a model, so results join the published tables; default info.timmName, else the id. */
  modelName?(info: ModelInfo): string;
  now?(): number;
}

export class BatchCancelled extends Error {
  constructor() {
    super('The batch was cancelled.');
    this.name = 'BatchCancelled';
  }
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

/** The attack a plan runs: the protocol's, except that the interactive protocol takes the plan's pick. */
export function batchAttackConfig(plan: BatchPlan, label: number | null): AttackConfig {
  const preset = PROTOCOLS[plan.protocol];
  const attack = (plan.protocol === 'interactive' ? plan.attack : preset.attack) as AttackId;
  return configForProtocol(plan.protocol, {
    attack,
    ...(label === null ? {} : { label }),
    seed: plan.seed ?? 0,
    // The steps are previews the batch does not keep; the best δ is full size.
    previewSize: 4,
    // A batch may ask for fewer steps than the preset (quick looks); pgd-bisect's length follows from its search.
    ...(attack === 'pgd-bisect' ? {} : { steps: plan.steps }),
  });
}

/**
 * Runs a batch plan job by job, handing each result to the sink the moment it exists. Jobs the
 * sink already holds are skipped, so running again after a reload, a crash or a requeue resumes
 * where it stopped. Each model is loaded once per contiguous block of its jobs.
 */
export class BatchRunner {
  private cancelled = false;

  constructor(
    private readonly executor: JobExecutor,
    private readonly images: ImageSource,
    private readonly sink: ResultSink,
  ) {}

  async run(plan: BatchPlan, options: RunBatchOptions = {}): Promise<BatchOutcome> {
    const now = options.now ?? Date.now;
    this.cancelled = false;
    await this.sink.putPlan?.({ ...plan, status: 'running' });
    const jobs = options.jobs ?? planJobs(plan);
    const stored = await this.sink.storedIds(plan);
    const todo = jobs.filter((j) => !stored.has(recordId(j)));
    const total = jobs.length;
    let done = total - todo.length;
    let failed = 0;
    const times: number[] = [];
    const sessionStart = now();
    let last: ResultRecord | null = null;
    const report = (current: BatchJob | null) =>
      options.onProgress?.({
        plan, done, failed, total, current, last,
        etaMs: estimateRemainingMs(times, total - done),
        perMinute: jobsPerMinute(times.length, now() - sessionStart),
      });
    const keep = async (record: ResultRecord, started: number) => {
      await this.sink.put(record);
      times.push(now() - started);
      done++;
      if (record.status === 'failed') failed++;
      last = record;
    };

    let model = null as { id: string; info: ModelInfo | null; error: string | null } | null;
    for (const job of todo) {
      if (this.cancelled) break;
      report(job);
      const started = now();
      if (model?.id !== job.modelId) {
        model = { id: job.modelId, info: null, error: null };
        try {
          model.info = await this.executor.loadModel(job.modelId);
        } catch (e) {
          if (this.cancelled) break;
          model.error = (e as Error).message;
        }
      }
      if (!model.info) {
        await keep(failedRecord(plan, job, null, model.error ?? 'The model did not open.', this.executor.backend, now() - started), started);
        continue;
      }
      const record = await this.runJob(plan, job, model.info, started, options);
      if (!record) break;
      await keep(record, started);
    }
    const outcome: BatchOutcome = this.cancelled ? 'cancelled' : 'done';
    await this.sink.putPlan?.({ ...plan, status: outcome });
    report(null);
    return outcome;
  }

  /** Stops after interrupting the job in flight; its job stays undone, so the batch can resume later. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.executor.cancel().catch(() => {});
  }

  private async runJob(plan: BatchPlan, job: BatchJob, model: ModelInfo, started: number, options: RunBatchOptions): Promise<ResultRecord | null> {
    const now = options.now ?? Date.now;
    const size = model.inputSize;
    const modelName = options.modelName?.(model) ?? model.timmName ?? model.id;
    if (this.cancelled) return null;
    let image: BatchImage;
    try {
      image = await this.images.load(job.imageId, size);
    } catch (e) {
      return failedRecord(plan, job, { name: modelName, family: model.family }, (e as Error).message, this.executor.backend, now() - started);
    }
    // The executor may take ownership of (transfer) what it is sent: each job gets its own copies.
    const pixels = plan.protocol.startsWith('2025') ? minMaxScale(image.pixels) : image.pixels.slice();
    const config = batchAttackConfig(plan, image.label);
    if (this.cancelled) return null;
    let out: JobOutput;
    try {
      out = await this.executor.execute({ imageId: job.imageId, pixels, size, heatmap: image.heatmap?.data.slice(), config });
    } catch (e) {
      if (this.cancelled) return null;
      throw e;
    }
    const readout = config.readout;
    const cleanPrediction = readoutClass(readout, out.cleanTop1);
    // Without a true class the clean top-1 stands in for it (the attack starts from it too).
    const label = image.label ?? out.cleanTop1;
    return {
      id: recordId(job),
      ...job,
      ...imageSourceOf(job.imageId),
      modelName,
      family: model.family || modelFamily(modelName),
      label,
      cleanPrediction,
      cleanCorrect: cleanPrediction === readoutClass(readout, label),
      success: out.result.success,
      l2: out.result.l2,
      linf: out.result.linf,
      alignmentMean: out.alignment?.mean ?? null,
      alignmentMax: out.alignment?.max ?? null,
      gradEvals: out.result.gradEvals,
      wallMs: now() - started,
      backend: this.executor.backend,
      protocol: plan.protocol,
      attack: out.result.attack,
      steps: out.result.steps,
      finishedAt: Date.now(),
      status: 'done',
      humanMap: image.heatmap !== null,
    };
  }
}

/** A job that could not run: stored so it is shown, counted and not retried, never averaged in. */
export function failedRecord(
  plan: BatchPlan,
  job: BatchJob,
  model: { name: string; family: string } | null,
  message: string,
  backend: string,
  wallMs: number,
): ResultRecord {
  const name = model?.name ?? job.modelId;
  return {
    id: recordId(job),
    ...job,
    ...imageSourceOf(job.imageId),
    modelName: name,
    family: model?.family || modelFamily(name),
    label: -1,
    cleanPrediction: -1,
    cleanCorrect: false,
    success: false,
    l2: null,
    linf: null,
    alignmentMean: null,
    alignmentMax: null,
    gradEvals: 0,
    wallMs,
    backend,
    protocol: plan.protocol,
    attack: plan.attack,
    steps: 0,
    finishedAt: Date.now(),
    status: 'failed',
    message,
  };
}
