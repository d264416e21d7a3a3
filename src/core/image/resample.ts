import { createImage, ImageShapeError, type FloatImage } from './types';

/** The resampling filters timm's data configs name (and PIL's Image.BILINEAR / Image.BICUBIC). */
export type Interpolation = 'bilinear' | 'bicubic';
export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'bicubic'];

interface Filter {
  /** Half-width of the filter at scale 1, in source pixels. */
  support: number;
  weight(x: number): number;
}

// PIL's cubic with a = -0.5 (Resample.c), the same as torchvision's antialiased bicubic.
const A = -0.5;
const FILTERS: Record<Interpolation, Filter> = {
  bilinear: {
    support: 1,
    weight: (x) => {
      const t = Math.abs(x);
      return t < 1 ? 1 - t : 0;
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const t = Math.abs(x);
      if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * A;
      return 0;
    },
  },
};

interface AxisWeights {
  /** First source index of each output's taps. */
  first: Int32Array;
  /** Number of taps of each output. */
  count: Int32Array;
  /** taps × outSize weights, row `o` at o·taps; each row sums to 1. */
  weights: Float64Array;
  taps: number;
}

/**
 * PIL's precompute_coeffs: when shrinking, the filter is stretched by the scale factor so every
 * source pixel contributes (antialiasing); when enlarging it stays at its own width. Taps that
 * fall outside the picture are dropped and the rest renormalised, as PIL does.
 */
function axisWeights(inSize: number, outSize: number, filter: Filter): AxisWeights {
  const scale = inSize / outSize;
  const stretch = Math.max(1, scale);
  const support = filter.support * stretch;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const w = filter.weight((i - centre + 0.5) / stretch);
      weights[o * taps + i - lo] = w;
      total += w;
    }
    if (total !== 0) for (let t = 0; t < hi - lo; t++) weights[o * taps + t] /= total;
    first[o] = lo;
    count[o] = hi - lo;
  }
  return { first, count, weights, taps };
}

function resampleRows(img: FloatImage, outWidth: number, filter: Filter): FloatImage {
  const { width, height, channels: ch, data } = img;
  const ax = axisWeights(width, outWidth, filter);
  const out = new Float32Array(outWidth * height * ch);
  const { first, count, weights, taps } = ax;
  for (let r = 0; r < height; r++) {
    const row = r * width * ch;
    for (let o = 0; o < outWidth; o++) {
      const base = row + first[o] * ch;
      const wBase = o * taps;
      const n = count[o];
      const dst = (r * outWidth + o) * ch;
      if (ch === 3) {
        // RGB, the common case, with one pass over the taps (about twice as fast as a pass per channel).
        let a0 = 0, a1 = 0, a2 = 0;
        for (let t = 0, p = base; t < n; t++, p += 3) {
          const w = weights[wBase + t];
          a0 += w * data[p];
          a1 += w * data[p + 1];
          a2 += w * data[p + 2];
        }
        out[dst] = a0;
        out[dst + 1] = a1;
        out[dst + 2] = a2;
        continue;
      }
      for (let z = 0; z < ch; z++) {
        let acc = 0;
        for (let t = 0; t < n; t++) acc += weights[wBase + t] * data[base + t * ch + z];
        out[dst + z] = acc;
      }
    }
  }
  return createImage(outWidth, height, ch, out);
}

function resampleColumns(img: FloatImage, outHeight: number, filter: Filter): FloatImage {
  const { width, height, channels: ch, data } = img;
  const ax = axisWeights(height, outHeight, filter);
  const rowLen = width * ch;
  const out = new Float32Array(rowLen * outHeight);
  for (let o = 0; o < outHeight; o++) {
    const dst = o * rowLen;
    for (let t = 0; t < ax.count[o]; t++) {
      const w = ax.weights[o * ax.taps + t];
      const src = (ax.first[o] + t) * rowLen;
      for (let k = 0; k < rowLen; k++) out[dst + k] += w * data[src + k];
    }
  }
  return createImage(width, outHeight, ch, out);
}

function clampTo(img: FloatImage, lo: number, hi: number): FloatImage {
  const d = img.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] < lo ? lo : d[i] > hi ? hi : d[i];
  return img;
}

function rangeOf(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Resize as PIL's Image.resize (and so torchvision's and timm's eval transforms on PIL images):
 * separable, rows first, antialiased when shrinking, computed in float. Bicubic's negative lobes
 * overshoot, so each of its passes is clipped to the pixel range [0, 1], as PIL clips to 0…255.
 * Bilinear gives convex combinations, which lie within the input's range in exact arithmetic; its
 * float32 sums can still overshoot (a white pixel becomes 1 + 1e-7, which the attack's [0, 1] check
 * refuses), so it is clipped to the input's own range.
 */
export function resample(img: FloatImage, outHeight: number, outWidth: number, interpolation: Interpolation): FloatImage {
  if (!Number.isInteger(outHeight) || !Number.isInteger(outWidth) || outHeight < 1 || outWidth < 1) {
    throw new ImageShapeError(`Cannot resize to ${outWidth}×${outHeight}: sizes must be positive whole numbers.`);
  }
  const filter = FILTERS[interpolation];
  if (!filter) throw new ImageShapeError(`"${String(interpolation)}" is not a resampling filter; use ${INTERPOLATIONS.join(' or ')}.`);
  const [lo, hi] = interpolation === 'bicubic' ? [0, 1] : rangeOf(img.data);
  let out = img;
  if (outWidth !== img.width) out = clampTo(resampleRows(out, outWidth, filter), lo, hi);
  if (outHeight !== img.height) out = clampTo(resampleColumns(out, outHeight, filter), lo, hi);
  return out === img ? createImage(img.width, img.height, img.channels, img.data.slice()) : out;
}
