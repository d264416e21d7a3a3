import type { FloatImage } from '../image/types';
import { attackMap, type AttackMapConvention } from './attackMap';
import { HUMAN_CEILING } from './clickme';
import { MetricInputError } from './errors';
import { spearmanAgainst } from './spearman';

export interface AlignmentOptions {
  /** Attack map convention; default 'mean' (2023). */
  convention?: AttackMapConvention;
  /** Divide ρ by the human ceiling 0.65753, as the 2025 follow-up does; default false. */
  divideByCeiling?: boolean;
}

/**
 * Alignment of perturbations with one human map (already at the model's resolution):
 * ranks the human map once, then scores each δ. null means undefined (e.g. δ = 0), never 0.
 */
export function alignmentScorer(humanMap: FloatImage, options: AlignmentOptions = {}): (delta: FloatImage) => number | null {
  const { convention = 'mean', divideByCeiling = false } = options;
  if (humanMap.channels !== 1) {
    throw new MetricInputError(`A human map must have one channel, but this one has ${humanMap.channels}.`);
  }
  const rho = spearmanAgainst(humanMap.data, 'human');
  return (delta) => {
    if (delta.width !== humanMap.width || delta.height !== humanMap.height) {
      throw new MetricInputError(
        `The perturbation is ${delta.width}×${delta.height} but the human map is ${humanMap.width}×${humanMap.height}; bring both to the model's input size first.`,
      );
    }
    const r = rho(attackMap(delta, convention).data, 'attack');
    return r === null ? null : divideByCeiling ? r / HUMAN_CEILING : r;
  };
}

/** One-off alignment of δ with a human map; see alignmentScorer for repeated use. */
export function alignment(delta: FloatImage, humanMap: FloatImage, options: AlignmentOptions = {}): number | null {
  return alignmentScorer(humanMap, options)(delta);
}
