import type { DeltaImage } from '../attacks/types';
import { attackMap } from './attackMap';
import { spearmanAgainst } from './spearman';

/**
 * Alignment of each attack step's perturbation with the human map, in both conventions. The
 * attack worker runs it next to every step (Spearman of a 224×224 map costs a few ms, too much
 * for the UI thread over a long run); the human map is ranked once per aligner.
 */

/** Alignment of one step's attack map with the human map, in both conventions (raw Spearman ρ). */
export interface StepAlignment {
  mean: number | null;
  max: number | null;
}

const UNDEFINED: StepAlignment = Object.freeze({ mean: null, max: null });

/** A function from δ to its alignment; every value is null when there is no human map. */
export function makeStepAligner(humanMap: Float32Array | null): (delta: DeltaImage) => StepAlignment {
  if (!humanMap) return () => UNDEFINED;
  const against = spearmanAgainst(humanMap, 'human');
  return (delta) => {
    // A downsampled preview does not line up with the human map pixel for pixel.
    if (delta.width * delta.height !== humanMap.length) return UNDEFINED;
    return { mean: against(attackMap(delta, 'mean').data, 'attack'), max: against(attackMap(delta, 'max').data, 'attack') };
  };
}
