import * as d3 from 'd3';

/**
 * Turning float arrays (images, perturbations, maps) into RGBA pixels for canvases, with the
 * colour scales the legends describe. Pure functions: the same numbers give the same pixels.
 */

export type ColormapId = 'viridis' | 'inferno' | 'gray' | 'rdbu';

/** 256-entry RGB lookup tables; 'rdbu' runs blue (low) → white (middle) → red (high). */
const LUTS = new Map<ColormapId, Uint8Array>();

function interpolator(id: ColormapId): (t: number) => string {
  switch (id) {
    case 'viridis':
      return d3.interpolateViridis;
    case 'inferno':
      return d3.interpolateInferno;
    case 'gray':
      return d3.interpolateGreys;
    case 'rdbu':
      // d3's RdBu runs red → blue; reversed so positive values are red, as in most δ figures.
      return (t) => d3.interpolateRdBu(1 - t);
  }
}

export function colormapLut(id: ColormapId): Uint8Array {
  let lut = LUTS.get(id);
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    const f = interpolator(id);
    for (let i = 0; i < 256; i++) {
      const c = d3.rgb(id === 'gray' ? f(1 - i / 255) : f(i / 255));
      lut[i * 3] = Math.round(c.r);
      lut[i * 3 + 1] = Math.round(c.g);
      lut[i * 3 + 2] = Math.round(c.b);
    }
    LUTS.set(id, lut);
  }
  return lut;
}

/** CSS colour of a colormap at t ∈ [0,1], for legends. */
export function colormapCss(id: ColormapId, t: number): string {
  const lut = colormapLut(id);
  const i = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
  return `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
}

/** An HWC image in [0,1] (3 channels) as opaque RGBA bytes. */
export function imageToRgba(pixels: Float32Array, width: number, height: number): Uint8ClampedArray {
  const n = width * height;
  if (pixels.length !== n * 3) {
    throw new RangeError(`An RGB image of ${width}×${height} needs ${n * 3} values, not ${pixels.length}.`);
  }
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = Math.round(pixels[i * 3] * 255);
    out[i * 4 + 1] = Math.round(pixels[i * 3 + 1] * 255);
    out[i * 4 + 2] = Math.round(pixels[i * 3 + 2] * 255);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** A single-channel map as RGBA through a colormap; values are scaled from [min, max] to [0,1]. */
export function mapToRgba(
  map: Float32Array,
  colormap: ColormapId,
  range: { min: number; max: number },
  alpha = 255,
): Uint8ClampedArray {
  const lut = colormapLut(colormap);
  const span = range.max - range.min;
  const out = new Uint8ClampedArray(map.length * 4);
  for (let i = 0; i < map.length; i++) {
    const t = span > 0 ? (map[i] - range.min) / span : 0.5;
    const k = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
    out[i * 4] = lut[k];
    out[i * 4 + 1] = lut[k + 1];
    out[i * 4 + 2] = lut[k + 2];
    out[i * 4 + 3] = alpha;
  }
  return out;
}

/** Smallest and largest finite value. */
export function extent(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** Largest |value|: the symmetric half-range of a diverging scale. */
export function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/** Channel mean of an HWC array with 3 channels: the signed per-pixel perturbation. */
export function channelMean(hwc: Float32Array): Float32Array {
  const out = new Float32Array(hwc.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = (hwc[i * 3] + hwc[i * 3 + 1] + hwc[i * 3 + 2]) / 3;
  return out;
}

/**
 * How the perturbation panel shows δ:
 * - 'rgb': 0.5 + gain·δ per channel (grey = no change), the classic amplified picture;
 * - 'signed': channel mean of δ on a blue–white–red scale symmetric around 0;
 * - 'magnitude': |channel mean of δ| on inferno (the 2023 attack map).
 */
export type DeltaView = 'rgb' | 'signed' | 'magnitude';

export interface DeltaPicture {
  rgba: Uint8ClampedArray;
  /** What full colour means, for the scale shown next to the panel. */
  scale: { kind: 'gain'; gain: number } | { kind: 'range'; min: number; max: number };
}

/** Gain that makes the largest |δ| reach the edge of the grey range (capped, for δ = 0). */
export function autoGain(delta: Float32Array): number {
  const m = maxAbs(delta);
  return m > 0 ? Math.min(1000, 0.5 / m) : 1;
}

export function deltaToPicture(delta: Float32Array, view: DeltaView): DeltaPicture {
  if (view === 'rgb') {
    const gain = autoGain(delta);
    const out = new Uint8ClampedArray((delta.length / 3) * 4);
    for (let i = 0, j = 0; i < delta.length; i += 3, j += 4) {
      out[j] = Math.round((0.5 + gain * delta[i]) * 255);
      out[j + 1] = Math.round((0.5 + gain * delta[i + 1]) * 255);
      out[j + 2] = Math.round((0.5 + gain * delta[i + 2]) * 255);
      out[j + 3] = 255;
    }
    return { rgba: out, scale: { kind: 'gain', gain } };
  }
  const mean = channelMean(delta);
  if (view === 'signed') {
    const m = maxAbs(mean) || 1;
    return { rgba: mapToRgba(mean, 'rdbu', { min: -m, max: m }), scale: { kind: 'range', min: -m, max: m } };
  }
  for (let i = 0; i < mean.length; i++) mean[i] = Math.abs(mean[i]);
  const m = extent(mean).max || 1;
  return { rgba: mapToRgba(mean, 'inferno', { min: 0, max: m }), scale: { kind: 'range', min: 0, max: m } };
}

/** x0 + δ clipped to [0,1]: the adversarial image the model saw. */
export function addClipped(x0: Float32Array, delta: Float32Array): Float32Array {
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = Math.min(1, Math.max(0, x0[i] + delta[i]));
  return out;
}

/** Nearest-neighbour upsampling of an HWC array, so a δ preview lines up with the full image. */
export function upsampleNearest(src: Float32Array, srcSize: number, dstSize: number, channels: number): Float32Array {
  if (srcSize === dstSize) return src;
  const out = new Float32Array(dstSize * dstSize * channels);
  for (let y = 0; y < dstSize; y++) {
    const sy = Math.min(srcSize - 1, Math.floor((y * srcSize) / dstSize));
    for (let x = 0; x < dstSize; x++) {
      const sx = Math.min(srcSize - 1, Math.floor((x * srcSize) / dstSize));
      for (let c = 0; c < channels; c++) out[(y * dstSize + x) * channels + c] = src[(sy * srcSize + sx) * channels + c];
    }
  }
  return out;
}
