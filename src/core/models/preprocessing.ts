import type { CropResizeOptions } from '../image/resize';
import type { Interpolation } from '../image/resample';
import type { ModelInfo, Normalization } from './types';

/**
 * How a picture becomes this model's input, as timm's data config states it: resize the shorter
 * side to inputSize / cropPct with `interpolation` (antialiased as PIL does), centre-crop
 * inputSize × inputSize, then normalise. AlignScope's pixels stay in [0, 1]; the normalisation is
 * applied inside the model wrapper.
 */
export interface Preprocessing {
  inputSize: number;
  interpolation: Interpolation;
  cropPct: number;
  normalization: Normalization;
  normalizationName: string;
  /** Where interpolation and cropPct come from, in words. */
  source: string;
}

/** What a model gets when nothing states otherwise: the shorter side resized to the input size, bilinear. */
const DEFAULT_INTERPOLATION: Interpolation = 'bilinear';
const DEFAULT_CROP_PCT = 1;
export const DEFAULT_PREPROCESSING_SOURCE = 'AlignScope defaults (bilinear, crop_pct 1)';

export function preprocessingOf(info: ModelInfo): Preprocessing {
  return {
    inputSize: info.inputSize,
    ...cropOptionsOf(info),
    normalization: info.normalization,
    normalizationName: info.normalizationName,
    source: info.preprocessingSource ?? DEFAULT_PREPROCESSING_SOURCE,
  };
}

/** The crop-and-resize options for cropResize(picture, info.inputSize, …). */
export function cropOptionsOf(info: Pick<ModelInfo, 'interpolation' | 'cropPct'>): Required<CropResizeOptions> {
  return { interpolation: info.interpolation ?? DEFAULT_INTERPOLATION, cropPct: info.cropPct ?? DEFAULT_CROP_PCT };
}

/** One line for the model panel: "224×224 · bicubic · crop_pct 0.875 · ImageNet mean/std". */
export function describePreprocessing(p: Preprocessing): string {
  return `${p.inputSize}×${p.inputSize} · ${p.interpolation} · crop_pct ${p.cropPct} · ${p.normalizationName}`;
}

export class PreprocessingError extends Error {
  override name = 'PreprocessingError';
}

/** Checks a crop_pct stated by a user or a file: timm's tables use 0.875 to 1.15. */
export function checkCropPct(value: number, where: string): number {
  if (!Number.isFinite(value) || value <= 0 || value > 2) {
    throw new PreprocessingError(`${where} gives crop_pct ${value}; it must be a number above 0 and at most 2 (timm uses 0.875 to 1.15).`);
  }
  return value;
}
