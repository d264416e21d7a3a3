import type { DeltaImage } from '../../core/attacks/types';

/** How the timeline keeps each step's δ for replay within a memory budget. */

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
