import { createImage, ImageShapeError, type FloatImage } from '../image/types';
import { cropResize, resizeBilinear } from '../image/resize';

/** Spearman correlation between two halves of the ClickMe players (METHOD §2); the 2025 follow-up divides by it. */
export const HUMAN_CEILING = 0.65753;

export const CLICKME_BLUR_SIZE = 10;
export const CLICKME_BLUR_SIGMA = 10;
/** Resolution at which official maps are blurred. */
export const CLICKME_BLUR_RESOLUTION = 64;

/**
 * The harmonizer's blur kernel as two 1D factors (the 2D kernel is rows[i]·cols[j], sum 1).
 * Its code builds x = −5…4 for columns but y = 4…−5 for rows (tf.range upwards for x, downwards
 * for y), so with TF's cross-correlating conv2d the rows are centred on the pixel while the columns
 * lean one pixel to the right. AlignScope copies that, so maps match the published preprocessing.
 */
export function clickmeKernel(
  size = CLICKME_BLUR_SIZE,
  sigma = CLICKME_BLUR_SIGMA,
): { rows: Float64Array; cols: Float64Array } {
  const low = Math.floor(-(size - 1) / 2); // Python's -(size-1)//2
  const high = Math.floor((size - 1) / 2);
  const g = (t: number) => Math.exp(-(t * t) / (2 * sigma * sigma));
  const cols = Float64Array.from({ length: size }, (_, j) => g(low + j));
  const rows = Float64Array.from({ length: size }, (_, i) => g(high - i));
  for (const v of [rows, cols]) {
    const sum = v.reduce((a, b) => a + b, 0);
    for (let i = 0; i < size; i++) v[i] /= sum;
  }
  return { rows, cols };
}

/**
 * Cross-correlation with the separable kernel and zero 'SAME' padding as TF pads it
 * (for an even kernel of size k: floor((k−1)/2) before, the rest after).
 */
export function blurSame(map: FloatImage, kernel: { rows: Float64Array; cols: Float64Array }): FloatImage {
  if (map.channels !== 1) {
    throw new ImageShapeError(`Only single-channel maps can be blurred, but this one has ${map.channels} channels.`);
  }
  const { width: w, height: h, data } = map;
  const { rows, cols } = kernel;
  const before = (k: number) => Math.floor((k - 1) / 2);
  const tmp = new Float64Array(w * h);
  const padC = before(cols.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = 0; j < cols.length; j++) {
        const xx = x + j - padC;
        if (xx >= 0 && xx < w) acc += cols[j] * data[y * w + xx];
      }
      tmp[y * w + x] = acc;
    }
  }
  const out = new Float32Array(w * h);
  const padR = before(rows.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = 0; i < rows.length; i++) {
        const yy = y + i - padR;
        if (yy >= 0 && yy < h) acc += rows[i] * tmp[yy * w + x];
      }
      out[y * w + x] = acc;
    }
  }
  return createImage(w, h, 1, out);
}

/**
 * An official ClickMe heatmap (256×256, from a TFRecord) → the map alignment is measured against,
 * as the paper and the harmonizer do: bilinear to 64×64, Gaussian blur, bilinear to `size`.
 * For a non-square map, the shared crop path makes it square first, as for its image.
 */
export function preprocessClickmeMap(map: FloatImage, size = 224): FloatImage {
  const square = map.width === map.height ? map : cropResize(map, Math.min(map.width, map.height));
  const small = resizeBilinear(square, CLICKME_BLUR_RESOLUTION, CLICKME_BLUR_RESOLUTION);
  const blurred = blurSame(small, clickmeKernel());
  return resizeBilinear(blurred, size, size);
}

/**
 * Where a human map comes from decides its preprocessing: 'clickme-official' maps are blurred
 * (preprocessClickmeMap); 'ready' maps (the bundled samples, user uploads, maps drawn in the app)
 * are already smooth and only go through the same crop and resize as their image.
 */
export type HumanMapSource = 'clickme-official' | 'ready';

export function humanMapForModel(map: FloatImage, size: number, source: HumanMapSource): FloatImage {
  return source === 'clickme-official' ? preprocessClickmeMap(map, size) : cropResize(map, size);
}
