import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { fixtureWeights, functionalConfig, randomArray, seeded, type LayerSpec } from './kerasFixtures';
import { kerasH5Importer } from './kerasH5Importer';
import { writeKerasH5 } from './kerasH5Writer';

/**
 * The building blocks of the two harmonized CNNs that load (ResNet50V2 from Keras applications,
 * EfficientNetB0 from the `efficientnet` package), as Keras 2 saves them, against plain tfjs ops
 * written from the architectures' definitions.
 */

const C = 4;
const conv = (name: string, filters: number, k: number, inC: number, cfg: Record<string, unknown> = {}, inbound?: string[]): LayerSpec => {
  const useBias = cfg.use_bias !== false;
  return {
    class_name: 'Conv2D',
    name,
    inbound,
    config: { filters, kernel_size: [k, k], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: useBias, ...cfg },
    weights: useBias ? [['kernel', [k, k, inC, filters]], ['bias', [filters]]] : [['kernel', [k, k, inC, filters]]],
  };
};
const bn = (name: string, channels: number, inbound?: string[]): LayerSpec => ({
  class_name: 'BatchNormalization',
  name,
  inbound,
  config: { axis: [3], momentum: 0.99, epsilon: 1.001e-5, center: true, scale: true },
  weights: [['gamma', [channels]], ['beta', [channels]], ['moving_mean', [channels]], ['moving_variance', [channels]]],
});
const act = (name: string, activation: string): LayerSpec => ({ class_name: 'Activation', name, config: { activation } });

type W = (layer: string, weight: string) => tf.Tensor;
const bnOp = (x: tf.Tensor, w: W, l: string) =>
  tf.add(tf.mul(tf.div(tf.sub(x, w(l, 'moving_mean')), tf.sqrt(tf.add(w(l, 'moving_variance'), 1.001e-5))), w(l, 'gamma')), w(l, 'beta'));
const convOp = (x: tf.Tensor, w: W, l: string, stride = 1, pad: 'same' | 'valid' = 'valid', bias = true) => {
  const y = tf.conv2d(x as tf.Tensor4D, w(l, 'kernel') as tf.Tensor4D, stride, pad);
  return bias ? tf.add(y, w(l, 'bias')) : y;
};
const swish = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));

// ResNet50V2 block (keras.applications.resnet_v2 block2 with conv_shortcut) and head.
const RESNET_V2: LayerSpec[] = [
  bn('preact_bn', C),
  act('preact_relu', 'relu'),
  conv('0_conv', 2 * C, 1, C),
  conv('1_conv', C, 1, C, { use_bias: false }, ['preact_relu']),
  bn('1_bn', C),
  act('1_relu', 'relu'),
  { class_name: 'ZeroPadding2D', name: '2_pad', config: { padding: [[1, 1], [1, 1]], data_format: 'channels_last' } },
  conv('2_conv', C, 3, C, { strides: [2, 2], use_bias: false }),
  bn('2_bn', C),
  act('2_relu', 'relu'),
  conv('3_conv', 2 * C, 1, C),
  { class_name: 'MaxPooling2D', name: 'shortcut_pool', inbound: ['0_conv'], config: { pool_size: [1, 1], strides: [2, 2], padding: 'valid', data_format: 'channels_last' } },
  { class_name: 'Add', name: 'out', inbound: ['shortcut_pool', '3_conv'] },
  bn('post_bn', 2 * C),
  act('post_relu', 'relu'),
  { class_name: 'GlobalAveragePooling2D', name: 'avg_pool', config: { data_format: 'channels_last', keepdims: false } },
  { class_name: 'Dense', name: 'predictions', config: { units: 10, activation: 'softmax', use_bias: true }, weights: [['kernel', [2 * C, 10]], ['bias', [10]]] },
];

function resnetV2Expected(x: tf.Tensor, w: W): tf.Tensor {
  const pre = tf.relu(bnOp(x, w, 'preact_bn'));
  const shortcut = tf.maxPool(convOp(pre, w, '0_conv') as tf.Tensor4D, 1, 2, 'valid');
  let y = tf.relu(bnOp(convOp(pre, w, '1_conv', 1, 'valid', false), w, '1_bn'));
  y = tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  y = tf.relu(bnOp(convOp(y, w, '2_conv', 2, 'valid', false), w, '2_bn'));
  y = tf.add(shortcut, convOp(y, w, '3_conv'));
  y = tf.mean(tf.relu(bnOp(y, w, 'post_bn')), [1, 2]);
  return tf.add(tf.matMul(y as tf.Tensor2D, w('predictions', 'kernel') as tf.Tensor2D), w('predictions', 'bias'));
}

// EfficientNet MBConv block with squeeze-and-excite (efficientnet package, mb_conv_block), expand ratio 2.
const E = 2 * C;
const MBCONV: LayerSpec[] = [
  conv('block2a_expand_conv', E, 1, C, { padding: 'same', use_bias: false }),
  bn('block2a_expand_bn', E),
  act('block2a_expand_activation', 'swish'),
  {
    class_name: 'DepthwiseConv2D',
    name: 'block2a_dwconv',
    config: { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: false },
    weights: [['depthwise_kernel', [3, 3, E, 1]]],
  },
  bn('block2a_bn', E),
  act('block2a_activation', 'swish'),
  { class_name: 'GlobalAveragePooling2D', name: 'block2a_se_squeeze', config: { data_format: 'channels_last' } },
  { class_name: 'Reshape', name: 'block2a_se_reshape', config: { target_shape: [1, 1, E] } },
  conv('block2a_se_reduce', 2, 1, E, { padding: 'same', activation: 'swish' }),
  conv('block2a_se_expand', E, 1, 2, { padding: 'same', activation: 'sigmoid' }),
  { class_name: 'Multiply', name: 'block2a_se_excite', inbound: ['block2a_activation', 'block2a_se_expand'] },
  conv('block2a_project_conv', C, 1, E, { padding: 'same', use_bias: false }),
  bn('block2a_project_bn', C),
  { class_name: 'FixedDropout', name: 'block2a_drop', config: { rate: 0.2, noise_shape: [null, 1, 1, 1], seed: null } },
  { class_name: 'Add', name: 'block2a_add', inbound: ['block2a_drop', 'input_1'] },
];

function mbconvExpected(x: tf.Tensor, w: W): tf.Tensor {
  let y = swish(bnOp(convOp(x, w, 'block2a_expand_conv', 1, 'same', false), w, 'block2a_expand_bn'));
  y = swish(bnOp(tf.depthwiseConv2d(y as tf.Tensor4D, w('block2a_dwconv', 'depthwise_kernel') as tf.Tensor4D, 1, 'same'), w, 'block2a_bn'));
  const squeezed = tf.mean(y, [1, 2], true);
  const gate = tf.sigmoid(convOp(swish(convOp(squeezed, w, 'block2a_se_reduce', 1, 'same')), w, 'block2a_se_expand', 1, 'same'));
  y = bnOp(convOp(tf.mul(y, gate), w, 'block2a_project_conv', 1, 'same', false), w, 'block2a_project_bn');
  return tf.add(y, x);
}

describe('standard-application blocks read from .h5 equal plain tfjs ops', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    ['ResNet50V2 pre-activation block with strided shortcut and softmax head', RESNET_V2, resnetV2Expected],
    ['EfficientNet MBConv block with squeeze-and-excite, swish and FixedDropout', MBCONV, mbconvExpected],
  ] as const)('%s', async (_name, specs, expectedFn) => {
    const rand = seeded(42);
    const layers = fixtureWeights(specs, rand);
    const bytes = await writeKerasH5({ modelConfig: functionalConfig([6, 6, C], specs), layers });
    const w: W = (layer, weight) => {
      const found = layers.find((l) => l.name === layer)!.weights.find((x) => x.name === `${layer}/${weight}:0`)!;
      return tf.tensor(found.data as Float32Array, found.shape);
    };
    const x = tf.tensor4d(randomArray(6 * 6 * C, rand, 0, 1), [1, 6, 6, C]);
    const expected = tf.tidy(() => expectedFn(x, w).dataSync() as Float32Array);
    const { raw } = await kerasH5Importer.open({ name: 'block.h5', bytes }, new Map());
    const actual = tf.tidy(() => raw.predict(x).dataSync() as Float32Array);
    expect(actual.length).toBe(expected.length);
    const worst = actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i])), 0);
    expect(worst).toBeLessThan(1e-4);
    raw.dispose();
    x.dispose();
  });
});
