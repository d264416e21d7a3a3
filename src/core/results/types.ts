import type { ProtocolId } from '../attacks/types';

export type { ProtocolId };

export const PROTOCOL_IDS: readonly ProtocolId[] = ['interactive', '2025-corrected', '2025-published', '2023'];

/** Spearman ceiling of ClickMe: the correlation between two halves of the players (METHOD.md §2). */
export const HUMAN_CEILING = 0.65753;

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
}

/** How a protocol reads alignment (METHOD.md §4, §6). */
export interface AlignmentConvention {
  map: 'mean' | 'max';
  divideByCeiling: boolean;
}

export function alignmentConvention(protocol: ProtocolId): AlignmentConvention {
  return protocol === '2025-corrected' || protocol === '2025-published'
    ? { map: 'max', divideByCeiling: true }
    : { map: 'mean', divideByCeiling: false };
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

export const PROTOCOL_LABELS: Record<ProtocolId, string> = {
  interactive: 'Interactive (FMN L2, 100 steps, 1000 classes)',
  '2025-corrected': '2025 corrected (working FMN, binary read-out)',
  '2025-published': '2025 as published (foolbox L2FMN behaviour, binary read-out)',
  '2023': '2023 paper (L2 PGD with ε bisection)',
};
