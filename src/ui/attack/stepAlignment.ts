import type { DeltaImage } from '../../core/attacks/types';
import { attackMap } from '../../core/metrics/attackMap';
import { spearmanAgainst } from '../../core/metrics/spearman';
import type { StepAlignment } from '../state/runStore';

/**
 * Alignment of each step's perturbation with the human map, in both conventions, computed on
 * the main thread as steps arrive (Spearman of a 224×224 map is a few ms). The human map is
 * ranked once per run.
 */

const UNDEFINED: StepAlignment = { mean: null, max: null };

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

/** Memory the timeline may spend on δ copies; beyond it, copies are average-pooled. */
export const REPLAY_BUDGET_BYTES = 96 * 1024 * 1024;

/** Pooling factor (1, 2, 4, …) so `steps` copies of a size×size×3 δ fit the replay budget. */
export function replayFactor(size: number, steps: number): number {
  let f = 1;
  while (f < size && steps * Math.ceil(size / f) ** 2 * 3 * 4 > REPLAY_BUDGET_BYTES) f *= 2;
  return f;
}

/** δ average-pooled by `factor` (edge blocks average what they cover) for the timeline. */
export function poolDelta(delta: DeltaImage, factor: number): DeltaImage {
  if (factor <= 1) return delta;
  const { width, height, data } = delta;
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let count = 0;
      const acc = [0, 0, 0];
      for (let yy = y * factor; yy < Math.min(height, (y + 1) * factor); yy++) {
        for (let xx = x * factor; xx < Math.min(width, (x + 1) * factor); xx++) {
          for (let c = 0; c < 3; c++) acc[c] += data[(yy * width + xx) * 3 + c];
          count++;
        }
      }
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = acc[c] / count;
    }
  }
  return { data: out, width: w, height: h, channels: 3, full: false };
}
