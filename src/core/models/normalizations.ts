import type { Normalization } from './types';

/** The input conventions in use (METHOD.md §1), by display name. */
export const NORMALIZATIONS = {
  '[-1,1]': { scale: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  'ImageNet mean/std': { scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  '[0,1]': { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
  '[0,255]': { scale: 255, mean: [0, 0, 0], std: [1, 1, 1] },
} as const satisfies Record<string, Normalization>;

export type NormalizationName = keyof typeof NORMALIZATIONS;

export const NORMALIZATION_NAMES = Object.keys(NORMALIZATIONS) as NormalizationName[];

/** A mutable copy of a preset, for a ModelInfo. */
export function normalizationPreset(name: NormalizationName): Normalization {
  const n = NORMALIZATIONS[name];
  return { scale: n.scale, mean: [...n.mean], std: [...n.std] };
}
