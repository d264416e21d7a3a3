import { createImage, type FloatImage } from '../image/types';
import { MetricInputError } from './errors';

/**
 * Plain TypeScript, no tfjs, so the main thread can score steps without loading TensorFlow.js
 * (attackMapTensor.ts has the GPU variant).
 *
 * How a perturbation δ becomes a per-pixel attack map:
 * 'mean' — |mean over channels of δ| (2023 paper, AlignScope's default);
 * 'max'  — |max over channels of δ|, the signed maximum then its magnitude, exactly as the
 *          2025 follow-up's code computes it (torch.abs(torch.amax(x_adv − x, dim=channels))).
 */
export type AttackMapConvention = 'mean' | 'max';

export const ATTACK_MAP_LABELS: Record<AttackMapConvention, string> = {
  mean: '|mean over channels of δ| (2023)',
  max: '|max over channels of δ| (2025)',
};

/** δ as an HWC image (3 channels) → a 1-channel map of the same size. */
export function attackMap(delta: FloatImage, convention: AttackMapConvention = 'mean'): FloatImage {
  if (delta.channels < 1) throw new MetricInputError('An attack map needs a perturbation with at least one channel.');
  const { width, height, channels: ch, data } = delta;
  const n = width * height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = data[i * ch];
    for (let c = 1; c < ch; c++) {
      const v = data[i * ch + c];
      acc = convention === 'mean' ? acc + v : Math.max(acc, v);
    }
    out[i] = Math.abs(convention === 'mean' ? acc / ch : acc);
  }
  return createImage(width, height, 1, out);
}
