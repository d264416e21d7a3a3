import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { createImage } from '../image/types';
import { attackMap } from './attackMap';
import { attackMapTensor } from './attackMapTensor';

const delta = createImage(2, 1, 3, Float32Array.from([0.1, -0.3, 0.5, -0.2, -0.4, -0.6]));

describe('attackMapTensor', () => {
  beforeAll(() => useBackend('cpu'));

  it('agrees with the array version for both conventions, batched or not, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    for (const convention of ['mean', 'max'] as const) {
      const t3 = tf.tensor3d(delta.data, [1, 2, 3]);
      const t4 = tf.tensor4d(delta.data, [1, 1, 2, 3]);
      const m3 = attackMapTensor(t3, convention);
      const m4 = attackMapTensor(t4, convention);
      expect(m3.shape).toEqual([1, 2]);
      expect(m4.shape).toEqual([1, 1, 2]);
      const expected = Array.from(attackMap(delta, convention).data);
      Array.from(m3.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      Array.from(m4.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      tf.dispose([t3, t4, m3, m4]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a tensor of the wrong rank', () => {
    const t = tf.zeros([2, 2]);
    expect(() => attackMapTensor(t as unknown as tf.Tensor3D)).toThrow(/\[H, W, C\] or \[N, H, W, C\], not \[2,2\]/);
    t.dispose();
  });
});
