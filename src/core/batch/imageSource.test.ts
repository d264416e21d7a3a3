import { describe, expect, it } from 'vitest';
import { createImage } from '../image/types';
import { batchImageOf } from './imageSource';

describe('batchImageOf', () => {
  it('crops picture and map to the same central square at the model size', () => {
    // 4 wide, 2 high; each pixel holds its column / 4, the map its column / 8: size 2 keeps columns 1 and 2.
    const image = createImage(4, 2, 3, Float32Array.from({ length: 24 }, (_, i) => (Math.floor(i / 3) % 4) / 4));
    const map = createImage(4, 2, 1, Float32Array.from({ length: 8 }, (_, i) => (i % 4) / 8));
    const got = batchImageOf(image, map, 7, 2);
    expect([...got.pixels].filter((_, i) => i % 3 === 0)).toEqual([0.25, 0.5, 0.25, 0.5]);
    expect([got.heatmap!.width, got.heatmap!.height, ...got.heatmap!.data]).toEqual([2, 2, 0.125, 0.25, 0.125, 0.25]);
    expect(got.label).toBe(7);
  });

  it('keeps a missing map and a missing label as null', () => {
    const got = batchImageOf(createImage(2, 2, 3, new Float32Array(12).fill(0.5)), null, null, 2);
    expect(got).toEqual({ pixels: new Float32Array(12).fill(0.5), heatmap: null, label: null });
  });
});
