import type { ModelSummary } from './aggregate';
import { imageSourceOf } from '../batch/imageIds';
import { formatCsv } from './csv';
import { alignmentConvention, conventionLabel, type ResultRecord } from './types';

export const PER_IMAGE_COLUMNS = [
  'model', 'model_id', 'family', 'image', 'label', 'clean_prediction', 'clean_correct', 'success',
  'l2', 'linf', 'alignment_mean', 'alignment_max', 'grad_evals', 'wall_ms', 'backend', 'protocol',
  'attack', 'steps', 'batch_id', 'finished_at', 'image_source', 'record_index', 'status', 'message',
] as const;

/**
 * One row per stored run; alignments are raw Spearman values for both map conventions. The image's
 * source (sample id, `upload:<name>`, shard name or URL) and record index come after the columns
 * older files had; a failed job has status "failed", its message, and empty numbers.
 */
export function recordsToCsv(records: readonly ResultRecord[]): string {
  return formatCsv([
    PER_IMAGE_COLUMNS,
    ...records.map((r) => [
      r.modelName, r.modelId, r.family, r.imageId, r.label, r.cleanPrediction, r.cleanCorrect, r.success,
      r.l2, r.linf, r.alignmentMean, r.alignmentMax, r.gradEvals, Math.round(r.wallMs), r.backend, r.protocol,
      r.attack, r.steps, r.batchId, new Date(r.finishedAt).toISOString(),
      r.imageSource ?? imageSourceOf(r.imageId).imageSource, r.recordIndex ?? imageSourceOf(r.imageId).recordIndex,
      r.status ?? 'done', r.message ?? null,
    ]),
  ]);
}

/**
 * The first five columns are the published table's (`model,pt,aa,pt_sem,aa_sem`), so the file opens
 * wherever that table does; the counts, protocol and alignment convention follow.
 */
export const PER_MODEL_COLUMNS = [
  'model', 'pt', 'aa', 'pt_sem', 'aa_sem', 'n_pt', 'n_aa', 'n_total', 'n_misclassified', 'n_failed',
  'protocol', 'alignment', 'model_id', 'family', 'n_no_human_map', 'n_failed_jobs',
] as const;

export function summariesToCsv(summaries: readonly ModelSummary[]): string {
  return formatCsv([
    PER_MODEL_COLUMNS,
    ...summaries.map((s) => [
      s.modelName, s.pt.mean, s.aa.mean, s.pt.sem, s.aa.sem, s.pt.n, s.aa.n, s.total, s.misclassified,
      s.failed, s.protocol, conventionLabel(alignmentConvention(s.protocol)), s.modelId, s.family, s.noHumanMap, s.jobFailed,
    ]),
  ]);
}
