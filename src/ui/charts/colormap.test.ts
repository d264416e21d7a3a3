import { describe, expect, it } from 'vitest';
import {
  addClipped,
  autoGain,
  channelMean,
  colormapCss,
  colormapLut,
  deltaToPicture,
  extent,
  imageToRgba,
  mapToRgba,
  upsampleNearest,
} from './colormap';

describe('colormaps', () => {
  it('viridis ends are its published colours (#440154 → #fde725)', () => {
    expect(colormapCss('viridis', 0)).toBe('rgb(68, 1, 84)');
    expect(colormapCss('viridis', 1)).toBe('rgb(253, 231, 37)');
  });

  it('rdbu is blue below, white-ish in the middle, red above', () => {
    const lut = colormapLut('rdbu');
    const [r0, , b0] = lut.subarray(0, 3);
    const [r1, , b1] = lut.subarray(255 * 3, 255 * 3 + 3);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(Math.min(...lut.subarray(128 * 3, 128 * 3 + 3))).toBeGreaterThan(230);
  });

  it('maps values through the range, clamping outside it', () => {
    const rgba = mapToRgba(new Float32Array([-1, 0, 2, 9]), 'gray', { min: 0, max: 2 }, 128);
    // gray runs black (low) → white (high).
    expect(Array.from(rgba)).toEqual([0, 0, 0, 128, ...Array.from(rgba.subarray(4, 8)), 255, 255, 255, 128, 255, 255, 255, 128]);
    expect(rgba[4]).toBe(rgba[0]);
  });

  it('converts images and checks their size', () => {
    expect(Array.from(imageToRgba(new Float32Array([0, 0.5, 1]), 1, 1))).toEqual([0, 128, 255, 255]);
    expect(() => imageToRgba(new Float32Array(4), 1, 1)).toThrow(/needs 3 values, not 4/);
  });
});

describe('perturbation pictures', () => {
  const delta = new Float32Array([0.1, -0.1, 0, 0, 0, 0.05]);

  it('rgb view: grey where δ=0 and the largest |δ| at the edge', () => {
    const gain = autoGain(delta);
    expect(gain).toBeCloseTo(5, 6);
    const pic = deltaToPicture(delta, 'rgb');
    expect(pic.scale).toEqual({ kind: 'gain', gain });
    expect(Array.from(pic.rgba)).toEqual([255, 0, 128, 255, 128, 128, 191, 255]);
    expect(autoGain(new Float32Array(3))).toBe(1);
  });

  it('signed and magnitude views use the channel mean and report their range', () => {
    expect(Array.from(channelMean(delta))).toEqual([0, Math.fround(0.05 / 3)]);
    const signed = deltaToPicture(delta, 'signed');
    expect(signed.scale).toEqual({ kind: 'range', min: -Math.fround(0.05 / 3), max: Math.fround(0.05 / 3) });
    const mag = deltaToPicture(delta, 'magnitude');
    expect(mag.scale).toEqual({ kind: 'range', min: 0, max: Math.fround(0.05 / 3) });
    expect(Array.from(mag.rgba.subarray(4, 7))).toEqual(Array.from(colormapLut('inferno').subarray(255 * 3)));
  });

  it('adds δ and clips to [0,1]; extent skips non-finite values', () => {
    expect(Array.from(addClipped(new Float32Array([0.95, 0.05, 0.5]), new Float32Array([0.1, -0.1, 0.25])))).toEqual([1, 0, 0.75]);
    expect(extent(new Float32Array([NaN, 2, -1, Infinity]))).toEqual({ min: -1, max: 2 });
  });

  it('upsamples a preview by repeating pixels', () => {
    const src = new Float32Array([1, 2, 3, 4]); // 2×2, one channel
    expect(Array.from(upsampleNearest(src, 2, 4, 1))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});
