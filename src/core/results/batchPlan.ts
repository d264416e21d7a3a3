import type { ProtocolId, ResultRecord } from './types';

/** What the user asked for: every model × every image under one protocol. Stored so a reload can resume it. */
export interface BatchPlan {
  id: string;
  createdAt: number;
  protocol: ProtocolId;
  /** Catalogue ids, in run order. */
  models: string[];
  /** Sample ids, in run order. */
  images: string[];
  attack: string;
  steps: number;
  /** 'running' also describes a batch whose tab was closed: it resumes when a tab picks it up. */
  status: 'running' | 'done' | 'cancelled';
}

export interface BatchJob {
  batchId: string;
  modelId: string;
  imageId: string;
}

export function recordId(job: BatchJob): string {
  return `${job.batchId}|${job.modelId}|${job.imageId}`;
}

/** Model-major order, so each model is loaded once per batch. */
export function planJobs(plan: BatchPlan): BatchJob[] {
  return plan.models.flatMap((modelId) => plan.images.map((imageId) => ({ batchId: plan.id, modelId, imageId })));
}

/** Jobs of the plan with no stored result yet, in run order. */
export function remainingJobs(plan: BatchPlan, records: readonly ResultRecord[]): BatchJob[] {
  const done = new Set(records.filter((r) => r.batchId === plan.id).map((r) => r.id));
  return planJobs(plan).filter((j) => !done.has(recordId(j)));
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

export function newBatchId(now = Date.now()): string {
  return `batch-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
