import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';

describe('test backends', () => {
  it.each(['cpu', 'wasm'] as const)('%s computes a known matrix product', async (name) => {
    await useBackend(name);
    expect(tf.getBackend()).toBe(name);
    const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
    expect(Array.from(await y.data())).toEqual([17, 39]);
    y.dispose();
  });
});
