import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { centreSquare, crop, cropResize, resizeBilinear } from './resize';
import { resample } from './resample';
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
  it('finds the central square at round((side − size) / 2), halves to even as torchvision\'s CenterCrop (Python round)', () => {
    expect(centreSquare(5, 2)).toEqual({ top: 0, left: 2, size: 2 });
    expect(centreSquare(7, 2)).toEqual({ top: 0, left: 2, size: 2 });
    expect(centreSquare(3, 7)).toEqual({ top: 2, left: 0, size: 3 });
  });

  it('copies the window row by row', () => {
    near(crop(img(3, 3, 1, [...Array(9).keys()]), 1, 1, 2, 2).data, [4, 5, 7, 8]);
  });

  it('rejects a window outside the image', () => {
    expect(() => crop(img(2, 2, 1, [0, 0, 0, 0]), 1, 1, 2, 2)).toThrow(/does not fit inside a 2×2 image/);
  });
});

describe('resample (PIL filters, antialiased when shrinking)', () => {
  it('bilinear 4 → 2 stretches the triangle to ±2 source pixels (PIL: taps 0–2 weighted 0.75, 0.75, 0.25)', () => {
    // Output 0 sits at 1.0; weights (1 − |i + 0.5 − 1| / 2) over i = 0, 1, 2, renormalised by 1.75; output 1 mirrors it.
    near(resample(img(4, 1, 1, [0, 1, 2, 3]), 1, 2, 'bilinear').data, [1.25 / 1.75, 3 - 1.25 / 1.75]);
  });

  it('bilinear upscaling is the half-pixel bilinear of resizeBilinear', () => {
    near(resample(img(2, 1, 1, [0, 1]), 1, 4, 'bilinear').data, [0, 0.25, 0.75, 1]);
  });

  it('bicubic (a = −0.5) reproduces a linear ramp away from the edges, and is clipped to [0, 1]', () => {
    const ramp = resample(img(16, 1, 1, [...Array(16).keys()].map((v) => v / 15)), 1, 8, 'bicubic');
    // Output 3 sits at 7.0 with taps 3–10 weighted w((i + 0.5 − 7) / 2), symmetric about 6.5: the ramp's value there.
    expect(ramp.data[3]).toBeCloseTo(6.5 / 15, 6);
    const step = resample(img(4, 1, 1, [0, 0, 1, 1]), 1, 7, 'bicubic').data;
    expect(Math.min(...step)).toBe(0);
    expect(Math.max(...step)).toBe(1);
  });

  it('keeps a constant picture constant and leaves an axis of unchanged size alone', () => {
    near(resample(img(5, 3, 1, Array(15).fill(0.3)), 2, 3, 'bicubic').data, Array(6).fill(0.3));
    const src = img(3, 2, 1, [1, 2, 3, 4, 5, 6]);
    near(resample(src, 2, 3, 'bilinear').data, [1, 2, 3, 4, 5, 6]);
  });

  it('never leaves [0, 1]: a white picture shrunk or grown by odd factors stays at most 1 (float32 sums of the weights overshoot)', () => {
    for (const [w, h, ow, oh] of [[1000, 800, 224, 224], [513, 257, 224, 97], [50, 70, 224, 301]]) {
      for (const filter of ['bilinear', 'bicubic'] as const) {
        const out = resample(img(w, h, 3, Array(w * h * 3).fill(1)), oh, ow, filter).data;
        let hi = -Infinity;
        let lo = Infinity;
        for (const v of out) {
          if (v > hi) hi = v;
          if (v < lo) lo = v;
        }
        expect(hi, `${filter} ${w}×${h} → ${ow}×${oh}`).toBeLessThanOrEqual(1);
        expect(lo).toBeGreaterThan(1 - 1e-6);
      }
    }
  });

  it('refuses sizes that are not positive whole numbers and unknown filters', () => {
    expect(() => resample(img(1, 1, 1, [0]), 0, 2, 'bilinear')).toThrow(ImageShapeError);
    expect(() => resample(img(1, 1, 1, [0]), 2, 2, 'lanczos' as 'bilinear')).toThrow(/not a resampling filter/);
  });
});

describe('cropResize', () => {
  it('shrinks the shorter side with the antialiased filter, then takes the central square (6×4 → 3×2 → columns 0–1)', () => {
    // Value = column index. 6 → 3 at scale 2: output 0 at 1.0 takes columns 0–2 weighted 0.75, 0.75, 0.25 (/1.75);
    // output 1 at 3.0 takes columns 1–4 weighted 0.25, 0.75, 0.75, 0.25 (/2). CenterCrop's left is round(0.5) = 0 (Python rounds halves to even).
    const src = img(6, 4, 1, Array.from({ length: 24 }, (_, i) => i % 6));
    const r = cropResize(src, 2);
    expect([r.width, r.height]).toEqual([2, 2]);
    near(r.data, [1.25 / 1.75, 2.5, 1.25 / 1.75, 2.5]);
  });

  it('crops the middle of a tall image without resampling when the shorter side already fits', () => {
    const src = img(2, 4, 1, [...Array(8).keys()]);
    near(cropResize(src, 2).data, [2, 3, 4, 5]);
  });

  it('crop_pct 0.5: the shorter side goes to size / 0.5, then the central size × size is kept', () => {
    // 4×4 at shorter side floor(2 / 0.5) = 4 is untouched; the crop starts at round((4 − 2) / 2) = 1.
    near(cropResize(img(4, 4, 1, [...Array(16).keys()]), 2, { cropPct: 0.5 }).data, [5, 6, 9, 10]);
  });

  it('crop_pct above 1 pads the smaller picture with black, as CenterCrop does', () => {
    // Shorter side floor(4 / 2) = 2: the 2×2 picture sits at (1, 1) of the 4×4 input.
    const r = cropResize(img(2, 2, 1, [1, 2, 3, 4]), 4, { cropPct: 2 });
    near(r.data, [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('keeps the aspect with the longer side rounded down, as torchvision\'s Resize does', () => {
    // 5×3 to shorter side 2: longer side int(2 · 5 / 3) = 3, then the central 2 columns start at round(0.5) = 0.
    const r = cropResize(img(5, 3, 1, Array(15).fill(0.5)), 2);
    expect([r.width, r.height]).toEqual([2, 2]);
  });

  it('refuses a crop fraction that is not a positive number', () => {
    expect(() => cropResize(img(2, 2, 1, [0, 0, 0, 0]), 2, { cropPct: 0 })).toThrow(/crop fraction/);
  });

  it('sends an image and its map through identical geometry', () => {
    const w = 9, h = 5;
    const rgb = img(w, h, 3, Array.from({ length: w * h * 3 }, (_, i) => Math.floor(i / 3) / (w * h)));
    const map = img(w, h, 1, Array.from({ length: w * h }, (_, i) => i / (w * h)));
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const a = cropResize(rgb, 4, { interpolation, cropPct: 0.875 }), b = cropResize(map, 4, { interpolation, cropPct: 0.875 });
      near(Array.from({ length: 16 }, (_, i) => a.data[i * 3]), Array.from(b.data), 1e-6);
    }
  });
});
