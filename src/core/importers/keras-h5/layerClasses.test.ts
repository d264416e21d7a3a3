import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { openH5Bytes } from './hdf5';
import { fixtureWeights, functionalConfig, randomArray, seeded, type LayerSpec } from './kerasFixtures';
import { kerasH5Importer, readKerasLayersModel } from './kerasH5Importer';
import { writeKerasH5 } from './kerasH5Writer';

/**
 * One small hand-made Keras model per layer class of the standard applications, written to .h5
 * in code, imported, and compared with the same computation written in plain tfjs ops.
 */

type Weights = (layer: string, weight: string) => tf.Tensor;
interface Case {
  name: string;
  input: number[];
  specs: LayerSpec[];
  expected: (x: tf.Tensor4D, w: Weights) => tf.Tensor;
}

const conv = (name: string, filters: number, k: number, extra: Record<string, unknown> = {}, inbound?: string[]): LayerSpec => ({
  class_name: 'Conv2D',
  name,
  inbound,
  config: { filters, kernel_size: [k, k], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true, ...extra },
  weights: extra.use_bias === false ? [['kernel', [k, k, 3, filters]]] : [['kernel', [k, k, 3, filters]], ['bias', [filters]]],
});
const bn = (name: string, channels: number): LayerSpec => ({
  class_name: 'BatchNormalization',
  name,
  config: { axis: [3], momentum: 0.99, epsilon: 1.001e-5, center: true, scale: true },
  weights: [['gamma', [channels]], ['beta', [channels]], ['moving_mean', [channels]], ['moving_variance', [channels]]],
});
const act = (name: string, activation: string, inbound?: string[]): LayerSpec => ({ class_name: 'Activation', name, inbound, config: { activation } });

const affineBn = (x: tf.Tensor, w: Weights, l: string, eps = 1.001e-5) =>
  tf.add(tf.mul(tf.div(tf.sub(x, w(l, 'moving_mean')), tf.sqrt(tf.add(w(l, 'moving_variance'), eps))), w(l, 'gamma')), w(l, 'beta'));

const CASES: Case[] = [
  {
    name: 'Conv2D (stride 2, same, relu)',
    input: [7, 7, 3],
    specs: [conv('conv', 4, 3, { strides: [2, 2], padding: 'same', activation: 'relu' })],
    expected: (x, w) => tf.relu(tf.add(tf.conv2d(x, w('conv', 'kernel') as tf.Tensor4D, 2, 'same'), w('conv', 'bias'))),
  },
  {
    name: 'DepthwiseConv2D (depth multiplier 2, valid)',
    input: [6, 6, 3],
    specs: [
      {
        class_name: 'DepthwiseConv2D',
        name: 'dw',
        config: { kernel_size: [3, 3], strides: [1, 1], padding: 'valid', depth_multiplier: 2, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true },
        weights: [['depthwise_kernel', [3, 3, 3, 2]], ['bias', [6]]],
      },
    ],
    expected: (x, w) => tf.add(tf.depthwiseConv2d(x, w('dw', 'depthwise_kernel') as tf.Tensor4D, 1, 'valid'), w('dw', 'bias')),
  },
  {
    name: 'BatchNormalization (standalone, axis saved as [3])',
    input: [4, 4, 3],
    specs: [bn('bn', 3)],
    expected: (x, w) => affineBn(x, w, 'bn'),
  },
  {
    name: 'BatchNormalization after a bias-free Conv2D',
    input: [5, 5, 3],
    specs: [conv('conv', 3, 3, { use_bias: false }), bn('bn', 3), act('relu', 'relu')],
    expected: (x, w) => tf.relu(affineBn(tf.conv2d(x, w('conv', 'kernel') as tf.Tensor4D, 1, 'valid'), w, 'bn')),
  },
  {
    name: 'Flatten and Dense with softmax (logits kept)',
    input: [3, 3, 3],
    specs: [
      { class_name: 'Flatten', name: 'flat', config: { data_format: 'channels_last' } },
      { class_name: 'Dense', name: 'fc', config: { units: 5, activation: 'softmax', use_bias: true }, weights: [['kernel', [27, 5]], ['bias', [5]]] },
    ],
    expected: (x, w) => tf.add(tf.matMul(tf.reshape(x, [1, 27]), w('fc', 'kernel') as tf.Tensor2D), w('fc', 'bias')),
  },
  {
    name: 'MaxPooling2D',
    input: [6, 6, 3],
    specs: [{ class_name: 'MaxPooling2D', name: 'pool', config: { pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' } }],
    expected: (x) => tf.maxPool(x, 2, 2, 'valid'),
  },
  {
    name: 'AveragePooling2D',
    input: [5, 5, 3],
    specs: [{ class_name: 'AveragePooling2D', name: 'pool', config: { pool_size: [2, 2], strides: [1, 1], padding: 'valid', data_format: 'channels_last' } }],
    // Mean of the four shifted views: independent of tf.avgPool.
    expected: (x) => tf.div(tf.addN([[0, 0], [0, 1], [1, 0], [1, 1]].map(([i, j]) => tf.slice(x, [0, i, j, 0], [1, 4, 4, 3]))), 4),
  },
  {
    name: 'GlobalAveragePooling2D',
    input: [4, 4, 3],
    specs: [{ class_name: 'GlobalAveragePooling2D', name: 'gap', config: { data_format: 'channels_last', keepdims: false } }],
    expected: (x) => tf.mean(x, [1, 2]),
  },
  {
    name: 'Add of two branches',
    input: [4, 4, 3],
    specs: [conv('a', 3, 1), conv('b', 3, 1, {}, ['input_1']), { class_name: 'Add', name: 'add', inbound: ['a', 'b'] }],
    expected: (x, w) =>
      tf.add(tf.add(tf.conv2d(x, w('a', 'kernel') as tf.Tensor4D, 1, 'valid'), w('a', 'bias')), tf.add(tf.conv2d(x, w('b', 'kernel') as tf.Tensor4D, 1, 'valid'), w('b', 'bias'))),
  },
  {
    name: 'Multiply by a sigmoid gate (squeeze-and-excite)',
    input: [4, 4, 3],
    specs: [conv('gate', 3, 1), act('sig', 'sigmoid'), { class_name: 'Multiply', name: 'excite', inbound: ['input_1', 'sig'] }],
    expected: (x, w) => tf.mul(x, tf.sigmoid(tf.add(tf.conv2d(x, w('gate', 'kernel') as tf.Tensor4D, 1, 'valid'), w('gate', 'bias')))),
  },
  ...(['swish', 'relu6', 'tanh'] as const).map(
    (name): Case => ({
      name: `Activation ${name}`,
      input: [3, 3, 3],
      specs: [{ class_name: 'Rescaling', name: 'spread', config: { scale: 8, offset: 0 } }, act('act', name)],
      expected: (x) => {
        const z = tf.mul(x, 8);
        return name === 'swish' ? tf.div(z, tf.add(1, tf.exp(tf.neg(z)))) : name === 'relu6' ? tf.clipByValue(z, 0, 6) : tf.tanh(z);
      },
    }),
  ),
  {
    name: 'ZeroPadding2D (asymmetric)',
    input: [3, 3, 3],
    specs: [{ class_name: 'ZeroPadding2D', name: 'pad', config: { padding: [[1, 2], [0, 1]], data_format: 'channels_last' } }],
    expected: (x) => tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]]),
  },
  {
    name: 'Rescaling (1/255, offset −1)',
    input: [3, 3, 3],
    specs: [{ class_name: 'Rescaling', name: 'rescale', config: { scale: 1 / 255, offset: -1 } }],
    expected: (x) => tf.sub(tf.div(x, 255), 1),
  },
  {
    name: 'Normalization with adapted weights (mean, variance, count)',
    input: [3, 3, 3],
    specs: [{ class_name: 'Normalization', name: 'norm', config: { axis: [-1], mean: null, variance: null }, weights: [['mean', [3]], ['variance', [3]], ['count', []]] }],
    expected: (x, w) => tf.div(tf.sub(x, w('norm', 'mean')), tf.sqrt(w('norm', 'variance'))),
  },
  {
    name: 'Normalization with mean and variance in the config',
    input: [3, 3, 3],
    specs: [{ class_name: 'Normalization', name: 'norm', config: { axis: -1, mean: [0.485, 0.456, 0.406], variance: [0.052441, 0.050176, 0.050625] } }],
    expected: (x) => tf.div(tf.sub(x, [0.485, 0.456, 0.406]), [0.229, 0.224, 0.225]),
  },
  {
    name: 'Reshape',
    input: [2, 2, 3],
    specs: [{ class_name: 'Reshape', name: 'reshape', config: { target_shape: [3, 4] } }],
    expected: (x) => tf.reshape(x, [1, 3, 4]),
  },
  {
    name: 'Dropout and FixedDropout are the identity at inference',
    input: [2, 2, 3],
    specs: [
      { class_name: 'Dropout', name: 'drop', config: { rate: 0.5, noise_shape: null, seed: null } },
      { class_name: 'FixedDropout', name: 'fixed_drop', config: { rate: 0.5, noise_shape: [null, 1, 1, 1], seed: null } },
    ],
    expected: (x) => x,
  },
];

/** Writes the case as a Keras .h5 (every layer listed, weight-less ones with empty weight_names). */
async function writeCase(c: Case, seed: number) {
  const rand = seeded(seed);
  const withWeights = fixtureWeights(c.specs, rand);
  const layers = [{ name: 'input_1', weights: [] }, ...c.specs.map((s) => withWeights.find((l) => l.name === s.name) ?? { name: s.name, weights: [] })];
  const bytes = await writeKerasH5({ modelConfig: functionalConfig(c.input, c.specs), layers });
  const w: Weights = (layer, weight) => {
    const found = withWeights.find((l) => l.name === layer)!.weights.find((x) => x.name === `${layer}/${weight}:0`)!;
    return tf.tensor(found.data as Float32Array, found.shape);
  };
  const x = tf.tensor4d(randomArray(c.input.reduce((a, d) => a * d, 1), rand, 0, 1), [1, c.input[0], c.input[1], c.input[2]]);
  return { bytes, w, x };
}

function expectClose(actual: Float32Array | number[], expected: Float32Array | number[], tol = 1e-4) {
  expect(actual.length).toBe(expected.length);
  const worst = Array.from(actual).reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i])), 0);
  expect(worst, `largest difference ${worst}`).toBeLessThan(tol);
}

describe('Keras layer classes read from .h5 equal plain tfjs ops', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const { bytes, w, x } = await writeCase(c, 100 + i);
    const expected = tf.tidy(() => c.expected(x, w)).dataSync();

    const before = tf.memory().numTensors;
    const { raw, info } = await kerasH5Importer.open({ name: `${c.specs[0].name}.h5`, bytes }, new Map());
    const y = raw.predict(x);
    expectClose(y.dataSync() as Float32Array, expected as Float32Array);
    expect(info.numOutputs).toBe(expected.length);
    y.dispose();
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The tfjs layers model built on the way (what a naive gradient would use) agrees too.
    const h5 = await openH5Bytes(bytes, 'case.h5');
    const { model } = await readKerasLayersModel(h5.file, 'case.h5');
    h5.close();
    const naive = model.predict(x) as tf.Tensor;
    expectClose(naive.dataSync() as Float32Array, expected as Float32Array);
    naive.dispose();
    model.dispose();
    x.dispose();
  });
});
