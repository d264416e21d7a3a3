import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { reluMask, reluWithMaskGradient } from './reluMask';

describe.each(['cpu', 'wasm'] as const)('ReLU masks on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('pass dL/dy where 0 < y (relu) or 0 < y < 6 (relu6), by hand', () => {
    const y = tf.tensor1d([0, 0.5, 5.9, 6, 7]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5]);
    expect(Array.from(reluMask('relu', y, dy).dataSync())).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(reluMask('relu6', y, dy).dataSync())).toEqual([0, 2, 3, 0, 0]);
  });

  it('give relu and relu6 their values and, away from the kinks, their derivatives', () => {
    const x = tf.tensor1d([-1, 0.5, 3, 7]);
    for (const [kind, value, slope] of [
      ['relu', [0, 0.5, 3, 7], [0, 1, 1, 1]],
      ['relu6', [0, 0.5, 3, 6], [0, 1, 1, 0]],
    ] as const) {
      const f = reluWithMaskGradient(kind);
      expect(Array.from(f(x).dataSync())).toEqual(value);
      // d/dx of Σ w·f(x) is w·f′(x).
      const w = tf.tensor1d([2, 3, 5, 7]);
      const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi), w)))(x);
      expect(Array.from(g.dataSync())).toEqual(slope.map((s, i) => s * [2, 3, 5, 7][i]));
    }
  });
});
