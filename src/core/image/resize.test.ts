import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { centreSquare, crop, cropResize, resizeBilinear } from './resize';
import { createImage, ImageShapeError } from './types';

const img = (w: number, h: number, c: number, values: number[]) => createImage(w, h, c, Float32Array.from(values));
const near = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThan(tol));
};

describe('resizeBilinear (half-pixel centres)', () => {
  it('upsamples 2 → 4 with edge clamping: taps at −0.25, 0.25, 0.75, 1.25', () => {
    near(resizeBilinear(img(2, 1, 1, [0, 1]), 1, 4).data, [0, 0.25, 0.75, 1]);
  });

  it('downsamples 4×4 → 2×2 to the mean of each 2×2 block (taps at 0.5 and 2.5)', () => {
    const r = resizeBilinear(img(4, 4, 1, [...Array(16).keys()]), 2, 2);
    near(r.data, [2.5, 4.5, 10.5, 12.5]);
    expect([r.width, r.height, r.channels]).toEqual([2, 2, 1]);
  });

  it('downsamples 3 → 2 with taps at 0.25 and 1.75', () => {
    near(resizeBilinear(img(1, 3, 1, [0, 3, 6]), 2, 1).data, [0.75, 5.25]);
  });

  it('keeps channels apart', () => {
    // Pixel (x) = [x, 10x, 100x]; 2 → 4 along x.
    const r = resizeBilinear(img(2, 1, 3, [0, 0, 0, 1, 10, 100]), 1, 4);
    near(r.data, [0, 0, 0, 0.25, 2.5, 25, 0.75, 7.5, 75, 1, 10, 100], 1e-5);
  });

  it('returns a copy when the size is unchanged', () => {
    const src = img(2, 1, 1, [0.2, 0.4]);
    const r = resizeBilinear(src, 1, 2);
    expect(r.data).not.toBe(src.data);
    near(r.data, [0.2, 0.4]);
  });

  it('rejects a zero or fractional size with a sentence', () => {
    expect(() => resizeBilinear(img(1, 1, 1, [0]), 0, 2)).toThrow(ImageShapeError);
    expect(() => resizeBilinear(img(1, 1, 1, [0]), 2.5, 2)).toThrow(/positive whole numbers/);
  });
});

describe('resizeBilinear against tf.image.resizeBilinear(halfPixelCenters=true)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [h, w, oh, ow] of [[7, 5, 4, 9], [13, 11, 5, 3], [3, 8, 16, 2]]) {
    it(`${w}×${h} → ${ow}×${oh}`, () => {
      const values = Array.from({ length: h * w * 3 }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5);
      const ours = resizeBilinear(img(w, h, 3, values), oh, ow).data;
      const theirs = tf.tidy(() =>
        tf.image.resizeBilinear(tf.tensor3d(values, [h, w, 3]), [oh, ow], false, true).dataSync(),
      );
      near(ours, Array.from(theirs), 1e-6);
    });
  }
});

describe('crop and centreSquare', () => {
  it('finds the central square, rounding the offset down', () => {
    expect(centreSquare(5, 2)).toEqual({ top: 0, left: 1, size: 2 });
    expect(centreSquare(3, 7)).toEqual({ top: 2, left: 0, size: 3 });
  });

  it('copies the window row by row', () => {
    near(crop(img(3, 3, 1, [...Array(9).keys()]), 1, 1, 2, 2).data, [4, 5, 7, 8]);
  });

  it('rejects a window outside the image', () => {
    expect(() => crop(img(2, 2, 1, [0, 0, 0, 0]), 1, 1, 2, 2)).toThrow(/does not fit inside a 2×2 image/);
  });
});

describe('cropResize', () => {
  it('shrinks the shorter side, then takes the central square (6×4 → 3×2 → columns 0–1)', () => {
    // Value = column index; horizontal taps of 6 → 3 sit at 0.5, 2.5, 4.5; the 3×2 result is cropped at left 0.
    const src = img(6, 4, 1, Array.from({ length: 24 }, (_, i) => i % 6));
    const r = cropResize(src, 2);
    expect([r.width, r.height]).toEqual([2, 2]);
    near(r.data, [0.5, 2.5, 0.5, 2.5]);
  });

  it('crops the middle of a tall image without resampling when the shorter side already fits', () => {
    const src = img(2, 4, 1, [...Array(8).keys()]);
    near(cropResize(src, 2).data, [2, 3, 4, 5]);
  });

  it('with a larger shorter side: resize, crop, then resize to the input size', () => {
    // 4×4 at shorter side 4 is untouched, then 4 → 2 averages 2×2 blocks.
    near(cropResize(img(4, 4, 1, [...Array(16).keys()]), 2, 4).data, [2.5, 4.5, 10.5, 12.5]);
  });

  it('sends an image and its map through identical geometry', () => {
    const w = 9, h = 5;
    const rgb = img(w, h, 3, Array.from({ length: w * h * 3 }, (_, i) => Math.floor(i / 3) / (w * h)));
    const map = img(w, h, 1, Array.from({ length: w * h }, (_, i) => i / (w * h)));
    const a = cropResize(rgb, 4), b = cropResize(map, 4);
    near(Array.from({ length: 16 }, (_, i) => a.data[i * 3]), Array.from(b.data), 1e-6);
  });
});
