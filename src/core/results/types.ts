import { HUMAN_CEILING, PROTOCOL_IDS, PROTOCOLS } from '../attacks/protocols';
import type { ProtocolId } from '../attacks/types';

export type { ProtocolId };
export { HUMAN_CEILING, PROTOCOL_IDS };

/**
 * One finished (model, image) run of a batch, as stored in IndexedDB and exported per image.
 * Plain data: structured-clone friendly, no typed arrays.
 */
export interface ResultRecord {
  /** `${batchId}|${modelId}|${imageId}`: a re-run of the same job overwrites instead of duplicating. */
  id: string;
  batchId: string;
  modelId: string;
  /** Name used to join published tables (timm name where known, else the catalogue id). */
  modelName: string;
  family: string;
  imageId: string;
  /** True ImageNet class (0–999). */
  label: number;
  /** Clean prediction under the protocol's read-out (ImageNet class, or 0/1 for the binary read-out). */
  cleanPrediction: number;
  cleanCorrect: boolean;
  success: boolean;
  /** ‖x_adv − x0‖₂ in [0,1] units over H·W·3; null when no adversarial was found. */
  l2: number | null;
  linf: number | null;
  /** Raw Spearman of |channel mean of δ| with the human map (2023 convention); null if undefined. */
  alignmentMean: number | null;
  /** Raw Spearman of |channel max of δ| with the human map (2025 convention, not divided by the ceiling). */
  alignmentMax: number | null;
  gradEvals: number;
  wallMs: number;
  backend: string;
  protocol: ProtocolId;
  attack: string;
  steps: number;
  /** Epoch milliseconds. */
  finishedAt: number;
  /**
   * 'failed': the job could not run (its model did not open, its record is corrupt): shown and
   * counted, never averaged in. Absent means 'done' (records stored before failures were kept).
   */
  status?: 'done' | 'failed';
  /** Why a failed job failed, in the importer's or reader's words. */
  message?: string;
  /** Where the image came from: sample id, `upload:<name>`, or the shard's name or URL. */
  imageSource?: string;
  /** The record's index in its shard; null for samples and uploads. */
  recordIndex?: number | null;
  /** False when the image had no human map (alignment null, counted "no human map"). */
  humanMap?: boolean;
}

export function isFailed(r: Pick<ResultRecord, 'status'>): boolean {
  return r.status === 'failed';
}

/** How a protocol reads alignment (METHOD.md §4, §6). */
export interface AlignmentConvention {
  map: 'mean' | 'max';
  divideByCeiling: boolean;
}

export function alignmentConvention(protocol: ProtocolId): AlignmentConvention {
  const p = PROTOCOLS[protocol];
  return { map: p.mapConvention, divideByCeiling: p.humanCeiling !== null };
}

/** The alignment a record contributes under its own protocol's convention. */
export function protocolAlignment(r: ResultRecord): number | null {
  const c = alignmentConvention(r.protocol);
  const raw = c.map === 'max' ? r.alignmentMax : r.alignmentMean;
  if (raw === null || !Number.isFinite(raw)) return null;
  return c.divideByCeiling ? raw / HUMAN_CEILING : raw;
}

export function conventionLabel(c: AlignmentConvention): string {
  const map = c.map === 'max' ? '|max over channels of δ|' : '|mean over channels of δ|';
  return c.divideByCeiling ? `Spearman(${map}, human) ÷ ${HUMAN_CEILING}` : `Spearman(${map}, human)`;
}

/** Menu and legend names, from the attack engine's protocol presets. */
export const PROTOCOL_LABELS = Object.fromEntries(PROTOCOL_IDS.map((id) => [id, PROTOCOLS[id].label])) as Record<ProtocolId, string>;
