import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { createImage } from '../image/types';
import { cropResize } from '../image/resize';
import { blurSame, clickmeKernel, humanMapForModel, preprocessClickmeMap } from './clickme';

const g = (t: number) => Math.exp(-(t * t) / 200);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Closed form of the harmonizer's kernel: K[i][j] ∝ exp(−(x_j² + y_i²)/(2σ²)), x = −5…4, y = 4…−5. */
function closedFormKernel(): number[][] {
  const raw = range(0, 9).map((i) => range(0, 9).map((j) => Math.exp(-((j - 5) ** 2 + (4 - i) ** 2) / 200)));
  const z = sum(raw.flat());
  return raw.map((r) => r.map((v) => v / z));
}

describe('clickmeKernel', () => {
  const { rows, cols } = clickmeKernel();
  it('matches the closed form and sums to 1', () => {
    const k = closedFormKernel();
    let total = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        expect(rows[i] * cols[j]).toBeCloseTo(k[i][j], 14);
        total += rows[i] * cols[j];
      }
    }
    expect(total).toBeCloseTo(1, 14);
  });
  it('has the heavy tail at the bottom row and the left column', () => {
    expect(rows[9]).toBeCloseTo(g(5) / sum(range(-5, 4).map(g)), 14);
    expect(cols[0]).toBe(rows[9]);
    expect(rows[4]).toBe(Math.max(...rows));
    expect(cols[5]).toBe(Math.max(...cols));
  });
});

describe('blurSame', () => {
  const Z = sum(range(-5, 4).map(g)); // both 1D factors have this normaliser
  const kernel = clickmeKernel();

  it('spreads an impulse as TF SAME does: rows centred, columns one pixel to the left', () => {
    const data = new Float32Array(144);
    data[6 * 12 + 6] = 1;
    const out = blurSame(createImage(12, 12, 1, data), kernel).data;
    const at = (y: number, x: number) => out[y * 12 + x];
    // out[y][x] = rows[6 − y + 4] · cols[6 − x + 4], rows[i] = g(4 − i)/Z, cols[j] = g(j − 5)/Z.
    expect(at(6, 5)).toBeCloseTo((g(0) * g(0)) / Z ** 2, 7);
    expect(at(6, 6)).toBeCloseTo((g(0) * g(1)) / Z ** 2, 7);
    expect(at(1, 5)).toBeCloseTo(g(5) * g(0) / Z ** 2, 7); // i = 9, the far tail
    expect(at(0, 5)).toBe(0); // i = 10, outside the kernel
    expect(at(10, 5)).toBeCloseTo(g(4) * g(0) / Z ** 2, 7); // i = 0
    expect(at(11, 5)).toBe(0);
    expect(at(6, 1)).toBeCloseTo(g(0) * g(4) / Z ** 2, 7); // j = 9
    expect(at(6, 0)).toBe(0); // j = 10, outside
    expect(at(6, 10)).toBeCloseTo(g(0) * g(5) / Z ** 2, 7); // j = 0, the far tail
    expect(at(6, 11)).toBe(0);
  });

  it('loses the kernel mass that falls on the zero padding at a corner', () => {
    const out = blurSame(createImage(12, 12, 1, new Float32Array(144).fill(2)), kernel).data;
    // Corner (0,0) sees rows i ≥ 4 (y = 0…−5) and columns j ≥ 4 (x = −1…4).
    const expected = (2 * sum(range(0, 5).map(g)) * sum(range(-1, 4).map(g))) / Z ** 2;
    expect(out[0]).toBeCloseTo(expected, 6);
    expect(out[6 * 12 + 6]).toBeCloseTo(2, 6);
  });

  it('rejects a colour image', () => {
    expect(() => blurSame(createImage(1, 1, 3), kernel)).toThrow(/single-channel maps/);
  });
});

describe('preprocessClickmeMap', () => {
  it('keeps a constant map constant in the middle and takes the blurred corner at the corner', () => {
    const out = preprocessClickmeMap(createImage(256, 256, 1, new Float32Array(256 * 256).fill(0.5)));
    expect([out.width, out.height]).toEqual([224, 224]);
    expect(out.data[112 * 224 + 112]).toBeCloseTo(0.5, 6);
    const corner = (0.5 * sum(range(0, 5).map(g)) * sum(range(-1, 4).map(g))) / sum(range(-5, 4).map(g)) ** 2;
    expect(out.data[0]).toBeCloseTo(corner, 6);
  });

  describe('against the harmonizer pipeline rebuilt from tfjs ops', () => {
    beforeAll(() => useBackend('cpu'));
    it('matches resize 256→64, conv2d SAME with the closed-form kernel, resize 64→224', () => {
      const values = Float32Array.from({ length: 256 * 256 }, (_, i) => ((i * 7919) % 997) / 997);
      const ours = preprocessClickmeMap(createImage(256, 256, 1, values)).data;
      const before = tf.memory().numTensors;
      const theirs = tf.tidy(() => {
        const x = tf.tensor4d(values, [1, 256, 256, 1]);
        const small = tf.image.resizeBilinear(x, [64, 64], false, true);
        const k = tf.tensor4d(closedFormKernel().flat(), [10, 10, 1, 1]);
        const blurred = tf.conv2d(small, k, 1, 'same');
        return tf.image.resizeBilinear(blurred, [224, 224], false, true).dataSync();
      });
      expect(tf.memory().numTensors).toBe(before);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
      expect(worst).toBeLessThan(1e-5);
    });
  });
});

describe('humanMapForModel', () => {
  it("only crops and resizes a 'ready' map, exactly like its image", () => {
    const map = createImage(6, 4, 1, Float32Array.from({ length: 24 }, (_, i) => i / 24));
    expect(humanMapForModel(map, 2, 'ready')).toEqual(cropResize(map, 2));
  });
  it("blurs a 'clickme-official' map", () => {
    const map = createImage(256, 256, 1, new Float32Array(65536).fill(1));
    expect(humanMapForModel(map, 224, 'clickme-official')).toEqual(preprocessClickmeMap(map, 224));
  });
});
