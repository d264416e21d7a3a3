import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { kerasH5Importer } from './kerasH5Importer';

/**
 * A file written by h5py the way Keras 2 saves models (fixtures/make_h5py_fixture.py): variable-
 * length string attributes, empty float64 weight_names for weight-less layers, an optimizer state
 * to ignore. Its weights follow a closed form, recomputed here, so the logits are checked against
 * values that never went through the importer.
 */

const FIXTURE = path.join(__dirname, 'fixtures', 'h5py_keras2.h5');

/** make_h5py_fixture.py's weight(): 0.5·sin(0.7k + layer), or 1 + |that| for variances. */
function weight(layerIndex: number, shape: number[], positive = false): tf.Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const values = Float32Array.from({ length: n }, (_, k) => {
    const v = 0.5 * Math.sin(0.7 * k + layerIndex);
    return positive ? 1 + Math.abs(v) : v;
  });
  return tf.tensor(values, shape);
}

function expectedLogits(x: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const conv = tf.conv2d(x, weight(1, [3, 3, 3, 4]) as tf.Tensor4D, 1, 'same');
    const [gamma, beta, mean, variance] = [weight(2, [4]), weight(3, [4]), weight(4, [4]), weight(5, [4], true)];
    const bn = tf.add(tf.mul(tf.div(tf.sub(conv, mean), tf.sqrt(tf.add(variance, 0.001))), gamma), beta);
    const dw = tf.add(tf.depthwiseConv2d(tf.relu(bn) as tf.Tensor4D, weight(6, [3, 3, 4, 1]) as tf.Tensor4D, 1, 'valid'), weight(7, [4]));
    return tf.add(tf.matMul(tf.mean(dw, [1, 2]) as tf.Tensor2D, weight(8, [4, 5]) as tf.Tensor2D), weight(9, [5]));
  });
}

describe('a Keras 2 file written by h5py', () => {
  beforeAll(() => useBackend('cpu'));

  it('imports with the logits of its closed-form weights, the softmax turned off', async () => {
    const bytes = new Uint8Array(fs.readFileSync(FIXTURE));
    const { raw, info } = await kerasH5Importer.open({ name: 'h5py_keras2.h5', bytes }, new Map());
    expect(info).toMatchObject({ inputSize: 5, numOutputs: 5, logitsLayer: 'probs' });
    expect(info.notes).toContain('Keras 2.9.0');
    expect(info.notes).toContain('softmax of layer "probs" is turned off');
    const x = tf.tensor4d(Float32Array.from({ length: 75 }, (_, i) => (i % 7) / 7), [1, 5, 5, 3]);
    const actual = tf.tidy(() => raw.predict(x).dataSync() as Float32Array);
    const expected = tf.tidy(() => expectedLogits(x).dataSync() as Float32Array);
    expect(actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i])), 0)).toBeLessThan(1e-5);
    raw.dispose();
    x.dispose();
  });
});
