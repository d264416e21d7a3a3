import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test/backend';
import { kernelCount } from './measure';

beforeAll(() => useBackend('cpu'));

describe('kernelCount', () => {
  it('counts the kernels that compute, not reshapes and identities, and leaves no tensors', async () => {
    const a = tf.tensor2d([[1, -2], [3, -4]]);
    const before = tf.memory().numTensors;
    // add, relu, sum compute; reshape and clone (Identity) are views.
    expect(await kernelCount(() => tf.add(a, a).reshape([4]).clone().relu().sum())).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
