import type { ModelOverrides } from '../models/modelId';
import type { ProtocolId, ResultRecord } from '../results/types';

/**
 * What the user asked for: every model × every image under one protocol. Stored (IndexedDB in the
 * app, the command line in the runner) so a reload or a requeue resumes it.
 */
export interface BatchPlan {
  id: string;
  createdAt: number;
  protocol: ProtocolId;
  /** Model ids as `model=` takes them (catalogue id, or URL with its #fragment), or `file:<name>`; in run order. */
  models: string[];
  /** Image ids (see imageIds.ts): sample id, `upload:<name>`, `shard:<shard>#<record>`; in run order. */
  images: string[];
  attack: string;
  steps: number;
  /** Seed of each attack; 0 when absent. */
  seed?: number;
  /** Name and size of the files the plan needs again on resume (model files, shard files). */
  files?: PlanFile[];
  /** 'running' also describes a batch whose tab was closed: it resumes when a tab picks it up. */
  status: 'running' | 'done' | 'cancelled';
}

/** A file the user gave: a resumed batch asks for it again unless storage kept it, and checks name and size. */
export interface PlanFile {
  /** The model id (`file:<name>`) or shard name the plan uses for it. */
  id: string;
  kind: 'model' | 'shard';
  name: string;
  /** Bytes; -1 when unknown (a `file:` id typed into an address): then only the name is checked. */
  size: number;
  /** For a model file: what the user stated about it, so a file picked again opens the same way. */
  overrides?: ModelOverrides;
}

export interface BatchJob {
  batchId: string;
  modelId: string;
  imageId: string;
}

export function recordId(job: BatchJob): string {
  return `${job.batchId}|${job.modelId}|${job.imageId}`;
}

/** Model-major order, so each model is loaded once per batch (and once per contiguous block of it). */
export function planJobs(plan: Pick<BatchPlan, 'id' | 'models' | 'images'>): BatchJob[] {
  return plan.models.flatMap((modelId) => plan.images.map((imageId) => ({ batchId: plan.id, modelId, imageId })));
}

/** Jobs of the plan with no stored result yet (done or failed), in run order. */
export function remainingJobs(plan: BatchPlan, records: readonly Pick<ResultRecord, 'id' | 'batchId'>[]): BatchJob[] {
  const done = new Set(records.filter((r) => r.batchId === plan.id).map((r) => r.id));
  return planJobs(plan).filter((j) => !done.has(recordId(j)));
}

/**
 * A stable hash of what the batch computes: protocol, attack, steps, seed and the ordered
 * (model, image) list; not the batch id or its time. Two commands with the same hash produce
 * interchangeable results, so result files carrying it can be merged. FNV-1a, 64 bits, hex.
 */
export function jobListHash(plan: Pick<BatchPlan, 'protocol' | 'attack' | 'steps' | 'seed' | 'models' | 'images'>): string {
  const text = JSON.stringify([
    plan.protocol,
    plan.attack,
    plan.steps,
    plan.seed ?? 0,
    plan.models.flatMap((m) => plan.images.map((i) => [m, i])),
  ]);
  return fnv1a64(text);
}

/** FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/**
 * Milliseconds left: the median of the recent job times (robust to the slow first job, which
 * compiles shaders and loads the model) times the jobs left; null before any job finished.
 */
export function estimateRemainingMs(recentJobMs: readonly number[], jobsLeft: number): number | null {
  if (jobsLeft === 0) return 0;
  const recent = recentJobMs.slice(-10);
  if (recent.length === 0) return null;
  const s = [...recent].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return median * jobsLeft;
}

/** Jobs per minute this session: jobs finished since it started over the time since; null before the first. */
export function jobsPerMinute(jobsFinished: number, elapsedMs: number): number | null {
  return jobsFinished > 0 && elapsedMs > 0 ? (jobsFinished * 60_000) / elapsedMs : null;
}

export function newBatchId(now = Date.now()): string {
  return `batch-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
