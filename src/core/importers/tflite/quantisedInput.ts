import type { Normalization } from '../../models/types';

/** What every model with dequantised weights says about itself. */
export const QUANTISED_NOTE =
  'The float32 weights are dequantised from a quantised TFLite model; AlignScope runs them in float, ' +
  'so scores differ slightly from the quantised model, whose ImageNet accuracy is about one point below the float original.';

/** The normalisation that feeds a float model what the quantised model sees for pixel p: s·(q − z). */
export function quantisedInputNormalization(
  type: 'uint8' | 'int8',
  scale: number,
  zeroPoint: number,
): { normalization: Normalization; name: string } {
  const z = zeroPoint + (type === 'int8' ? 128 : 0);
  const mean = z / 255;
  const std = 1 / (255 * scale);
  return {
    normalization: { scale: 1, mean: [mean, mean, mean], std: [std, std, std] },
    name: `[${round(scale * -z)},${round(scale * (255 - z))}] (from the input quantisation: scale ${round(scale, 6)}, zero point ${zeroPoint})`,
  };
}

function round(v: number, digits = 3): number {
  return Number(v.toFixed(digits));
}

